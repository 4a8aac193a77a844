/**
 * First-time set-up of an embedded PostgreSQL cluster: the system user, binaries it can reach, initdb.
 *
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user. That user must be
 * able to reach the binaries, which live in this project's node_modules: when the project sits under a
 * private folder (a 0700 home or temp directory), the binaries are copied once to a shared cache folder.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LC_MESSAGES, postgresProcessEnv } from './embedded-locale';

const execFileAsync = promisify(execFile);

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

export interface UserIds {
  uid: number;
  gid: number;
}

async function lookupIds(): Promise<UserIds | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', 'postgres']).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** As root: the `postgres` system user (created when missing). Not root: undefined (run as ourselves). */
export async function ensurePostgresUser(): Promise<UserIds | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupIds();
  if (existing) return existing;
  try {
    await execFileAsync('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await execFileAsync('useradd', ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  } catch (error) {
    throw new Error(`Could not create the "postgres" system user that PostgreSQL runs as: ${(error as Error).message}`, { cause: error });
  }
  const created = await lookupIds();
  if (!created) throw new Error('The "postgres" system user was created but cannot be looked up.');
  return created;
}

/** True when `ids` may traverse every folder from the root down to `target` (and read it). */
export async function reachableBy(target: string, ids: UserIds): Promise<boolean> {
  let dir = path.resolve(target);
  for (;;) {
    const st = await fs.stat(dir);
    const bit = st.uid === ids.uid ? 0o100 : st.gid === ids.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return false;
    const parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

/**
 * Binaries the postgres user can run: the installed ones when reachable, else a copy of the platform
 * package's `native/` folder in `<tmp>/syncline-postgres-<version>` (made once, world-readable).
 */
export async function reachableBinaries(bin: PostgresBinaries, ids: UserIds | undefined): Promise<PostgresBinaries> {
  if (!ids || (await reachableBy(bin.postgres, ids))) return bin;
  const nativeDir = path.resolve(path.dirname(bin.postgres), '..');
  const pkg = JSON.parse(await fs.readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(os.tmpdir(), `syncline-postgres-${pkg.version}`);
  const marker = path.join(copy, '.complete');
  if (!existsSync(marker)) {
    const staging = `${copy}.${randomBytes(4).toString('hex')}`;
    await fs.cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await fs.chmod(staging, 0o755);
    await fs.writeFile(path.join(staging, '.complete'), new Date().toISOString());
    await fs.rename(staging, copy).catch(async () => fs.rm(staging, { recursive: true, force: true })); // another process won
  }
  const relocate = (file: string) => path.join(copy, path.relative(nativeDir, file));
  return { postgres: relocate(bin.postgres), initdb: relocate(bin.initdb), pg_ctl: relocate(bin.pg_ctl) };
}

/** Runs initdb for a new cluster in `dataDir` (created and owned by the postgres user as root). */
export async function runInitdb(options: {
  bin: PostgresBinaries;
  dataDir: string;
  user: string;
  password: string;
  ids: UserIds | undefined;
  onLog: (line: string) => void;
}): Promise<void> {
  const { bin, dataDir, ids } = options;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(os.tmpdir(), `syncline-pg-password-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (ids) {
    await fs.chown(dataDir, ids.uid, ids.gid);
    await fs.chown(passwordFile, ids.uid, ids.gid);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        bin.initdb,
        [
          `--pgdata=${dataDir}`,
          '--auth=scram-sha-256',
          `--username=${options.user}`,
          `--pwfile=${passwordFile}`,
          `--lc-messages=${LC_MESSAGES}`,
          // UTF-8 everywhere, with PostgreSQL 17's built-in, platform-independent C.UTF-8 collation.
          '--encoding=UTF8',
          '--locale=C',
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
        ],
        { ...(ids ?? {}), cwd: os.tmpdir(), env: postgresProcessEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let errors = '';
      child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => options.onLog(chunk.toString().trimEnd()));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb exited with code ${code}: ${errors.trim()}`))));
    });
  } finally {
    await fs.unlink(passwordFile).catch(() => undefined);
  }
}
