/**
 * Real processes for durability tests: a private Temporal dev server that a test may stop and restart
 * (state kept in a SQLite file), a private PostgreSQL likewise, and the real worker process
 * (`tsx temporal/worker.ts`) that a test may kill with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureDatabase, projectRoot, startEmbeddedPostgres, withDatabase } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';
import { getFreePort } from '../../scripts/supervisor/ports';
import { waitForTemporal } from '../../scripts/supervisor/readiness';
import { temporalDevServerTuning } from '../../scripts/supervisor/temporal-tuning';
import { findTemporalCli } from '../../scripts/temporal-cli';

export interface ManagedChild {
  readonly process: ChildProcess;
  output(): string;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the whole process group: no shutdown hooks run. */
  kill(): Promise<void>;
}

/** Output capture and group signals for a child started with `detached: true`. */
export function manage(child: ChildProcess): ManagedChild {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, name);
    } catch {
      /* already gone */
    }
  };
  return {
    process: child,
    output: () => output,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal('SIGKILL');
      await exited;
    },
  };
}

/** A Temporal dev server on a fixed port with its state in `dbFile`, so a restart keeps every workflow. */
export async function startTemporalServer(options: { dbFile?: string; port?: number; untuned?: boolean }): Promise<ManagedChild & { address: string; port: number }> {
  const port = options.port ?? (await getFreePort());
  const cli = await findTemporalCli();
  const child = spawn(
    cli,
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--namespace', 'default', '--log-level', 'error',
      ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
      ...(options.untuned ? [] : temporalDevServerTuning({ persistent: Boolean(options.dbFile) })),
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const managed = manage(child);
  const address = `127.0.0.1:${port}`;
  await waitForTemporal(address, 'default', { timeoutMs: 60_000, isAlive: () => child.exitCode === null && child.signalCode === null });
  return { ...managed, address, port };
}

/** The real worker process; resolves once it logs that it is polling. */
export async function startWorkerProcess(env: Record<string, string>, options: { pinToCpu?: number } = {}): Promise<ManagedChild> {
  // Node with tsx as a loader, not the `tsx` CLI: the CLI's signal relay waits only 30 ms for a busy child to
  // acknowledge SIGTERM before it SIGKILLs it (exit 143), which cuts the graceful drain short under load.
  const worker = [process.execPath, '--import', 'tsx', 'temporal/worker.ts'];
  // `taskset -c N` keeps the worker (and its threads) on one core, for benchmarks that measure per core.
  const [command, ...args] = options.pinToCpu === undefined ? worker : ['taskset', '-c', String(options.pinToCpu), ...worker];
  const child = spawn(command!, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env } as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const managed = manage(child);
  const deadline = Date.now() + 60_000;
  while (!managed.output().includes('worker ready')) {
    if (child.exitCode !== null) throw new Error(`the worker exited while starting:\n${managed.output()}`);
    if (Date.now() > deadline) {
      await managed.kill();
      throw new Error(`the worker did not get ready within 60 s:\n${managed.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return managed;
}

/** One web instance as `npm run web` starts it (the production build on PORT/HOST); resolves once /api/health answers 200. */
export async function startWebProcess(env: Record<string, string>): Promise<ManagedChild & { url: string }> {
  const port = await getFreePort();
  const child = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), ['scripts/web.ts'], {
    cwd: projectRoot,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', BETTER_AUTH_URL: `http://127.0.0.1:${port}` } as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const managed = manage(child);
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`the web instance exited while starting:\n${managed.output()}`);
    const res = await fetch(`${url}/api/health`).catch(() => undefined);
    await res?.body?.cancel();
    return res?.status === 200 ? true : undefined;
  }, `the web instance on ${url} to answer /api/health`, 120_000).catch(async (err: unknown) => {
    await managed.kill();
    throw err;
  });
  return { ...managed, url };
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A PostgreSQL of its own (the shared test cluster must stay up for other files) with a migrated `syncline`
 * database, that a test may stop (fast shutdown: sessions are cut, then connections are refused) and start
 * again on the same port and data.
 */
export async function startPrivatePostgres(): Promise<{ url: string; stop(): Promise<void>; restart(): Promise<void>; remove(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'syncline-private-pg-'));
  await chmod(root, 0o755); // as root, PostgreSQL runs as user "postgres" and must reach its data dir
  const options = { dataDir: path.join(root, 'pg'), port: await getFreePort(), postgresFlags: ['-c', 'fsync=off'] };
  let server = await startEmbeddedPostgres(options);
  await ensureDatabase(server.url, 'syncline');
  const url = withDatabase(server.url, 'syncline');
  await migrateDatabase(url);
  return {
    url,
    stop: () => server.stop(),
    async restart() {
      server = await startEmbeddedPostgres(options);
    },
    async remove() {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
