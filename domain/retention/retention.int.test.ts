import { eq, inArray } from 'drizzle-orm';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { alertIncidents, alertRules, auditLog, flows, inboxEvents, itemBatches, runs, runSteps, type RunStatus } from '../../db/schema';
import type { NodeTrace } from '../../flows-engine/index';
import { createRunRecords } from '../../temporal/activities/run-records';
import { runWorkflowId } from '../../temporal/api/ids';
import { callerFor, insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { runRetentionCleanup } from './retention-cleanup';

process.env.SYNCLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');

const DAY = 86_400_000;
const ITEM = { email: 'ada@example.com', name: 'Ada' };

let database: TestDatabase;
let handle: DbHandle;
let admin: { id: string; email: string; name: string };
let acme: string;
let globex: string;

async function publishedFlow(workspaceId: string, userId: string) {
  const { flowId } = await createPublishedFlow(handle.db, { workspaceId, userId }, contactIntakeFlow());
  const [row] = await handle.db.select().from(flows).where(eq(flows.id, flowId));
  return { flowId, versionId: row!.activeVersionId!, workspaceId };
}

/** A run with a trigger payload, an inbox event, and one step holding samples. */
async function seedRun(flow: { flowId: string; versionId: string; workspaceId: string }, ageDays: number, status: RunStatus = 'succeeded'): Promise<string> {
  const id = randomUUID();
  const at = new Date(Date.now() - ageDays * DAY);
  await handle.db.insert(inboxEvents).values({ id, workspaceId: flow.workspaceId, flowId: flow.flowId, dedupeKey: id, source: 'webhook', payload: ITEM, receivedAt: at, relayedAt: at, runId: id });
  await handle.db.insert(runs).values({
    id,
    workspaceId: flow.workspaceId,
    flowId: flow.flowId,
    flowVersionId: flow.versionId,
    version: 1,
    trigger: 'webhook',
    workflowId: runWorkflowId(id),
    status,
    itemsIn: 1,
    itemsOut: 1,
    triggerPayload: ITEM,
    error: status === 'failed' ? { message: 'HTTP 500', category: 'transient' } : null,
    createdAt: at,
    finishedAt: status === 'queued' ? null : at,
  });
  await handle.db.insert(runSteps).values({
    runId: id,
    runCreatedAt: at,
    nodeId: 'trigger',
    nodeType: 'webhook-trigger',
    status: 'succeeded',
    itemsIn: 1,
    itemsOut: { main: 1 },
    input: { items: [ITEM], total: 1 },
    output: { main: { items: [ITEM], total: 1 } },
    skipped: [{ item: ITEM, reason: 'no email' }],
  });
  return id;
}

async function stored(runId: string) {
  const [run] = await handle.db.select().from(runs).where(eq(runs.id, runId));
  const steps = await handle.db.select().from(runSteps).where(eq(runSteps.runId, runId));
  const [event] = await handle.db.select().from(inboxEvents).where(eq(inboxEvents.id, runId));
  return { run, steps, event };
}

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 6 });
  admin = await insertUser(handle.db, 'Ada');
  acme = await insertWorkspace(handle.db, 'Acme', [{ userId: admin.id, role: 'admin' }]);
  globex = await insertWorkspace(handle.db, 'Globex', [{ userId: admin.id, role: 'admin' }]);
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

describe('retention', () => {
  it('is set per workspace by admins, audited, and refuses keeping samples longer than runs', async () => {
    const asAdmin = callerFor(handle.db, admin, acme);
    expect(await asAdmin.retention.get()).toEqual({ sampleRetentionDays: 7, runRetentionDays: 30 });
    await expect(asAdmin.retention.set({ sampleRetentionDays: 40, runRetentionDays: 30 })).rejects.toThrow(/sampleRetentionDays:/);
    await expect(asAdmin.retention.set({ sampleRetentionDays: 0, runRetentionDays: 30 })).rejects.toThrow(/sampleRetentionDays: at least 1 day/);
    await callerFor(handle.db, admin, globex).retention.set({ sampleRetentionDays: 30, runRetentionDays: 60 });
    const [entry] = await handle.db.select().from(auditLog).where(eq(auditLog.action, 'workspace.retention_changed'));
    expect(entry).toMatchObject({ workspaceId: globex, details: { after: { sampleRetentionDays: 30, runRetentionDays: 60 } } });
  });

  it('strips old samples, deletes old runs, keeps new ones and runs in flight, in small batches', async () => {
    const flow = await publishedFlow(acme, admin.id);
    const globexFlow = await publishedFlow(globex, admin.id);
    const old = await seedRun(flow, 40);
    const oldInFlight = await seedRun(flow, 40, 'queued');
    const middle = await Promise.all([seedRun(flow, 10), seedRun(flow, 10, 'failed'), seedRun(flow, 8)]);
    const recent = await seedRun(flow, 1);
    const globexMiddle = await seedRun(globexFlow, 10); // Globex keeps samples 30 days
    const [rule] = await handle.db.insert(alertRules).values({ workspaceId: acme, name: 'r', condition: 'run_failed' }).returning();
    const [oldIncident] = await handle.db
      .insert(alertIncidents)
      .values({ workspaceId: acme, ruleId: rule!.id, flowId: flow.flowId, summary: 's', firedAt: new Date(Date.now() - 41 * DAY), resolvedAt: new Date(Date.now() - 40 * DAY) })
      .returning();

    const batchRow = (expiresInDays: number) => ({
      workspaceId: acme,
      runId: recent,
      kind: 'node-output' as const,
      nodeId: `node-${expiresInDays}`,
      data: [ITEM],
      bytes: 1,
      expiresAt: new Date(Date.now() + expiresInDays * DAY),
    });
    await handle.db.insert(itemBatches).values([batchRow(-1), batchRow(-2), batchRow(3)]);

    const changed = await runRetentionCleanup(handle.db, undefined, { batchSize: 2 });
    // Old runs are deleted before samples are stripped (no wasted updates); the event of a run in flight
    // has done its job once relayed and goes with the others.
    expect(changed).toEqual({ runs: 1, 'run samples': 3, 'inbox events': 2, 'inbox payloads': 3, 'alert history': 1, 'expired item batches': 2, 'expired live samples': 0 });
    expect((await handle.db.select().from(itemBatches).where(eq(itemBatches.runId, recent))).map((b) => b.nodeId)).toEqual(['node-3']);

    expect((await stored(old)).run).toBeUndefined();
    expect(await handle.db.select().from(runSteps).where(eq(runSteps.runId, old))).toEqual([]);
    expect((await stored(old)).event).toBeUndefined();
    expect((await stored(oldInFlight)).run?.status).toBe('queued');

    for (const id of middle) {
      const { run, steps, event } = await stored(id);
      expect(run!.triggerPayload).toBeNull();
      expect(run!.itemsIn).toBe(1); // counts and errors stay
      expect(steps[0]).toMatchObject({ input: null, output: null, skipped: null, itemsIn: 1, itemsOut: { main: 1 } });
      expect(event!.payload).toBeNull();
    }
    expect((await stored(middle[1]!)).run!.error).toMatchObject({ message: 'HTTP 500' });

    for (const id of [recent, globexMiddle]) {
      const { run, steps, event } = await stored(id);
      expect(run!.triggerPayload).toEqual(ITEM);
      expect(steps[0]!.input).toEqual({ items: [ITEM], total: 1 });
      expect(event!.payload).toEqual(ITEM);
    }
    expect(await handle.db.select().from(alertIncidents).where(eq(alertIncidents.id, oldIncident!.id))).toEqual([]);

    // A second pass finds nothing left to do.
    expect(Object.values(await runRetentionCleanup(handle.db)).every((n) => n === 0)).toBe(true);
  });

  it('runs any extra cleaner it is given (the hook for other expiring data)', async () => {
    const calls: number[] = [];
    const remaining = [3, 0];
    const changed = await runRetentionCleanup(handle.db, [{ name: 'large batches', runBatch: async (_db, size) => (calls.push(size), Math.min(size, remaining.shift() ?? 0)) }], { batchSize: 3 });
    expect(changed).toEqual({ 'large batches': 3 });
    expect(calls).toEqual([3, 3]);
  });

  it('keeps no item data for a flow set to "never store item data", and all of it for others', async () => {
    const secretFlow = await publishedFlow(acme, admin.id);
    const normalFlow = await publishedFlow(acme, admin.id);
    const asAdmin = callerFor(handle.db, admin, acme);
    await asAdmin.retention.setFlowItemData({ flowId: secretFlow.flowId, neverStoreItemData: true });
    expect(await asAdmin.retention.flowItemData({ flowId: secretFlow.flowId })).toEqual({ neverStoreItemData: true });
    expect((await handle.db.select().from(auditLog).where(eq(auditLog.targetId, secretFlow.flowId))).map((a) => a.action)).toContain('flow.item_data_off');

    const records = createRunRecords(handle.db);
    const trace: NodeTrace[] = [
      {
        nodeId: 'trigger',
        type: 'webhook-trigger',
        status: 'succeeded',
        itemsIn: 2,
        itemsOut: { main: 2 },
        inputSample: [ITEM, ITEM],
        outputSample: { main: [ITEM, ITEM] },
        skipped: [{ index: 1, json: ITEM, reason: 'no email' }],
        skippedCount: 1,
        error: { message: 'Row 2: email is required', category: 'user', nodeId: 'trigger' },
      },
    ];
    const ids: Record<string, string> = {};
    for (const [name, flow] of Object.entries({ secret: secretFlow, normal: normalFlow })) {
      ids[name] = await seedRun(flow, 0, 'running');
      await handle.db.delete(runSteps).where(eq(runSteps.runId, ids[name]!));
      await records.completeRun({ runId: ids[name]!, result: { status: 'succeeded', trace }, attempts: {}, itemsIn: 2, itemsOut: 2 });
    }

    const secret = await stored(ids.secret!);
    expect(secret.run).toMatchObject({ status: 'succeeded', itemsIn: 2, itemsOut: 2, itemsSkipped: 1, triggerPayload: null });
    expect(secret.steps).toHaveLength(1);
    expect(secret.steps[0]).toMatchObject({ input: null, output: null, skipped: null, itemsIn: 2, itemsOut: { main: 2 } });
    expect(secret.steps[0]!.error).toMatchObject({ message: 'Row 2: email is required' });
    expect(secret.event!.payload).toBeNull();
    expect(JSON.stringify(await handle.db.select().from(runSteps).where(inArray(runSteps.runId, [ids.secret!])))).not.toContain(ITEM.email);

    const normal = await stored(ids.normal!);
    expect(normal.run!.triggerPayload).toEqual(ITEM);
    expect(normal.steps[0]!.input).toEqual({ items: [ITEM, ITEM], total: 2 });
    expect(normal.steps[0]!.skipped).toEqual([{ item: ITEM, reason: 'no email' }]);
    expect(normal.event!.payload).toEqual(ITEM);
  });
});
