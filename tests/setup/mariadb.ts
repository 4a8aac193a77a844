/**
 * A REAL MariaDB server (Debian's `mariadb-server` package, installed by `.ci/run`) for the MySQL connector's
 * tests and the connectors bench: a temporary data dir made by `mariadb-install-db`, `mariadbd` on a free
 * port of 127.0.0.1, never the system service. Started lazily by the files that need it (so a unit run, or an
 * integration run of other files, never pays the ~5 s of `mariadb-install-db`), stopped by them.
 *
 * As root, mariadbd refuses to run unless told `--user=root`: the data dir is private to this process and
 * thrown away, so running as root is what the fixture does (as a normal user, it runs as that user).
 * An `--init-file` creates the login the tests use (`syncline`, password auth over TCP, every privilege).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { getFreePort } from '../../scripts/supervisor/ports';

const execFileAsync = promisify(execFile);

export interface MariaDb {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The mariadbd process id (the bench reads its CPU time). */
  readonly pid: number;
  /** Creates an empty database (utf8mb4) and returns its name. */
  createDatabase(name: string): Promise<string>;
  /** One connection as the test login, to arrange and inspect data (the caller ends it). */
  connect(database?: string): Promise<mysql.Connection>;
  stop(): Promise<void>;
}

function findBinary(envName: string, candidates: readonly string[]): string {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `MariaDB is not installed (looked for ${candidates.join(', ')}; or set ${envName}). ` +
        'Install Debian\'s package: `apt-get install -y --no-install-recommends mariadb-server mariadb-client` (`.ci/run` does it).',
    );
  }
  return found;
}

async function waitUntilReady(options: { port: number; user: string; password: string; server: ChildProcess; log: string }): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (options.server.exitCode !== null || options.server.signalCode !== null) {
      throw new Error(`mariadbd exited while starting:\n${await fs.readFile(options.log, 'utf8').catch(() => '(no log)')}`);
    }
    try {
      const connection = await mysql.createConnection({ host: '127.0.0.1', port: options.port, user: options.user, password: options.password });
      await connection.end();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`mariadbd did not accept connections within 120 s: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function startMariaDb(): Promise<MariaDb> {
  const mariadbd = findBinary('MARIADBD_PATH', ['/usr/sbin/mariadbd', '/usr/sbin/mysqld']);
  const installDb = findBinary('MARIADB_INSTALL_DB_PATH', ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db']);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'syncline-mariadb-'));
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const user = 'syncline';
  const password = `pw-${process.pid}`;
  const dataDir = path.join(root, 'data');
  const log = path.join(root, 'server.log');
  await execFileAsync(installDb, ['--no-defaults', `--datadir=${dataDir}`, ...asRoot, '--auth-root-authentication-method=normal', '--skip-test-db'], { timeout: 120_000 });
  await fs.writeFile(
    path.join(root, 'init.sql'),
    `CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}';\nGRANT ALL PRIVILEGES ON *.* TO '${user}'@'%' WITH GRANT OPTION;\n`,
  );
  const port = await getFreePort();
  const server = spawn(
    mariadbd,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      ...asRoot,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${path.join(root, 'mysqld.sock')}`,
      `--pid-file=${path.join(root, 'mysqld.pid')}`,
      `--log-error=${log}`,
      `--init-file=${path.join(root, 'init.sql')}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      // Throwaway server: durability off, speed on (like the test PostgreSQL's fsync=off).
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-doublewrite=0',
      '--innodb-buffer-pool-size=128M',
      '--max-connections=300',
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      const killer = setTimeout(() => server.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    }
    await fs.rm(root, { recursive: true, force: true });
  };
  try {
    await waitUntilReady({ port, user, password, server, log });
  } catch (error) {
    await stop();
    throw error;
  }
  const connect = (database?: string) => mysql.createConnection({ host: '127.0.0.1', port, user, password, ...(database ? { database } : {}) });
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    pid: server.pid!,
    async createDatabase(name) {
      const connection = await connect();
      try {
        await connection.query(`CREATE DATABASE \`${name.replace(/`/g, '')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      } finally {
        await connection.end();
      }
      return name;
    },
    connect,
    stop,
  };
}
