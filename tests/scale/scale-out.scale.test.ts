/**
 * Scale-out on the production topology: the Temporal server (not the dev server) with its history and
 * visibility in PostgreSQL, two web instances (`npm run web`: the production Next.js build) and two workers
 * (`npm run worker`), all on one Syncline database and one task queue.
 *
 * 500 webhook events for 50 records (ten changes each, every record's changes alternating between the two
 * web instances) run a flow that writes each change to a target API honouring Idempotency-Key. One worker
 * is killed with SIGKILL while runs are in flight; the other finishes everything. Then: one succeeded run per
 * event, every write applied once, and each record's writes applied in the order the changes arrived.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../../db/embedded';
import { openDb, type DbHandle } from '../../db/client';
import { inboxEvents, runs } from '../../db/schema';
import type { FlowInput } from '../../flows-engine/index';
import { insertUser, insertWorkspace } from '../support/app-context';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { setupTemporalSchema } from '../../scripts/supervisor/temporal-server';
import { findTemporalServer } from '../../scripts/temporal-server';
import { createPublishedFlow, createTestRestConnection } from '../support/flows';
import { startIdempotentTarget, type IdempotentTarget } from '../support/idempotent-target';
import { eventually, startWebProcess, startWorkerProcess, type ManagedChild } from '../support/processes';
import { uniqueTaskQueue } from '../support/temporal';
import { startTemporalProductionServer } from '../support/temporal-server';

const RECORDS = 50;
const CHANGES_PER_RECORD = 10;
const EVENTS = RECORDS * CHANGES_PER_RECORD;

const lit = (value: unknown) => ({ kind: 'literal' as const, value });

/** Webhook (ordered by `record`) -> POST the change to the target. */
function writeChangeFlow(connectionId: string): Omit<FlowInput, 'id' | 'name'> {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Record changed', config: { orderingKeyPath: lit('record') } },
      {
        id: 'write',
        type: 'http.request',
        typeVersion: 1,
        label: 'Write the change',
        config: { connectionId: lit(connectionId), method: lit('POST'), url: lit('/changes'), sendItemAsBody: lit(true) },
      },
    ],
    edges: [{ id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'write', port: 'main' } }],
    layout: {},
  };
}

let tmp: string;
let database: TestDatabase;
let handle: DbHandle;
let temporal: (ManagedChild & { address: string }) | undefined;
let target: IdempotentTarget;
const workers: ManagedChild[] = [];
const webs: (ManagedChild & { url: string })[] = [];
let token: string;
let flowId: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'syncline-scale-'));
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  temporal = await startTemporalProductionServer({ databaseUrl: inject('databaseAdminUrl'), dir: tmp });
  // A target that takes 30 ms per write, as a real API does: runs are then really in flight when the worker is
  // killed (with an instant target, every accepted run could already be finished at that moment).
  target = await startIdempotentTarget({ writeDelayMs: 30 });
  const user = await insertUser(handle.db, 'Scale');
  const actor = { userId: user.id, workspaceId: await insertWorkspace(handle.db, 'Scale', [{ userId: user.id, role: 'admin' }]) };
  const connectionId = await createTestRestConnection(handle.db, actor, 'Target API', target.url);
  ({ token, flowId } = await createPublishedFlow(handle.db, actor, writeChangeFlow(connectionId)));

  // What every role shares, and nothing else: configuration by environment only.
  const shared = {
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    SYNCLINE_TASK_QUEUE: uniqueTaskQueue('scale'),
    SYNCLINE_ENCRYPTION_KEY: process.env.SYNCLINE_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    BETTER_AUTH_SECRET: randomBytes(32).toString('base64'),
    SYNCLINE_LOG_LEVEL: 'info',
  };
  workers.push(...(await Promise.all([startWorkerProcess(shared), startWorkerProcess(shared)])));
  webs.push(...(await Promise.all([startWebProcess(shared), startWebProcess(shared)])));
}, 600_000);

afterAll(async () => {
  await Promise.all([...webs, ...workers].map((p) => p.stop()));
  await temporal?.stop();
  await target?.stop();
  await handle?.close();
  await database?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
}, 120_000);

/** Runs of the flow by status. */
async function runStatuses() {
  const rows = await handle.db.select({ status: runs.status, n: count() }).from(runs).where(eq(runs.flowId, flowId)).groupBy(runs.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
}

const finishedRuns = (output: string) => output.split('\n').filter((line) => line.includes('"run finished"')).length;

describe('scale-out on the Temporal server with PostgreSQL', () => {
  it('runs 500 events through two web instances and two workers, one worker killed mid-load: one run each, no write doubled, order kept per record', async () => {
    // Each record's changes in sequence (a sender waits for 202 before sending the next change of a record),
    // records in parallel; change n of a record goes to web instance n % 2.
    const acceptedBy = [0, 0];
    const sending = Promise.all(
      Array.from({ length: RECORDS }, async (_, r) => {
        for (let change = 0; change < CHANGES_PER_RECORD; change++) {
          const web = change % 2;
          const res = await fetch(`${webs[web]!.url}/api/hooks/${token}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ record: `record-${r}`, change }),
          });
          expect(res.status, await res.text()).toBe(202);
          acceptedBy[web]!++;
        }
      }),
    );

    // Mid-load: a fifth of the writes applied, runs still in flight on both workers.
    const [victim, survivor] = workers as [ManagedChild, ManagedChild];
    await eventually(async () => (target.applied.length >= EVENTS / 5 && finishedRuns(victim.output()) > 0 && finishedRuns(survivor.output()) > 0 ? true : undefined), 'a fifth of the writes, by both workers', 300_000);
    await victim.kill();
    const atKill = { applied: target.applied.length, statuses: await runStatuses(), survivorOutput: survivor.output().length };
    expect(atKill.applied).toBeLessThan(EVENTS);
    expect((atKill.statuses.running ?? 0) + (atKill.statuses.queued ?? 0), JSON.stringify(atKill.statuses)).toBeGreaterThan(0);
    await sending;
    expect(acceptedBy).toEqual([EVENTS / 2, EVENTS / 2]);

    const statuses = await eventually(async () => {
      const s = await runStatuses();
      return (s.succeeded ?? 0) === EVENTS ? s : undefined;
    }, `all ${EVENTS} runs to succeed on the surviving worker`, 600_000);
    expect(statuses).toEqual({ succeeded: EVENTS });

    // One event, one run.
    const [events] = await handle.db.select({ n: count() }).from(inboxEvents).where(eq(inboxEvents.flowId, flowId));
    expect(events?.n).toBe(EVENTS);
    const [runRows] = await handle.db.select({ n: count() }).from(runs).where(eq(runs.flowId, flowId));
    expect(runRows?.n).toBe(EVENTS);

    // Every write applied once: each (record, change) once, whatever was redelivered after the kill.
    const writes = target.applied.map((w) => `${String(w.body.record)}#${String(w.body.change)}`);
    expect(writes.length).toBe(EVENTS);
    expect(new Set(writes).size).toBe(EVENTS);

    // Each record's writes in the order its changes arrived, across both workers and the kill.
    for (let r = 0; r < RECORDS; r++) {
      const order = target.applied.filter((w) => w.body.record === `record-${r}`).map((w) => w.body.change);
      expect(order, `record-${r}`).toEqual(Array.from({ length: CHANGES_PER_RECORD }, (_, i) => i));
    }

    // The survivor finished what the victim had not (every run succeeded, above, and the survivor finished runs
    // after the kill). Log lines are not counted across both workers: the victim's last lines, still in its
    // asynchronous log buffer when SIGKILL came, are lost with it, although their runs were recorded.
    // The history is in PostgreSQL, not in a dev server.
    expect(finishedRuns(survivor.output().slice(atKill.survivorOutput))).toBeGreaterThan(0);
    const temporalDb = postgres(withDatabase(inject('databaseAdminUrl'), 'temporal'), { max: 1, onnotice: () => {} });
    try {
      // Runs of one flow may share an execution (batches): every execution a run names is stored there.
      const executions = [...new Set((await handle.db.select({ workflowId: runs.workflowId }).from(runs).where(eq(runs.flowId, flowId))).map((r) => r.workflowId))];
      const [stored] = await temporalDb<{ n: number }[]>`select count(distinct workflow_id)::int as n from current_executions where workflow_id = any(${executions})`;
      expect(executions.length).toBeGreaterThan(0);
      expect(stored?.n).toBe(executions.length);
    } finally {
      await temporalDb.end();
    }
    console.info(
      `[scale] writes applied at the kill: ${atKill.applied}, runs then: ${JSON.stringify(atKill.statuses)}; deliveries to the target: ${target.deliveries.length} for ${EVENTS} writes; runs finished by the killed worker: ${finishedRuns(victim.output())}, by the survivor: ${finishedRuns(survivor.output())}`,
    );
  }, 900_000);

  it('refuses another number of history shards for a cluster that exists, instead of ignoring it as Temporal would', async () => {
    const { sqlTool } = await findTemporalServer({ install: false });
    const setup = (historyShards: number) => setupTemporalSchema({ sqlTool, databaseUrl: inject('databaseAdminUrl'), historyShards });
    await expect(setup(8)).rejects.toThrow(/created with 4 history shards; SYNCLINE_TEMPORAL_HISTORY_SHARDS asks for 8/);
    await expect(setup(4)).resolves.toBeUndefined(); // the same number: an upgrade run, nothing to change
  });
});
