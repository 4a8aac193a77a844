/**
 * Scale-out, end to end over real sockets (issue 17): the durable load of `bench/durable.ts` (webhook POST
 * -> inbox -> relay -> Temporal -> worker -> run recorded, for the sync-shaped contact flow) against
 *   (a) the Temporal dev server (SQLite), one worker;
 *   (b) the Temporal server on PostgreSQL (all services in one process, 4 history shards), one worker;
 *   (c) the same server with two workers, each pinned to its own core with `taskset`.
 * Each phase has one web instance (`npm run web`) and its own task queue, flow and warm-up; the load is a
 * closed loop (each client posts an event and waits for its run to finish). CPU per run is read from
 * /proc for each role: worker(s), web, Temporal, PostgreSQL (everything on this one machine).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';
import { openDb } from '../../db/client';
import { memberships, users, workspaces } from '../../db/schema';
import buildForE2e from '../../tests/setup/e2e-build';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { startTemporalServer, startWebProcess, startWorkerProcess, type ManagedChild } from '../../tests/support/processes';
import { startTemporalProductionServer } from '../../tests/support/temporal-server';
import { getFreePort } from '../supervisor/ports';
import type { BenchOutcome } from '../bench';
import { treeCpuMs } from './_process-stats';

const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 30);
const WARM_UP = 60;

interface PhaseResult {
  runsPerSecond: number;
  /** CPU ms per run of each role (workers summed). */
  cpuMsPerRun: Record<string, number>;
}

export default async function run(): Promise<BenchOutcome> {
  buildForE2e();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'syncline-bench-scale-'));
  const { chmod } = await import('node:fs/promises');
  await chmod(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: await getFreePort(), postgresFlags: ['-c', 'max_connections=300'] });
  await ensureDatabase(pg.url, 'syncline');
  const databaseUrl = withDatabase(pg.url, 'syncline');
  await migrateDatabase(databaseUrl);
  const database = openDb(databaseUrl, { max: 4 });
  const sql = postgres(databaseUrl, { max: 2 });
  const running: ManagedChild[] = [];
  const stopAll = async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  };
  try {
    const userId = randomUUID();
    await database.db.insert(users).values({ id: userId, name: 'Bench', email: `bench-${userId}@example.test` });
    const [workspace] = await database.db.insert(workspaces).values({ name: 'Bench' }).returning();
    await database.db.insert(memberships).values({ workspaceId: workspace!.id, userId, role: 'admin' });
    const actor = { workspaceId: workspace!.id, userId };
    const secrets = { SYNCLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), BETTER_AUTH_SECRET: randomBytes(32).toString('base64') };

    /** One phase: a fresh flow and task queue, one web instance, the workers, the closed loop. */
    const phase = async (name: string, temporal: { address: string; pid: number }, workerCpus: (number | undefined)[]): Promise<PhaseResult> => {
      const env = { ...secrets, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'default', SYNCLINE_TASK_QUEUE: `bench-${randomBytes(4).toString('hex')}`, SYNCLINE_LOG_LEVEL: 'warn' };
      const workers = await Promise.all(workerCpus.map((cpu) => startWorkerProcess(env, { pinToCpu: cpu })));
      running.push(...workers);
      const web = await startWebProcess(env);
      running.push(web);
      const flow = await createPublishedFlow(database.db, actor, contactIntakeFlow());
      const roles = { worker: workers.map((w) => w.process.pid!), web: [web.process.pid!], temporal: [temporal.pid], postgres: [pg.pid] };
      const cpuNow = async () =>
        Object.fromEntries(await Promise.all(Object.entries(roles).map(async ([role, pids]) => [role, (await Promise.all(pids.map(treeCpuMs))).reduce((a, b) => a + b, 0)] as const)));

      const closedLoop = async (total: number, tag: string) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < total) {
              const n = next++;
              const res = await fetch(`${web.url}/api/hooks/${flow.token}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ id: `${tag}-${n}`, email: `Person${n}@Example.com`, modifiedBy: 'someone' }),
              });
              if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
              const { eventId } = (await res.json()) as { eventId: string };
              for (;;) {
                const [row] = await sql<{ status: string }[]>`select status from runs where id = ${eventId} and finished_at is not null`;
                if (row) {
                  if (row.status !== 'succeeded') throw new Error(`run ${eventId} ${row.status}`);
                  break;
                }
                await new Promise((r) => setTimeout(r, 20));
              }
            }
          }),
        );
      };
      await closedLoop(WARM_UP, `${name}-warm`);
      const before = await cpuNow();
      const started = Date.now();
      await closedLoop(RUNS, name);
      const seconds = (Date.now() - started) / 1000;
      const after = await cpuNow();
      await stopAll();
      const cpuMsPerRun = Object.fromEntries(Object.keys(roles).map((role) => [role, (after[role]! - before[role]!) / RUNS]));
      const result = { runsPerSecond: RUNS / seconds, cpuMsPerRun };
      console.log(`${name}: ${result.runsPerSecond.toFixed(1)} runs/s; CPU ms per run: ${Object.entries(cpuMsPerRun).map(([r, ms]) => `${r} ${ms.toFixed(1)}`).join(', ')}`);
      return result;
    };

    const devServer = await startTemporalServer({ dbFile: path.join(tmp, 'temporal.db') });
    let dev: PhaseResult;
    try {
      dev = await phase('dev server, 1 worker', { address: devServer.address, pid: devServer.process.pid! }, [undefined]);
    } finally {
      await devServer.stop();
    }
    const server = await startTemporalProductionServer({ databaseUrl: pg.url, dir: tmp });
    let one: PhaseResult;
    let two: PhaseResult;
    try {
      const temporal = { address: server.address, pid: server.process.pid! };
      one = await phase('server, 1 worker', temporal, [undefined]);
      two = await phase('server, 2 workers pinned', temporal, [0, 1]);
    } finally {
      await server.stop();
    }
    const note = (r: PhaseResult) => Object.entries(r.cpuMsPerRun).map(([role, ms]) => `${role} ${ms.toFixed(1)}`).join(', ');
    return {
      figures: {
        runsPerSecondDevServer: dev.runsPerSecond,
        runsPerSecondServer1Worker: one.runsPerSecond,
        runsPerSecondServer2Workers: two.runsPerSecond,
        cpuMsPerRunTemporalServer: one.cpuMsPerRun.temporal!,
        cpuMsPerRunTemporalDevServer: dev.cpuMsPerRun.temporal!,
        cpuMsPerRunWorker: one.cpuMsPerRun.worker!,
        cpuMsPerRunWeb: one.cpuMsPerRun.web!,
        cpuMsPerRunPostgres: one.cpuMsPerRun.postgres!,
      },
      units: {
        runsPerSecondDevServer: 'runs/s', runsPerSecondServer1Worker: 'runs/s', runsPerSecondServer2Workers: 'runs/s',
        cpuMsPerRunTemporalServer: 'ms', cpuMsPerRunTemporalDevServer: 'ms', cpuMsPerRunWorker: 'ms', cpuMsPerRunWeb: 'ms', cpuMsPerRunPostgres: 'ms',
      },
      runs: 1,
      notes:
        `closed loop at concurrency ${CONCURRENCY}, ${RUNS} runs per phase after ${WARM_UP} warm-up runs; one web instance per phase; ` +
        `Temporal server v1.29.1 on the same embedded PostgreSQL 17, 4 history shards, all services in one process; ` +
        `${os.cpus().length} cores shared by every process (and by other users of this machine). CPU ms per run: ` +
        `dev server: ${note(dev)}; server 1 worker: ${note(one)}; server 2 workers: ${note(two)}`,
    };
  } finally {
    await stopAll();
    await sql.end();
    await database.close();
    await pg.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}
