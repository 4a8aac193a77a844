/**
 * /api/health's view of the worker (app/_server/health.ts): true while a real worker process polls, and
 * false again soon after that process is killed, although Temporal keeps listing its pollers for minutes.
 * Against a Temporal dev server tuned as `npm start` runs it (5 s long polls) with the window the
 * supervisor sets for it (SYNCLINE_WORKER_SEEN_WITHIN_SECONDS=10).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { eventually, startTemporalServer, startWorkerProcess, type ManagedChild } from '../../tests/support/processes';
import { uniqueTaskQueue } from '../../tests/support/temporal';
import { checkHealth, type HealthReport } from './health';

let database: TestDatabase;
let temporal: Awaited<ReturnType<typeof startTemporalServer>>;
let worker: ManagedChild | undefined;
const taskQueue = uniqueTaskQueue('health');

beforeAll(async () => {
  [database, temporal] = await Promise.all([createTestDatabase(), startTemporalServer({})]);
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    SYNCLINE_TASK_QUEUE: taskQueue,
    SYNCLINE_WORKER_SEEN_WITHIN_SECONDS: '10',
  });
});

afterAll(async () => {
  await worker?.stop();
  await temporal?.stop();
  await database?.drop();
});

it('reports the worker polling while it runs, and not polling once it is killed', async () => {
  const before = await checkHealth();
  expect(before).toMatchObject({ status: 'degraded', degraded: ['worker'], database: { up: true }, temporal: { up: true, workerPolling: false } });

  worker = await startWorkerProcess({ DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address, SYNCLINE_TASK_QUEUE: taskQueue });
  const up = await eventually(async () => {
    const report = await checkHealth();
    return report.temporal.workerPolling ? report : undefined;
  }, 'health to see the worker polling');
  expect(up).toMatchObject({ status: 'ok', degraded: [], temporal: { up: true, taskQueue, workerPolling: true } });
  // Stays true while the worker idles through several long polls.
  await new Promise((r) => setTimeout(r, 12_000));
  expect((await checkHealth()).temporal.workerPolling).toBe(true);

  await worker.kill();
  const killedAt = Date.now();
  const down: HealthReport = await eventually(async () => {
    const report = await checkHealth();
    return report.temporal.workerPolling ? undefined : report;
  }, 'health to notice the worker is gone', 60_000);
  process.stderr.write(`[health] worker reported gone ${((Date.now() - killedAt) / 1000).toFixed(1)} s after SIGKILL\n`);
  expect(down).toMatchObject({ status: 'degraded', degraded: ['worker'], database: { up: true }, temporal: { up: true, workerPolling: false } });
  expect(down.temporal.lastPollAt?.workflow).toBeDefined(); // Temporal still lists the dead worker's pollers
}, 180_000);
