import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { and, eq, inArray } from 'drizzle-orm';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../../db/client';
import { auditLog, connections, externalIds, inboxEvents, itemBatches, runs, runSteps } from '../../../db/schema';
import type { FlowInput } from '../../../flows-engine/index';
import { createActivities } from '../../../temporal/activities';
import { createRunRecords } from '../../../temporal/activities/run-records';
import { deleteExpiredItemBatches, ITEM_BATCH_REFERENCE_BYTES, loadItemBatch } from '../../../domain/runs/item-batches';
import { relayPendingEvents } from '../../../temporal/relay/relay';
import { runWorkflowId } from '../../../temporal/api/ids';
import { callerFor, insertUser, insertWorkspace } from '../../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database';
import { createPublishedFlow, ensureTestConnection } from '../../../tests/support/flows';
import { eventually } from '../../../tests/support/processes';
import { createTestWorkflowEnvironment, temporalAddress, uniqueTaskQueue } from '../../../tests/support/temporal';
import { acceptWebhook } from '../../../domain/inbox/accept-webhook';

// The test connection's secrets are sealed and opened in this process.
process.env.SYNCLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');

let database: TestDatabase;
let handle: DbHandle;
let env: TestWorkflowEnvironment;
let worker: Worker;
let workerDone: Promise<void>;
let receiver: Server;
const taskQueue = uniqueTaskQueue('run-ops');
let user: { id: string; email: string; name: string };
let workspaceId: string;

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const lit = (value: unknown) => ({ kind: 'literal' as const, value });

/**
 * A target API that honours Idempotency-Key: a repeated key is answered again but not applied again.
 * `failing` makes it answer 503 (a transient failure).
 */
const target = { failing: false, requests: 0, applied: [] as string[], keys: new Set<string>() };

function webhookTrigger() {
  return { id: 'hook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Contact changed', config: { orderingKeyPath: lit('id') } };
}

/** Webhook -> save the mapping (an effect) -> notify the target API (an effect that may fail, no retries). */
function saveThenNotifyFlow(): Omit<FlowInput, 'id' | 'name'> {
  return {
    schemaVersion: 1,
    nodes: [
      webhookTrigger(),
      {
        id: 'save',
        type: 'sync.save-external-id',
        typeVersion: 1,
        label: 'Remember contact',
        config: { connectionId: lit('crm'), objectType: lit('contact'), externalIdPath: lit('id'), recordKeyPath: lit('key') },
      },
      {
        id: 'notify',
        type: 'http.request',
        typeVersion: 1,
        label: 'Notify the CRM',
        config: { connectionId: lit('crm'), method: lit('POST'), url: lit('/notify'), sendItemAsBody: lit(true) },
        settings: { retry: { maximumAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 1000 }, timeoutMs: 10_000, onError: 'fail' },
      },
    ],
    edges: [
      { id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'save', port: 'main' } },
      { id: 'e2', from: { node: 'save', port: 'main' }, to: { node: 'notify', port: 'main' } },
    ],
    layout: {},
  } as Omit<FlowInput, 'id' | 'name'>;
}

/** Webhook -> look the contact up (reads the record): a second flow touching the same record. */
function lookupFlow(): Omit<FlowInput, 'id' | 'name'> {
  return {
    schemaVersion: 1,
    nodes: [
      webhookTrigger(),
      { id: 'lookup', type: 'sync.lookup-external-id', typeVersion: 1, label: 'Known contact?', config: { connectionId: lit('crm'), objectType: lit('contact'), externalIdPath: lit('id') } },
    ],
    edges: [{ id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'lookup', port: 'main' } }],
    layout: {},
  } as Omit<FlowInput, 'id' | 'name'>;
}

/** Webhook -> save mappings -> save them again under another object type: two effects in a row. */
function twoSavesFlow(): Omit<FlowInput, 'id' | 'name'> {
  const save = (id: string, objectType: string) => ({
    id,
    type: 'sync.save-external-id',
    typeVersion: 1,
    label: `Save ${objectType}`,
    config: { connectionId: lit('crm'), objectType: lit(objectType), externalIdPath: lit('id'), recordKeyPath: lit('key') },
  });
  return {
    schemaVersion: 1,
    nodes: [{ id: 'hook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Batch', config: {} }, save('first', 'lead'), save('second', 'person')],
    edges: [
      { id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'first', port: 'main' } },
      { id: 'e2', from: { node: 'first', port: 'main' }, to: { node: 'second', port: 'main' } },
    ],
    layout: {},
  } as Omit<FlowInput, 'id' | 'name'>;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    target.requests += 1;
    req.resume();
    req.on('end', () => {
      if (target.failing) {
        res.writeHead(503).end('busy');
        return;
      }
      const key = String(req.headers['idempotency-key'] ?? '');
      if (!target.keys.has(key)) {
        target.keys.add(key);
        target.applied.push(key);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));

  database = await createTestDatabase();
  handle = openDb(database.url, { max: 8 });
  env = await createTestWorkflowEnvironment();
  process.env.TEMPORAL_ADDRESS = temporalAddress();
  process.env.TEMPORAL_NAMESPACE = 'default';
  process.env.SYNCLINE_TASK_QUEUE = taskQueue;
  user = await insertUser(handle.db, 'Olga Ops');
  workspaceId = await insertWorkspace(handle.db, 'Ops', [{ userId: user.id, role: 'viewer' }]);
  const connectionId = await ensureTestConnection(handle.db, { workspaceId, userId: user.id });
  const port = (receiver.address() as AddressInfo).port;
  await handle.db.update(connections).set({ config: { baseUrl: `http://127.0.0.1:${port}`, auth: { type: 'none' } } }).where(eq(connections.id, connectionId));

  const bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../../temporal/workflows/index.ts', import.meta.url)), logger: quietLogger });
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: createActivities({ db: handle.db }) });
  workerDone = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await workerDone;
  delete process.env.SYNCLINE_TASK_QUEUE;
  await env?.teardown();
  await handle?.close();
  await database?.drop();
  receiver?.close();
});

async function deliver(token: string, body: unknown) {
  const outcome = await acceptWebhook(handle.db, { token, body: JSON.stringify(body), idempotencyKey: null });
  if (outcome.kind !== 'accepted') throw new Error(`webhook rejected: ${outcome.message}`);
  return outcome.eventId;
}

/** Relays until the run exists and has finished; returns its row. */
async function finished(runId: string) {
  return eventually(async () => {
    await relayPendingEvents(handle.db, env.client);
    const [run] = await handle.db.select().from(runs).where(eq(runs.id, runId));
    return run && !['queued', 'running'].includes(run.status) ? run : undefined;
  }, `run ${runId} to finish`);
}

async function mapping(externalId: string) {
  const [row] = await handle.db
    .select()
    .from(externalIds)
    .where(and(eq(externalIds.workspaceId, workspaceId), eq(externalIds.objectType, 'contact'), eq(externalIds.externalId, externalId)));
  return row;
}

describe('retries never repeat a side effect that succeeded', () => {
  let failedRunId: string;
  let notifyFlowId: string;

  it('retries from the failed step: the succeeded save is reused, not run again; the failed call is made once', async () => {
    const { flowId, token } = await createPublishedFlow(handle.db, { workspaceId, userId: user.id }, saveThenNotifyFlow());
    notifyFlowId = flowId;
    target.failing = true;
    failedRunId = await deliver(token, { id: 'p1', key: 'rk-p1', email: 'p1@example.com' });
    const failed = await finished(failedRunId);
    expect(failed).toMatchObject({ status: 'failed', error: { nodeId: 'notify', category: 'transient' } });
    const savedAt = (await mapping('p1'))!.lastSeenAt;
    expect(target.applied).toHaveLength(0);

    target.failing = false;
    const caller = callerFor(handle.db, user, workspaceId);
    const retry = await caller.runs.retry({ runId: failedRunId, from: 'failed-step', onVersion: 'original' });
    const done = await finished(retry.runId);
    expect(done).toMatchObject({ status: 'succeeded', retryOf: failedRunId, itemsIn: 1 });
    // The save step was not applied again: the mapping was not touched.
    expect((await mapping('p1'))!.lastSeenAt.getTime()).toBe(savedAt.getTime());
    expect(target.applied).toEqual([`${failedRunId}:notify:0`]);
    const steps = await handle.db.select().from(runSteps).where(eq(runSteps.runId, retry.runId));
    expect(steps.map((s) => [s.nodeId, s.status]).sort()).toEqual([['hook', 'succeeded'], ['notify', 'succeeded'], ['save', 'succeeded']]);
    // The reused step shows no attempt of its own; the failed one ran once.
    expect(Object.fromEntries(steps.map((s) => [s.nodeId, s.attempts]))).toMatchObject({ save: 0, notify: 1 });
    // Every step that ran has its timings.
    expect(steps.every((s) => s.startedAt instanceof Date && s.finishedAt instanceof Date && s.finishedAt >= s.startedAt)).toBe(true);
    const audit = await handle.db.select().from(auditLog).where(and(eq(auditLog.action, 'run.retry'), eq(auditLog.targetId, failedRunId)));
    expect(audit[0]?.details).toMatchObject({ from: 'failed-step', newRunId: retry.runId });
  }, 120_000);

  it('retries from the start with the original run’s idempotency keys: the call that succeeded is not applied twice', async () => {
    const requestsBefore = target.requests;
    const caller = callerFor(handle.db, user, workspaceId);
    const retry = await caller.runs.retry({ runId: failedRunId, from: 'start', onVersion: 'original' });
    expect(await finished(retry.runId)).toMatchObject({ status: 'succeeded' });
    expect(target.requests).toBe(requestsBefore + 1); // the call was made again...
    expect(target.applied).toEqual([`${failedRunId}:notify:0`]); // ...with the same key, so not applied again
    const mappings = await handle.db.select().from(externalIds).where(and(eq(externalIds.workspaceId, workspaceId), eq(externalIds.externalId, 'p1')));
    expect(mappings).toHaveLength(1);
  }, 60_000);

  it('refuses a retry from the failed step when the step outputs it needs are not stored', async () => {
    const caller = callerFor(handle.db, user, workspaceId);
    await handle.db.delete(itemBatches).where(and(eq(itemBatches.runId, failedRunId), eq(itemBatches.nodeId, 'save')));
    await expect(caller.runs.retry({ runId: failedRunId, from: 'failed-step', onVersion: 'original' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/save.*not stored.*retry from the start/),
    });
    await expect(caller.runs.retry({ runId: failedRunId, from: 'failed-step', onVersion: 'latest' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('finds every run that read or wrote a record, across flows, by its id in any system, in time order', async () => {
    const { token } = await createPublishedFlow(handle.db, { workspaceId, userId: user.id }, lookupFlow());
    const lookupRun = await deliver(token, { id: 'p1' });
    expect(await finished(lookupRun)).toMatchObject({ status: 'succeeded' });
    const caller = callerFor(handle.db, user, workspaceId);
    for (const id of ['p1', 'rk-p1']) {
      const lineage = await caller.runs.lineage({ recordId: id });
      const runIds = lineage.runs.map((r) => r.id);
      expect(runIds[0]).toBe(failedRunId);
      expect(runIds.at(-1)).toBe(lookupRun);
      expect(new Set(lineage.runs.map((r) => r.flowId)).size).toBe(2);
      expect(lineage.runs.map((r) => r.createdAt.getTime())).toEqual(lineage.runs.map((r) => r.createdAt.getTime()).sort((a, b) => a - b));
      expect(lineage.runs.find((r) => r.id === lookupRun)?.touches).toEqual([
        expect.objectContaining({ nodeId: 'lookup', access: 'read', objectType: 'contact', externalId: 'p1', recordKey: 'rk-p1' }),
      ]);
      expect(lineage.runs.find((r) => r.id === failedRunId)?.touches).toEqual([expect.objectContaining({ nodeId: 'save', access: 'write', externalId: 'p1' })]);
      expect(lineage.mappings.map((m) => m.externalId)).toEqual(['p1']);
      expect(lineage.runs.every((r) => r.flowId === notifyFlowId || r.id === lookupRun)).toBe(true);
    }
    expect((await caller.runs.lineage({ recordId: 'nobody' })).runs).toHaveLength(0);
  }, 60_000);
});

describe('ordering and cancellation', () => {
  it('queues a retry behind the running run of the same record, then starts it', async () => {
    const { flowId, token } = await createPublishedFlow(handle.db, { workspaceId, userId: user.id }, saveThenNotifyFlow());
    target.failing = true;
    const failedRun = await deliver(token, { id: 'q1', key: 'rk-q1' });
    expect(await finished(failedRun)).toMatchObject({ status: 'failed' });
    target.failing = false;
    const [version] = await handle.db.select({ id: runs.flowVersionId }).from(runs).where(eq(runs.id, failedRun));
    const busy = randomUUID();
    await handle.db.insert(runs).values({ id: busy, workspaceId, flowId, flowVersionId: version!.id, version: 1, status: 'running', trigger: 'webhook', orderingKey: 'q1', workflowId: runWorkflowId(busy) });

    const retry = await callerFor(handle.db, user, workspaceId).runs.retry({ runId: failedRun, from: 'start', onVersion: 'original' });
    expect((await relayPendingEvents(handle.db, env.client)).started).toBe(0);
    const [held] = await handle.db.select().from(inboxEvents).where(eq(inboxEvents.id, retry.runId));
    expect(held?.relayedAt).toBeNull();
    expect((await handle.db.select().from(runs).where(eq(runs.id, retry.runId)))[0]?.status).toBe('queued');

    await handle.db.update(runs).set({ status: 'succeeded' }).where(eq(runs.id, busy));
    expect(await finished(retry.runId)).toMatchObject({ status: 'succeeded' });
  }, 60_000);

  it('keeps a cancelled run cancelled: the workflow records cannot overwrite it, and a cancelled queued retry never starts', async () => {
    const records = createRunRecords(handle.db);
    const [some] = await handle.db.select().from(runs).where(eq(runs.workspaceId, workspaceId)).limit(1);
    const id = randomUUID();
    await handle.db.insert(runs).values({ ...some!, id, workflowId: runWorkflowId(id), status: 'cancelled', retryOf: null, startedAt: null, finishedAt: null });
    expect(await records.markRunRunning(id)).toBe('cancelled');
    await records.completeRun({ runId: id, result: { status: 'succeeded', trace: [] }, attempts: {}, itemsIn: 1, itemsOut: 1 });
    expect((await handle.db.select().from(runs).where(eq(runs.id, id)))[0]?.status).toBe('cancelled');
    await expect(records.markRunRunning(randomUUID())).rejects.toThrow(/no run record/);

    const caller = callerFor(handle.db, user, workspaceId);
    const retry = await caller.runs.retry({ runId: some!.id, from: 'start', onVersion: 'original' });
    expect(await caller.runs.cancel({ runId: retry.runId })).toEqual({ runId: retry.runId, status: 'cancelled' });
    await relayPendingEvents(handle.db, env.client);
    const [event] = await handle.db.select().from(inboxEvents).where(eq(inboxEvents.id, retry.runId));
    expect(event?.relayedAt).toBeInstanceOf(Date);
    await expect(env.client.workflow.getHandle(runWorkflowId(retry.runId)).describe()).rejects.toThrow(/not found/i);
    expect((await handle.db.select().from(runs).where(eq(runs.id, retry.runId)))[0]?.status).toBe('cancelled');
  }, 60_000);
});

describe('large batches by reference', () => {
  it('passes a large trigger batch and large step outputs by reference, and deletes them once expired', async () => {
    const { token } = await createPublishedFlow(handle.db, { workspaceId, userId: user.id }, twoSavesFlow());
    const items = Array.from({ length: 400 }, (_, i) => ({ id: `big-${i}`, key: `rk-big-${i}`, note: 'x'.repeat(900) }));
    const runId = await deliver(token, items);
    expect(await finished(runId)).toMatchObject({ status: 'succeeded', itemsIn: 400, itemsOut: 400 });
    const batches = await handle.db.select().from(itemBatches).where(eq(itemBatches.runId, runId));
    expect(batches.map((b) => [b.kind, b.nodeId]).sort()).toEqual([['node-output', 'first'], ['node-output', 'second'], ['trigger', '']]);
    expect(batches.every((b) => b.bytes > ITEM_BATCH_REFERENCE_BYTES)).toBe(true);
    const persons = await handle.db.select().from(externalIds).where(and(eq(externalIds.workspaceId, workspaceId), eq(externalIds.objectType, 'person')));
    expect(persons).toHaveLength(400);

    // The workflow's input and the effects' results carry the reference, not the items.
    const history = await env.client.workflow.getHandle(runWorkflowId(runId)).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data?.length ?? 0;
    expect(started).toBeLessThan(20_000);
    const trigger = batches.find((b) => b.kind === 'trigger')!;
    expect(await loadItemBatch<{ items: unknown[] }>(handle.db, { workspaceId, id: trigger.id })).toMatchObject({ items: expect.arrayContaining([{ json: items[0] }]) });

    expect(await deleteExpiredItemBatches(handle.db)).toBe(0);
    const later = new Date(Date.now() + 15 * 24 * 3600 * 1000);
    expect(await deleteExpiredItemBatches(handle.db, { now: later, batchSize: 2 })).toBeGreaterThanOrEqual(3);
    expect(await handle.db.select().from(itemBatches).where(inArray(itemBatches.id, batches.map((b) => b.id)))).toHaveLength(0);
    await expect(loadItemBatch(handle.db, { workspaceId, id: trigger.id })).rejects.toThrow(/does not exist or has expired/);
  }, 120_000);
});

describe('bulk retry', () => {
  it('counts the failed runs a filter matches, then retries them after confirmation, once, audited', async () => {
    const { flowId, token } = await createPublishedFlow(handle.db, { workspaceId, userId: user.id }, saveThenNotifyFlow());
    target.failing = true;
    const failedIds = [];
    for (const id of ['b1', 'b2', 'b3']) failedIds.push(await deliver(token, { id, key: `rk-${id}` }));
    for (const id of failedIds) expect(await finished(id)).toMatchObject({ status: 'failed' });
    target.failing = false;

    const caller = callerFor(handle.db, user, workspaceId);
    expect(await caller.runs.bulkRetryCount({ flowId })).toEqual({ count: 3, capped: false, max: 500 });
    expect(await caller.runs.bulkRetryCount({ flowId, status: ['succeeded'] })).toMatchObject({ count: 0 });
    await expect(caller.runs.bulkRetry({ filter: { flowId }, confirmedCount: 2 })).rejects.toMatchObject({ code: 'CONFLICT' });
    const result = await caller.runs.bulkRetry({ filter: { flowId }, confirmedCount: 3 });
    expect(result.retried).toBe(3);
    for (const id of result.runIds) expect(await finished(id)).toMatchObject({ status: 'succeeded' });
    const retried = await handle.db.select().from(runs).where(inArray(runs.id, result.runIds));
    expect(retried.map((r) => r.retryOf).sort()).toEqual([...failedIds].sort());
    // Already retried: nothing left to retry.
    expect(await caller.runs.bulkRetryCount({ flowId })).toMatchObject({ count: 0 });
    const [audit] = await handle.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.action, 'run.bulk-retry')));
    expect(audit).toMatchObject({ actorUserId: user.id, targetId: flowId, details: { count: 3 } });
  }, 120_000);
});
