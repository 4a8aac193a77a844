/**
 * Global setup of the `integration` and `e2e` projects: ONE embedded PostgreSQL (temp data dir) with a
 * migrated template database `syncline_template`, and ONE in-memory, headless Temporal dev server.
 * Tests read them with `inject('databaseAdminUrl')` / `inject('temporalAddress')`; see tests/support/.
 *
 * Both projects list this file, and Vitest runs a global setup once per project: the infrastructure is
 * started once (shared through globalThis) and stopped when the last project tears down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, projectRoot, quoteIdent, startEmbeddedPostgres, withDatabase, type EmbeddedPostgres } from '../../db/embedded';
import { findTemporalCli } from '../../scripts/temporal-cli';
import { getFreePort } from '../../scripts/supervisor/ports';
import { waitForTemporal } from '../../scripts/supervisor/readiness';

export const TEMPLATE_DATABASE = 'syncline_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test cluster's `postgres` database. */
    databaseAdminUrl: string;
    /** Name of the migrated template database. */
    databaseTemplate: string;
    /** host:port of the Temporal dev server (namespace `default`). */
    temporalAddress: string;
  }
}

interface Infra {
  refs: number;
  databaseAdminUrl: string;
  temporalAddress: string;
  teardown(): Promise<void>;
}

const KEY = Symbol.for('syncline.test-infra');
type Holder = { [KEY]?: Promise<Infra> };
const verbose = Boolean(process.env.SYNCLINE_TEST_VERBOSE);
const say = (m: string) => process.stderr.write(`[test-infra] ${m}\n`);

async function startInfra(): Promise<Infra> {
  const t0 = Date.now();
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'syncline-test-'));
  await fs.chmod(tmp, 0o755); // as root, PostgreSQL runs as user "postgres" and must reach its data dir
  let pg: EmbeddedPostgres | undefined;
  let temporal: ChildProcess | undefined;
  const teardown = async () => {
    if (temporal?.pid && temporal.exitCode === null) {
      const exited = new Promise((r) => temporal!.once('exit', r));
      try {
        process.kill(-temporal.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(-temporal!.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 10_000);
      await exited;
      clearTimeout(t);
    }
    await pg?.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  };
  try {
    const [pgPort, temporalPort, cli] = await Promise.all([getFreePort(), getFreePort(), findTemporalCli()]);
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    temporal = spawn(
      cli,
      ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(temporalPort), '--namespace', 'default', '--log-level', 'error'],
      { detached: true, stdio: ['ignore', verbose ? 'inherit' : 'ignore', 'inherit'] },
    );
    const temporalReady = waitForTemporal(temporalAddress, 'default', {
      timeoutMs: 60_000,
      isAlive: () => temporal!.exitCode === null && temporal!.signalCode === null,
    });
    temporalReady.catch(() => {}); // awaited below

    pg = await startEmbeddedPostgres({
      dataDir: path.join(tmp, 'pg'),
      port: pgPort,
      onLog: verbose ? (l) => say(`postgres: ${l}`) : undefined,
      // Throwaway cluster: durability off, speed on.
      postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    });
    await ensureDatabase(pg.url, TEMPLATE_DATABASE);
    const templateUrl = withDatabase(pg.url, TEMPLATE_DATABASE);
    if (existsSync(path.join(projectRoot, 'db', 'migrations', 'meta', '_journal.json'))) {
      const { migrateDatabase } = (await import(pathToFileURL(path.join(projectRoot, 'db', 'migrate.ts')).href)) as {
        migrateDatabase: (url: string) => Promise<void>;
      };
      await migrateDatabase(templateUrl);
    } else {
      say('db/migrations/meta/_journal.json not found: the template database is empty');
    }
    // CREATE DATABASE ... TEMPLATE needs the template to have no open sessions.
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${TEMPLATE_DATABASE} AND pid <> pg_backend_pid()`;
      await sql.unsafe(`ALTER DATABASE ${quoteIdent(TEMPLATE_DATABASE)} WITH IS_TEMPLATE true`);
    } finally {
      await sql.end({ timeout: 5 });
    }
    await temporalReady;
    say(`PostgreSQL on 127.0.0.1:${pgPort} and Temporal on ${temporalAddress} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    return { refs: 0, databaseAdminUrl: pg.url, temporalAddress, teardown };
  } catch (err) {
    await teardown().catch(() => {});
    throw err;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const holder = globalThis as Holder;
  holder[KEY] ??= startInfra();
  const infra = await holder[KEY];
  infra.refs++;
  project.provide('databaseAdminUrl', infra.databaseAdminUrl);
  project.provide('databaseTemplate', TEMPLATE_DATABASE);
  project.provide('temporalAddress', infra.temporalAddress);
  return async () => {
    if (--infra.refs > 0) return;
    delete holder[KEY];
    await infra.teardown();
  };
}
