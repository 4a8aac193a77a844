import { Client, Connection } from '@temporalio/client';
import { and, eq, inArray } from 'drizzle-orm';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptWebhook } from '../domain/inbox/accept-webhook';
import { openDb, type DbHandle } from '../db/client';
import { externalIds, inboxEvents, runs } from '../db/schema';
import type { FlowInput } from '../flows-engine/index';
import { insertUser, insertWorkspace } from '../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../tests/support/flows';
import { eventually, startTemporalServer, startWorkerProcess, type ManagedChild } from '../tests/support/processes';
import { temporalAddress, uniqueTaskQueue } from '../tests/support/temporal';
import { relayPendingEvents } from './relay/relay';
import { isRunBatchWorkflowId, runWorkflowId } from './api/ids';

let database: TestDatabase;
let handle: DbHandle;
let actor: { workspaceId: string; userId: string };

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  const user = await insertUser(handle.db, 'Operator');
  actor = { userId: user.id, workspaceId: await insertWorkspace(handle.db, 'Durability', [{ userId: user.id, role: 'admin' }]) };
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

async function deliver(token: string, body: unknown) {
  const outcome = await acceptWebhook(handle.db, { token, body: JSON.stringify(body), idempotencyKey: null });
  if (outcome.kind !== 'accepted') throw new Error(outcome.message);
  return outcome.eventId;
}

async function runStatus(runId: string) {
  const [run] = await handle.db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
  return run?.status;
}

/** Save the mapping, wait (a durable timer), then look it up again: two effects with a crash window between. */
function saveWaitLookupFlow(): Omit<FlowInput, 'id' | 'name'> {
  const base = contactIntakeFlow();
  const lit = (value: unknown) => ({ kind: 'literal' as const, value });
  return {
    ...base,
    nodes: [
      ...base.nodes.filter((n) => ['hook', 'transform', 'save'].includes(n.id)),
      { id: 'wait', type: 'core.delay', typeVersion: 1, label: 'Wait', config: { mode: lit('duration'), durationMs: lit(3000) } },
      { id: 'lookup', type: 'sync.lookup-external-id', typeVersion: 1, label: 'Check', config: { connectionId: lit('crm'), objectType: lit('contact'), externalIdPath: lit('id') } },
    ],
    edges: [
      { id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'transform', port: 'main' } },
      { id: 'e2', from: { node: 'transform', port: 'main' }, to: { node: 'save', port: 'main' } },
      { id: 'e3', from: { node: 'save', port: 'main' }, to: { node: 'wait', port: 'main' } },
      { id: 'e4', from: { node: 'wait', port: 'main' }, to: { node: 'lookup', port: 'main' } },
    ],
  };
}

describe('durability', () => {
  it('completes a run exactly once when the worker is killed with SIGKILL in the middle of it', async () => {
    const taskQueue = uniqueTaskQueue('sigkill');
    const env = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalAddress(), SYNCLINE_TASK_QUEUE: taskQueue };
    const { token } = await createPublishedFlow(handle.db, actor, saveWaitLookupFlow());
    let worker: ManagedChild = await startWorkerProcess(env);
    const connection = await Connection.connect({ address: temporalAddress() });
    const client = new Client({ connection });
    try {
      const runId = await deliver(token, { id: 'k1', email: 'k1@example.com' });
      // The worker's own relay starts the run; wait until the first effect has completed, then kill it.
      const workflow = client.workflow.getHandle(runWorkflowId(runId));
      await eventually(async () => {
        try {
          const history = await workflow.fetchHistory();
          return history.events?.some((e) => e.timerStartedEventAttributes) ? true : undefined;
        } catch {
          return undefined;
        }
      }, 'the run to reach its durable timer');
      await worker.kill();
      expect(await runStatus(runId)).toBe('running');

      worker = await startWorkerProcess(env);
      const summary = await workflow.result();
      expect(summary.status).toBe('succeeded');
      expect(await runStatus(runId)).toBe('succeeded');

      // Effects run as local activities: each one that completed is a marker in the history.
      const history = await workflow.fetchHistory();
      const effectMarkers = (history.events ?? []).filter((e) => {
        const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
        return data ? Buffer.from(data).toString('utf8').includes('runNodeEffect') : false;
      });
      expect(effectMarkers).toHaveLength(2); // save and lookup, each recorded once
      // The save ran once: a second execution would have bumped the mapping's last-seen time.
      const [mapping] = await handle.db.select().from(externalIds).where(eq(externalIds.externalId, 'k1'));
      expect(mapping?.lastSeenAt.getTime()).toBe(mapping?.createdAt.getTime());
      expect(await handle.db.select().from(runs).where(eq(runs.id, runId))).toHaveLength(1);
    } finally {
      await worker.stop();
      await connection.close();
    }
  }, 240_000);

  it('completes every run of a batch exactly once when the worker is killed with SIGKILL in the middle of the batch', async () => {
    const taskQueue = uniqueTaskQueue('sigkill-batch');
    const env = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalAddress(), SYNCLINE_TASK_QUEUE: taskQueue };
    const { token } = await createPublishedFlow(handle.db, actor, saveWaitLookupFlow());
    // Accepted before the worker starts: its relay's first pass finds all three ready and starts them as one batch.
    const runIds = [await deliver(token, { id: 'kb1', email: 'kb1@example.com' }), await deliver(token, { id: 'kb2', email: 'kb2@example.com' }), await deliver(token, { id: 'kb3', email: 'kb3@example.com' })];
    let worker: ManagedChild = await startWorkerProcess(env);
    const connection = await Connection.connect({ address: temporalAddress() });
    const client = new Client({ connection });
    try {
      const workflowId = await eventually(async () => {
        const rows = await handle.db.select({ workflowId: runs.workflowId, status: runs.status }).from(runs).where(inArray(runs.id, runIds));
        return rows.length === 3 && rows.every((r) => r.status === 'running') ? rows[0]!.workflowId : undefined;
      }, 'the batch to start');
      expect(isRunBatchWorkflowId(workflowId)).toBe(true);
      const workflow = client.workflow.getHandle(workflowId);
      // Every run has saved its contact and waits on its durable timer: kill the worker in the middle of the batch.
      await eventually(async () => {
        const history = await workflow.fetchHistory();
        return (history.events ?? []).filter((e) => e.timerStartedEventAttributes).length === 3 ? true : undefined;
      }, 'the three runs to reach their durable timers');
      await worker.kill();
      for (const runId of runIds) expect(await runStatus(runId)).toBe('running');

      worker = await startWorkerProcess(env);
      await workflow.result();
      for (const runId of runIds) expect(await runStatus(runId)).toBe('succeeded');
      const rows = await handle.db.select().from(runs).where(inArray(runs.id, runIds));
      expect(rows).toHaveLength(3);
      expect(rows.every((r) => r.workflowId === workflowId)).toBe(true);

      // Each effect step ran once for the batch (the three runs' first attempts gathered: one marker for the
      // save, one for the lookup), none twice across the kill, and no save was applied twice.
      const history = await workflow.fetchHistory();
      const effectMarkers = (history.events ?? []).flatMap((e) => {
        const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
        return data ? [...Buffer.from(data).toString('utf8').matchAll(/runNodeEffects?\b/g)].map((m) => m[0]) : [];
      });
      expect(effectMarkers).toEqual(['runNodeEffects', 'runNodeEffects']);
      const mappings = await handle.db.select().from(externalIds).where(inArray(externalIds.externalId, ['kb1', 'kb2', 'kb3']));
      expect(mappings).toHaveLength(3);
      for (const mapping of mappings) expect(mapping.lastSeenAt.getTime()).toBe(mapping.createdAt.getTime());
    } finally {
      await worker.stop();
      await connection.close();
    }
  }, 240_000);

  it('stops cleanly on SIGTERM: the relay and the worker shut down and the process exits 0', async () => {
    const taskQueue = uniqueTaskQueue('sigterm');
    const env = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalAddress(), SYNCLINE_TASK_QUEUE: taskQueue, SYNCLINE_WORKER_SHUTDOWN_GRACE_SECONDS: '30' };
    const { token } = await createPublishedFlow(handle.db, actor, contactIntakeFlow());
    const worker = await startWorkerProcess(env);
    const runId = await deliver(token, { id: 't1', email: 't1@example.com' });
    await eventually(async () => ((await runStatus(runId)) === 'succeeded' ? true : undefined), 'the run to succeed');
    await worker.stop(60_000);
    expect(worker.process.exitCode).toBe(0);
    expect(worker.output()).toContain('worker stopped');
    expect(worker.output()).not.toContain('relay: pass failed');
  }, 240_000);

  it('stops on SIGTERM in the middle of a load within its grace time, and a new worker finishes every run exactly once', async () => {
    const taskQueue = uniqueTaskQueue('sigterm-load');
    const graceSeconds = 10;
    const env = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalAddress(), SYNCLINE_TASK_QUEUE: taskQueue, SYNCLINE_WORKER_SHUTDOWN_GRACE_SECONDS: String(graceSeconds) };
    const { token } = await createPublishedFlow(handle.db, actor, contactIntakeFlow());
    let worker: ManagedChild = await startWorkerProcess(env);
    // A steady stream of changes, before, during and after the stop: a deploy restarts a worker under load.
    const total = 120;
    const runIds: string[] = [];
    const delivering = (async () => {
      for (let i = 0; i < total; i++) {
        runIds.push(await deliver(token, { id: `load-${i}`, email: `load-${i}@example.com` }));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await eventually(async () => {
        const finished = runIds.length ? await handle.db.select({ id: runs.id }).from(runs).where(and(inArray(runs.id, [...runIds]), eq(runs.status, 'succeeded'))) : [];
        return finished.length >= 20 ? true : undefined;
      }, 'twenty runs to succeed');
      // The premise: work in flight at the stop (events accepted and not finished: queued, running or not relayed yet).
      const finishedAtStop = await handle.db.select({ id: runs.id }).from(runs).where(and(inArray(runs.id, [...runIds]), eq(runs.status, 'succeeded')));
      expect(runIds.length - finishedAtStop.length).toBeGreaterThan(0);
      const stopping = Date.now();
      await worker.stop(60_000);
      const stoppedInMs = Date.now() - stopping;
      expect(worker.process.exitCode).toBe(0);
      expect(worker.output()).toContain('worker stopped');
      expect(worker.output()).not.toContain('relay: pass failed');
      // The drain is bounded by the grace time (plus the relay's stop and the process's exit).
      expect(stoppedInMs).toBeLessThan((graceSeconds + 10) * 1000);

      await delivering;
      worker = await startWorkerProcess(env);
      const statuses = await eventually(async () => {
        const rows = await handle.db.select({ id: runs.id, status: runs.status }).from(runs).where(inArray(runs.id, runIds));
        return rows.length === total && rows.every((r) => r.status === 'succeeded') ? rows : undefined;
      }, 'every run to succeed after the restart', 120_000);
      expect(statuses).toHaveLength(total);
      // One record per event, and each run's save was applied once: a second would have moved the mapping's last-seen time.
      const ids = Array.from({ length: total }, (_, i) => `load-${i}`);
      const mappings = await handle.db.select().from(externalIds).where(inArray(externalIds.externalId, ids));
      expect(mappings).toHaveLength(total);
      const savedTwice = mappings.filter((m) => m.lastSeenAt.getTime() !== m.createdAt.getTime()).map((m) => m.externalId);
      expect(savedTwice).toEqual([]);
    } finally {
      await delivering.catch(() => {});
      await worker.stop();
    }
  }, 300_000);

  it('keeps events accepted while Temporal is down and runs them once it is back', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'syncline-temporal-'));
    let server = await startTemporalServer({ dbFile: path.join(dir, 'temporal.db') });
    const taskQueue = uniqueTaskQueue('outage');
    const env = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: server.address, SYNCLINE_TASK_QUEUE: taskQueue };
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    let worker: ManagedChild | undefined;
    try {
      const { token } = await createPublishedFlow(handle.db, actor, contactIntakeFlow());
      await server.stop();

      const accepted = [];
      for (const id of ['o1', 'o2', 'o3']) accepted.push(await deliver(token, { id, email: `${id}@example.com` }));
      process.env.SYNCLINE_TASK_QUEUE = taskQueue;
      const outcome = await relayPendingEvents(handle.db, client);
      expect(outcome).toEqual({ started: 0, failed: 3 });
      const pending = await handle.db.select().from(inboxEvents).where(eq(inboxEvents.flowId, (await handle.db.select().from(inboxEvents).where(eq(inboxEvents.id, accepted[0]!)))[0]!.flowId));
      expect(pending.every((e) => e.relayedAt === null && e.relayAttempts === 1 && e.lastRelayError)).toBe(true);

      server = await startTemporalServer({ dbFile: path.join(dir, 'temporal.db'), port: server.port });
      worker = await startWorkerProcess(env); // its relay loop picks the waiting events up
      for (const runId of accepted) {
        await eventually(async () => ((await runStatus(runId)) === 'succeeded' ? true : undefined), `run ${runId} to succeed`);
      }
      const started = await handle.db.select().from(inboxEvents).where(eq(inboxEvents.flowId, pending[0]!.flowId));
      expect(started.every((e) => e.relayedAt !== null)).toBe(true);
    } finally {
      delete process.env.SYNCLINE_TASK_QUEUE;
      await worker?.stop();
      await connection.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
