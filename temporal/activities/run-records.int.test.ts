/**
 * Run records as activities write them. Late claims (`lazy-claims-v1`, workflows/late-claim.ts): a run is
 * claimed by its first effect's activity or by its completion, and exactly one execution records it.
 * And the effect writes of a run cancelled mid-way, under the flow's item-data setting.
 */
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { flows, itemBatches, recordLineage, runs, runSteps } from '../../db/schema';
import { DEFAULT_NODE_SETTINGS } from '../../flows-engine/index';
import type { EffectDeps } from '../../nodes/effect-deps';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { runBatchWorkflowId } from '../api/ids';
import { createNodeEffectActivities, type NodeEffectRequest } from './node-effect';
import { createRunRecords, type CompletedRun, type RunClaimTicket } from './run-records';

let database: TestDatabase;
let handle: DbHandle;
let workspaceId: string;
let flowId: string;
let flowVersionId: string;
/** A flow set to "never store item data". */
let secretFlow: { flowId: string; flowVersionId: string };

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  const user = await insertUser(handle.db, 'Claimer');
  workspaceId = await insertWorkspace(handle.db, 'Late claims', [{ userId: user.id, role: 'admin' }]);
  ({ flowId } = await createPublishedFlow(handle.db, { workspaceId, userId: user.id }, contactIntakeFlow()));
  const [flow] = await handle.db.select({ versionId: flows.activeVersionId }).from(flows).where(eq(flows.id, flowId));
  flowVersionId = flow!.versionId!;
  const secret = await createPublishedFlow(handle.db, { workspaceId, userId: user.id }, contactIntakeFlow());
  const [updated] = await handle.db.update(flows).set({ neverStoreItemData: true }).where(eq(flows.id, secret.flowId)).returning({ versionId: flows.activeVersionId });
  secretFlow = { flowId: secret.flowId, flowVersionId: updated!.versionId! };
});
afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

/** A run row as the relay leaves it (queued, under the execution it started, created when its event came), or as a test needs it. */
async function insertRun(state: { status: 'queued' | 'running' | 'cancelled'; workflowId: string; startedAt?: Date }, flow = { flowId, flowVersionId }): Promise<string> {
  const id = randomUUID();
  await handle.db.insert(runs).values({ id, workspaceId, flowId: flow.flowId, flowVersionId: flow.flowVersionId, version: 1, trigger: 'webhook', status: state.status, workflowId: state.workflowId, startedAt: state.startedAt ?? null, createdAt: new Date() });
  return id;
}

const ticket = (): RunClaimTicket => ({ workflowId: runBatchWorkflowId([randomUUID(), randomUUID()]), startedAt: '2026-12-04T04:00:00.000Z' });

const succeeded = (runId: string): CompletedRun => ({
  runId,
  result: {
    status: 'succeeded',
    trace: [{ nodeId: 'filter', type: 'core.filter', status: 'succeeded', itemsIn: 1, itemsOut: { kept: 1 }, skippedCount: 0, skipped: [], inputSample: [], outputSample: {} }],
  },
  attempts: {},
  itemsIn: 1,
  itemsOut: 1,
});

async function rowsOf(ids: string[]) {
  const rows = await handle.db.select().from(runs).where(inArray(runs.id, ids));
  const steps = await handle.db.select().from(runSteps).where(inArray(runSteps.runId, ids));
  return new Map(rows.map((r) => [r.id, { ...r, steps: steps.filter((s) => s.runId === r.id).length }]));
}

describe('a completion that claims its runs', () => {
  it('records the queued runs and those this execution claimed, and leaves the others alone', async () => {
    const mine = ticket();
    const other = ticket();
    const queued = await insertRun({ status: 'queued', workflowId: mine.workflowId });
    // A repeated relay pass renamed this queued run to another execution: still claimable, by whichever ends first.
    const renamed = await insertRun({ status: 'queued', workflowId: other.workflowId });
    const cancelledBefore = await insertRun({ status: 'cancelled', workflowId: mine.workflowId });
    const heldElsewhere = await insertRun({ status: 'running', workflowId: other.workflowId, startedAt: new Date() });
    const claimedThenCancelled = await insertRun({ status: 'cancelled', workflowId: mine.workflowId, startedAt: new Date('2026-12-04T04:00:00Z') });
    const all = [queued, renamed, cancelledBefore, heldElsewhere, claimedThenCancelled];
    const records = createRunRecords(handle.db);

    const left = await records.completeRuns(all.map(succeeded), mine);
    expect(left).toEqual({ cancelled: [cancelledBefore], elsewhere: [heldElsewhere] });
    const rows = await rowsOf(all);
    for (const id of [queued, renamed]) {
      expect(rows.get(id)).toMatchObject({ status: 'succeeded', workflowId: mine.workflowId, startedAt: new Date(mine.startedAt), steps: 1 });
    }
    expect(rows.get(cancelledBefore)).toMatchObject({ status: 'cancelled', startedAt: null, steps: 0 });
    expect(rows.get(heldElsewhere)).toMatchObject({ status: 'running', workflowId: other.workflowId, steps: 0 });
    // Cancelled while this execution ran it: its steps are on record, its status stays cancelled.
    expect(rows.get(claimedThenCancelled)).toMatchObject({ status: 'cancelled', steps: 1 });

    // The activity retried after its commit: the same records, nothing doubled.
    expect(await records.completeRuns(all.map(succeeded), mine)).toEqual(left);
    expect([...(await rowsOf(all)).values()].map((r) => r.steps)).toEqual([...rows.values()].map((r) => r.steps));
    // The other execution of the renamed run ends later: it records nothing.
    expect(await records.completeRuns([succeeded(renamed)], other)).toEqual({ cancelled: [], elsewhere: [renamed] });
    expect((await rowsOf([renamed])).get(renamed)).toMatchObject({ workflowId: mine.workflowId, steps: 1 });
  });
});

describe('an effect that claims its run', () => {
  it('claims a queued run and runs the effect; for a run cancelled before, it runs nothing', async () => {
    const looked: string[] = [];
    const lookups = {
      externalIds: {
        lookupMany: async (query: { externalIds: string[] }) => {
          looked.push(...query.externalIds);
          return new Map();
        },
      },
    } as unknown as EffectDeps;
    const effects = createNodeEffectActivities(() => lookups, handle.db, createRunRecords(handle.db).claimRuns);
    const mine = ticket();
    const queued = await insertRun({ status: 'queued', workflowId: mine.workflowId });
    const cancelled = await insertRun({ status: 'cancelled', workflowId: mine.workflowId });
    const request = (runId: string, externalId: string): NodeEffectRequest => ({
      nodeId: 'lookup',
      type: 'sync.lookup-external-id',
      typeVersion: 1,
      config: { connectionId: 'crm', objectType: 'contact', externalIdPath: 'id' },
      settings: DEFAULT_NODE_SETTINGS,
      items: [{ json: { id: externalId } }],
      workspaceId,
      runId,
      claim: mine,
    });

    const [ran, refused] = await effects.runNodeEffects({ requests: [request(queued, 'runs'), request(cancelled, 'must-not-run')] });
    expect(ran).toMatchObject({ result: { ports: { notFound: [{ json: { id: 'runs' } }] } } });
    expect(ran && 'result' in ran ? ran.result.notClaimed : 'no result').toBeUndefined();
    expect(refused).toEqual({ result: { ports: {}, attempt: 1, notClaimed: 'cancelled' } });
    expect(looked).toEqual(['runs']);
    const rows = await rowsOf([queued, cancelled]);
    expect(rows.get(queued)).toMatchObject({ status: 'running', workflowId: mine.workflowId, startedAt: new Date(mine.startedAt) });
    expect(rows.get(cancelled)).toMatchObject({ status: 'cancelled', startedAt: null });
  });
});

/** What a lookup effect hands back unstored (`deferWrites`): its output and the record it read. */
const lookupWrite = (externalId: string) => ({
  nodeId: 'lookup',
  ports: { notFound: [{ json: { id: externalId, email: `${externalId}@example.com` } }] },
  touched: [{ access: 'read' as const, connectionId: 'crm', objectType: 'contact', externalId, recordKey: '' }],
  at: new Date().toISOString(),
});

describe('the effect writes of a completed run', () => {
  it('keeps its lookup output and lineage, but no output of a flow that never stores item data', async () => {
    const mine = ticket();
    const kept = await insertRun({ status: 'queued', workflowId: mine.workflowId });
    const secret = await insertRun({ status: 'queued', workflowId: mine.workflowId }, secretFlow);
    await createRunRecords(handle.db).completeRuns(
      [
        { ...succeeded(kept), effectWrites: [lookupWrite('kept-done')] },
        { ...succeeded(secret), effectWrites: [lookupWrite('secret-done')] },
      ],
      mine,
    );
    const outputs = await handle.db.select().from(itemBatches).where(inArray(itemBatches.runId, [kept, secret]));
    expect(outputs.map((o) => [o.runId, o.nodeId])).toEqual([[kept, 'lookup']]);
    const lineage = await handle.db.select().from(recordLineage).where(inArray(recordLineage.runId, [kept, secret]));
    expect(lineage.map((l) => [l.runId, l.externalId]).sort()).toEqual([[kept, 'kept-done'], [secret, 'secret-done']].sort());
  });
});

describe('the effect writes of a run cancelled mid-way', () => {
  it('keeps its lookup output and lineage, but no output of a flow that never stores item data', async () => {
    const kept = await insertRun({ status: 'cancelled', workflowId: ticket().workflowId, startedAt: new Date() });
    const secret = await insertRun({ status: 'cancelled', workflowId: ticket().workflowId, startedAt: new Date() }, secretFlow);
    await createRunRecords(handle.db).saveEffectWrites([
      { runId: kept, effectWrites: [lookupWrite('kept')] },
      { runId: secret, effectWrites: [lookupWrite('secret')] },
    ]);
    const outputs = await handle.db.select().from(itemBatches).where(inArray(itemBatches.runId, [kept, secret]));
    expect(outputs.map((o) => [o.runId, o.nodeId])).toEqual([[kept, 'lookup']]);
    const lineage = await handle.db.select().from(recordLineage).where(inArray(recordLineage.runId, [kept, secret]));
    expect(lineage.map((l) => [l.runId, l.externalId]).sort()).toEqual([[kept, 'kept'], [secret, 'secret']].sort());
  });
});
