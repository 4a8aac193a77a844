/**
 * The worker rides out a PostgreSQL outage: with the real worker process running against a PostgreSQL of
 * its own, the server is stopped (its sessions cut, then connections refused) for several seconds and
 * started again. The worker process never exits; runs in flight when it went finish, its relay resumes,
 * and events accepted once the database is back run to success.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../db/client';
import { runs } from '../db/schema';
import { acceptWebhook } from '../domain/inbox/accept-webhook';
import { insertUser, insertWorkspace } from '../tests/support/app-context';
import { contactIntakeFlow, createPublishedFlow } from '../tests/support/flows';
import { eventually, startPrivatePostgres, startWorkerProcess, type ManagedChild } from '../tests/support/processes';
import { temporalAddress, uniqueTaskQueue } from '../tests/support/temporal';

let postgres: Awaited<ReturnType<typeof startPrivatePostgres>>;
let worker: ManagedChild | undefined;
let token: string;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  await withDb(async (db) => {
    const user = await insertUser(db, 'Outage');
    const actor = { userId: user.id, workspaceId: await insertWorkspace(db, 'Outage', [{ userId: user.id, role: 'admin' }]) };
    ({ token } = await createPublishedFlow(db, actor, contactIntakeFlow()));
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await postgres?.remove();
});

/** A short-lived pool per use: a pool of the test must not outlive the outage either. */
async function withDb<T>(use: (db: DbHandle['db']) => Promise<T>): Promise<T> {
  const handle = openDb(postgres.url, { max: 2 });
  try {
    return await use(handle.db);
  } finally {
    await handle.close();
  }
}

async function deliver(ids: string[]): Promise<string[]> {
  return withDb(async (db) => {
    const accepted: string[] = [];
    for (const id of ids) {
      const outcome = await acceptWebhook(db, { token, body: JSON.stringify({ id, email: `${id}@example.com` }), idempotencyKey: null });
      if (outcome.kind !== 'accepted') throw new Error(outcome.message);
      accepted.push(outcome.eventId);
    }
    return accepted;
  });
}

async function waitForSuccess(runIds: string[]): Promise<void> {
  for (const runId of runIds) {
    await eventually(
      () => withDb(async (db) => ((await db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId)))[0]?.status === 'succeeded' ? true : undefined)),
      `run ${runId} to succeed`,
      90_000,
    ).catch(async (error: Error) => {
      const status = await withDb(async (db) => (await db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId)))[0]?.status);
      throw new Error(`${error.message} (run status: ${status ?? 'no run row'}); worker output:\n${worker?.output().split('\n').filter((l) => !/run relayed/.test(l)).slice(-40).join('\n')}`);
    });
  }
}

it('keeps the worker process alive through a PostgreSQL outage and runs events once the database is back', async () => {
  worker = await startWorkerProcess({
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporalAddress(),
    SYNCLINE_TASK_QUEUE: uniqueTaskQueue('pg-outage'),
    SYNCLINE_LOG_LEVEL: 'warn',
  });
  await waitForSuccess(await deliver(['before']));

  // Runs in flight when the database goes: their run records and effects fail and are retried.
  const inFlight = await deliver(Array.from({ length: 30 }, (_, i) => `in-flight-${i}`));
  await postgres.stop();
  // Long enough for several relay passes, the periodic jobs and the LISTEN connection to hit the outage.
  await new Promise((r) => setTimeout(r, 8000));
  expect(worker.process.exitCode, worker.output()).toBeNull();
  await postgres.restart();

  await waitForSuccess([...inFlight, ...(await deliver(['after-1', 'after-2', 'after-3']))]);
  expect(worker.process.exitCode, worker.output()).toBeNull();
  expect(worker.process.signalCode).toBeNull();
  expect(worker.output()).not.toMatch(/worker failed|Uncaught|TypeError/);
}, 240_000);
