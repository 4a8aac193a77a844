/** Schedule and poll triggers: the flow's Temporal Schedule, and polling the real demo CRM into the inbox. */
import { randomBytes, randomUUID } from 'node:crypto';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { and, asc, eq, sql } from 'drizzle-orm';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../domain/connections/connection-service';
import { closeAllPools } from '../../domain/connections/postgres-pool';
import { archiveOrDeleteFlow } from '../../app/_server/flows/flow-lifecycle';
import { newWebhookToken, publishFlow, setFlowStatus } from '../../app/_server/flows/flow-service';
import { openDb, type DbHandle } from '../../db/client';
import { flows, inboxEvents, runs } from '../../db/schema';
import { DEFAULT_INTEGRATION_KEY } from '../../examples/demo-crm/auth';
import { startDemoCrm, type DemoCrm } from '../../examples/demo-crm/service';
import { createDemoDatabases } from '../../examples/shared/test-databases';
import type { Flow } from '../../flows-engine/index';
import { callerFor, insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { createTestWorkflowEnvironment, uniqueTaskQueue } from '../../tests/support/temporal';
import { relayPendingEvents } from '../relay/relay';
import { flowScheduleId, runWorkflowId } from '../api/ids';
import { createActivities } from './index';
import { readPollCursor } from '../../domain/triggers/poll-cursor';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

let database: TestDatabase;
let demo: Awaited<ReturnType<typeof createDemoDatabases>>;
let handle: DbHandle;
let crm: DemoCrm;
let crmSql: postgres.Sql;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let actor: { workspaceId: string; userId: string };
let user: { id: string; email: string; name: string };
let connectionId: string;
const taskQueue = uniqueTaskQueue('triggers');
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const lit = (value: unknown) => ({ kind: 'literal' as const, value });

beforeAll(async () => {
  database = await createTestDatabase();
  demo = await createDemoDatabases();
  handle = openDb(database.url, { max: 6 });
  crm = await startDemoCrm({ databaseUrl: demo.crmUrl, port: 0 });
  crmSql = postgres(demo.crmUrl, { max: 2, onnotice: () => {} });
  env = await createTestWorkflowEnvironment();
  bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)), logger: quietLogger });
  process.env.SYNCLINE_TASK_QUEUE = taskQueue;
  user = await insertUser(handle.db, 'Poller');
  actor = { userId: user.id, workspaceId: await insertWorkspace(handle.db, 'Polling', [{ userId: user.id, role: 'admin' }]) };
  const conn = await createConnection(handle.db, actor, {
    name: 'Demo CRM', kind: 'demo-crm', settings: { baseUrl: `${crm.url}/api`, healthPath: 'contacts?limit=1', auth: { type: 'bearer' } }, secret: DEFAULT_INTEGRATION_KEY,
    integrationIdentity: 'svc-sync', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: true,
  });
  connectionId = conn.id;
}, 120_000);

afterAll(async () => {
  delete process.env.SYNCLINE_TASK_QUEUE;
  await crmSql?.end();
  await crm?.stop();
  await closeAllPools();
  await env?.teardown();
  await handle?.close();
  await demo?.drop();
  await database?.drop();
});

const temporal = { temporal: () => Promise.resolve(env.client) };

function pollFlow(label = 'Contacts changed') {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 'poll', type: 'core.poll-trigger', typeVersion: 1, label,
        config: { connectionId: lit(connectionId), objectType: lit('contacts'), pageSize: lit(4), lookbackMs: lit(5000), intervalSeconds: lit(3600) },
      },
      { id: 'filter', type: 'core.filter', typeVersion: 1, label: 'Has an email', config: { conditions: lit([{ field: 'email', operator: 'isNotEmpty' }]) } },
    ],
    edges: [{ id: 'e1', from: { node: 'poll', port: 'main' }, to: { node: 'filter', port: 'main' } }],
    layout: {},
  };
}

async function createFlow(graph: ReturnType<typeof pollFlow>): Promise<string> {
  const flowId = randomUUID();
  const name = `Poll ${flowId.slice(0, 6)}`;
  await handle.db.insert(flows).values({ id: flowId, workspaceId: actor.workspaceId, name, draft: { ...graph, id: flowId, name } as unknown as Flow, webhookToken: newWebhookToken() });
  const outcome = await publishFlow(handle.db, actor, { flowId, note: 'v1' }, temporal);
  if (!outcome.published) throw new Error(JSON.stringify(outcome.issues));
  return flowId;
}

async function pollEvents(flowId: string) {
  return handle.db.select().from(inboxEvents).where(and(eq(inboxEvents.flowId, flowId), eq(inboxEvents.source, 'poll'))).orderBy(asc(inboxEvents.seq));
}

async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: createActivities({ db: handle.db }) });
  return worker.runUntil(fn());
}

async function tick(flowId: string, n: number) {
  return withWorker(() =>
    env.client.workflow.execute('triggerTickWorkflow', {
      taskQueue,
      workflowId: `tick-test-${flowId}-${n}`,
      args: [{ workspaceId: actor.workspaceId, flowId, nodeId: 'poll', kind: 'poll' as const }],
    }),
  );
}

describe('poll trigger against the demo CRM', () => {
  it('creates the schedule on activate, reads 23 records exactly once in pages, continues after changes and republish, and deletes the schedule on deactivate', async () => {
    // 23 contacts: 6 before, 11 sharing one modifiedAt (microseconds), 6 after.
    const stamps = [
      ...Array.from({ length: 6 }, (_, i) => `2025-01-01T09:00:0${i}.000001Z`),
      ...Array.from({ length: 11 }, () => '2025-01-01T10:00:00.123456Z'),
      ...Array.from({ length: 6 }, (_, i) => `2025-01-01T12:00:0${i}.123455+01:00`),
    ];
    for (const [i, stamp] of stamps.entries()) {
      const id = `c${String(i + 1).padStart(2, '0')}`;
      await crmSql`insert into contacts (id, first_name, email, modified_by, modified_at) values (${id}, ${`N${i}`}, ${`${id}@example.com`}, 'alice', ${stamp}::text::timestamptz)`;
    }

    const flowId = await createFlow(pollFlow());
    await setFlowStatus(handle.db, actor, { flowId, status: 'active' }, temporal);
    const described = await env.client.schedule.getHandle(flowScheduleId(flowId)).describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'triggerTickWorkflow', taskQueue });
    expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([{ workspaceId: actor.workspaceId, flowId, nodeId: 'poll', kind: 'poll' }]);
    expect(described.spec.intervals?.[0]?.every).toBe(3_600_000);
    expect(described.policies.overlap).toBe('SKIP');

    expect(await tick(flowId, 1)).toEqual({ events: 6 });
    const events = await pollEvents(flowId);
    expect(events.map((e) => (e.payload as unknown[]).length)).toEqual([4, 4, 4, 4, 4, 3]);
    const ids = events.flatMap((e) => (e.payload as { id: string }[]).map((r) => r.id));
    expect(ids).toHaveLength(23);
    expect(new Set(ids).size).toBe(23);
    expect(events[0]?.dedupeKey).toBe('poll:poll:c01@2025-01-01T09:00:00.000001Z..c04@2025-01-01T09:00:03.000001Z');
    expect(events.every((e) => e.orderingKey === 'poll:poll')).toBe(true);
    // The relay starts the pages' runs one at a time, in the order read; each run gets the page's records as items.
    const firstRun = await withWorker(async () => {
      expect(await relayPendingEvents(handle.db, env.client)).toEqual({ started: 1, failed: 0 });
      return env.client.workflow.getHandle(runWorkflowId(events[0]!.id)).result();
    });
    expect(firstRun.status).toBe('succeeded');
    const [run] = await handle.db.select().from(runs).where(eq(runs.id, events[0]!.id));
    expect(run).toMatchObject({ trigger: 'poll', itemsIn: 4, orderingKey: 'poll:poll' });
    await setFlowStatus(handle.db, actor, { flowId, status: 'paused' }, temporal); // keep the other pages in the inbox
    const cursor = await readPollCursor(handle.db, flowId, 'poll');
    expect(cursor.modifiedAt).toBe('2025-01-01T11:00:05.123455Z');

    // A repeated poll with nothing new writes nothing.
    const activities = createActivities({ db: handle.db });
    expect(await activities.pollOnce({ workspaceId: actor.workspaceId, flowId, nodeId: 'poll' })).toMatchObject({ events: 0 });

    // A record modified after the first tick is picked up by the next one.
    await crmSql`update contacts set first_name = 'Changed', modified_at = clock_timestamp() where id = 'c07'`;
    expect(await tick(flowId, 2)).toEqual({ events: 1 });
    const afterChange = await pollEvents(flowId);
    expect(afterChange).toHaveLength(7);
    expect(afterChange[6]?.payload).toEqual([expect.objectContaining({ id: 'c07', firstName: 'Changed' })]);

    // Republishing (a new version of the active flow) keeps the cursor and updates the schedule.
    await handle.db.update(flows).set({ draft: { ...pollFlow('Contacts changed (v2)'), id: flowId, name: 'renamed' } as unknown as Flow }).where(eq(flows.id, flowId));
    const republished = await publishFlow(handle.db, actor, { flowId, note: 'v2' }, temporal);
    expect(republished).toMatchObject({ published: true, version: 2 });
    expect(await activities.pollOnce({ workspaceId: actor.workspaceId, flowId, nodeId: 'poll' })).toMatchObject({ events: 0 });
    expect(await pollEvents(flowId)).toHaveLength(7);

    // A retried pollOnce (same cursor state twice) does not duplicate the page's event.
    const before = await readPollCursor(handle.db, flowId, 'poll');
    await crmSql`update contacts set modified_at = clock_timestamp() where id in ('c01', 'c02')`;
    expect(await activities.pollOnce({ workspaceId: actor.workspaceId, flowId, nodeId: 'poll' })).toMatchObject({ events: 1, records: 2 });
    // Put the cursor back where the first attempt found it, as if the activity were retried after its commit.
    await handle.db.execute(
      sql`update poll_cursors set modified_at = ${before.modifiedAt}::text::timestamptz, ids_at_modified_at = ${`{${before.ids.join(',')}}`}::text[] where flow_id = ${flowId}`,
    );
    expect(await activities.pollOnce({ workspaceId: actor.workspaceId, flowId, nodeId: 'poll' })).toMatchObject({ records: 2 });
    const afterRetry = await pollEvents(flowId);
    expect(afterRetry).toHaveLength(8);
    expect(afterRetry.flatMap((e) => (e.payload as { id: string }[]).map((r) => r.id)).filter((id) => id === 'c01')).toHaveLength(2); // first read + its change

    // The admin's view of the cursor, and "re-sync since": back-dating re-reads what changed since then.
    const caller = callerFor(handle.db, user, actor.workspaceId);
    expect(await caller.triggers.pollCursor({ flowId })).toMatchObject({ nodeId: 'poll', modifiedAt: expect.stringMatching(/^\d{4}-.*\.\d{6}Z$/), idsAtModifiedAt: expect.any(Number) });
    expect(await caller.triggers.resetPollCursor({ flowId, since: '2025-01-01T10:00:00+01:00' })).toMatchObject({ modifiedAt: '2025-01-01T09:00:00.000000Z', idsAtModifiedAt: 0 });
    expect(await activities.pollOnce({ workspaceId: actor.workspaceId, flowId, nodeId: 'poll' })).toMatchObject({ events: 6, records: 23 });
    expect((await caller.audit.list({ targetType: 'flow' })).entries).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'flow.poll-cursor-reset' })]));

    // Deactivating deletes the schedule.
    await setFlowStatus(handle.db, actor, { flowId, status: 'draft' }, temporal);
    await expect(env.client.schedule.getHandle(flowScheduleId(flowId)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  }, 120_000);

  it('a schedule trigger flow ticks through its Temporal Schedule into the inbox', async () => {
    const graph = {
      schemaVersion: 1,
      nodes: [
        { id: 'clock', type: 'core.schedule-trigger', typeVersion: 1, label: 'Hourly', config: { mode: lit('interval'), intervalSeconds: lit(3600) } },
        { id: 'filter', type: 'core.filter', typeVersion: 1, label: 'Any', config: { conditions: lit([{ field: 'scheduledAt', operator: 'isNotEmpty' }]) } },
      ],
      edges: [{ id: 'e1', from: { node: 'clock', port: 'main' }, to: { node: 'filter', port: 'main' } }],
      layout: {},
    } as unknown as ReturnType<typeof pollFlow>;
    const flowId = await createFlow(graph);
    await setFlowStatus(handle.db, actor, { flowId, status: 'active' }, temporal);
    const schedule = env.client.schedule.getHandle(flowScheduleId(flowId));
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: createActivities({ db: handle.db }) });
    const events = await worker.runUntil(async () => {
      await schedule.trigger();
      for (let i = 0; i < 100; i++) {
        const rows = await handle.db.select().from(inboxEvents).where(eq(inboxEvents.flowId, flowId));
        if (rows.length > 0) return rows;
        await new Promise((r) => setTimeout(r, 100));
      }
      return [];
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'schedule', dedupeKey: expect.stringMatching(/^schedule:\d{4}-\d{2}-\d{2}T/) });
    expect(events[0]?.dedupeKey).toBe(`schedule:${(events[0]?.payload as { scheduledAt: string }).scheduledAt}`);
    await setFlowStatus(handle.db, actor, { flowId, status: 'draft' }, temporal);
    await expect(schedule.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  }, 60_000);

  it('refuses to activate a polling flow when Temporal is unreachable, and changes nothing', async () => {
    const flowId = await createFlow(pollFlow());
    const down = { temporal: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) };
    await expect(setFlowStatus(handle.db, actor, { flowId, status: 'active' }, down)).rejects.toThrow(/Temporal is unreachable/);
    const [row] = await handle.db.select({ status: flows.status, activeVersionId: flows.activeVersionId }).from(flows).where(eq(flows.id, flowId));
    expect(row).toEqual({ status: 'draft', activeVersionId: null });
  });

  it('polls a PostgreSQL table (demo helpdesk kind) by keyset, microseconds and same-instant ids included', async () => {
    const helpdesk = postgres(demo.helpdeskUrl, { max: 1, onnotice: () => {} });
    try {
      await helpdesk`create table if not exists polled_accounts (id integer primary key, name text not null, changed_at timestamptz(6) not null)`;
      const stamps = ['2025-03-01T00:00:00.000001Z', '2025-03-01T00:00:00.000002Z', ...Array.from({ length: 5 }, () => '2025-03-01T00:00:01.999999Z'), '2025-03-01T02:00:00.5+02:00', '2025-03-02T00:00:00Z'];
      for (const [i, stamp] of stamps.entries()) await helpdesk`insert into polled_accounts values (${i + 1}, ${`A${i + 1}`}, ${stamp}::text::timestamptz)`;
      const conn = await createConnection(handle.db, actor, {
        name: 'Helpdesk DB', kind: 'demo-helpdesk', settings: { schema: 'public' }, secret: demo.helpdeskUrl,
        integrationIdentity: 'svc-sync', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: true,
      });
      const graph = pollFlow();
      graph.nodes[0]!.config = { connectionId: lit(conn.id), objectType: lit('polled_accounts'), modifiedField: lit('changed_at'), idField: lit('id'), pageSize: lit(2), intervalSeconds: lit(3600) } as never;
      const flowId = await createFlow(graph);
      await setFlowStatus(handle.db, actor, { flowId, status: 'paused' }, temporal);
      const activities = createActivities({ db: handle.db });
      expect(await activities.pollOnce({ workspaceId: actor.workspaceId, flowId, nodeId: 'poll' })).toMatchObject({ events: 5, records: 9 });
      expect(await activities.pollOnce({ workspaceId: actor.workspaceId, flowId, nodeId: 'poll' })).toMatchObject({ events: 0 });
      const events = await pollEvents(flowId);
      const records = events.flatMap((e) => e.payload as { id: number; changed_at: string }[]);
      expect(records.map((r) => r.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(records[0]).toMatchObject({ id: 1, changed_at: '2025-03-01T00:00:00.000001Z' });
      expect(records.find((r) => r.id === 8)?.changed_at).toBe('2025-03-01T00:00:00.500000Z');
      expect((await readPollCursor(handle.db, flowId, 'poll')).modifiedAt).toBe('2025-03-02T00:00:00.000000Z');

      // A late write (committed after the cursor passed its modified-at, inside the lookback) is read once.
      await helpdesk`insert into polled_accounts values (10, 'Late', '2025-03-01T23:59:30.25Z'::text::timestamptz)`;
      expect(await activities.pollOnce({ workspaceId: actor.workspaceId, flowId, nodeId: 'poll' })).toMatchObject({ events: 1, records: 1 });
      expect(await activities.pollOnce({ workspaceId: actor.workspaceId, flowId, nodeId: 'poll' })).toMatchObject({ events: 0 });
      expect((await pollEvents(flowId)).at(-1)?.payload).toEqual([expect.objectContaining({ id: 10, changed_at: '2025-03-01T23:59:30.250000Z' })]);
      expect((await readPollCursor(handle.db, flowId, 'poll')).modifiedAt).toBe('2025-03-02T00:00:00.000000Z');

      // A paused flow keeps its schedule; deleting the flow removes it.
      await env.client.schedule.getHandle(flowScheduleId(flowId)).describe();
      expect(await archiveOrDeleteFlow(handle.db, actor, { flowId }, temporal)).toEqual({ outcome: 'deleted' });
      await expect(env.client.schedule.getHandle(flowScheduleId(flowId)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    } finally {
      await helpdesk.end();
    }
  }, 60_000);

  it('records a schedule tick once per scheduled time', async () => {
    const flowId = await createFlow(pollFlow());
    await setFlowStatus(handle.db, actor, { flowId, status: 'paused' }, temporal);
    const activities = createActivities({ db: handle.db });
    const tickInput = { workspaceId: actor.workspaceId, flowId, nodeId: 'poll', scheduledAt: '2025-02-01T00:00:00.000Z' };
    expect(await activities.recordScheduleTick(tickInput)).toBe(true);
    expect(await activities.recordScheduleTick(tickInput)).toBe(false);
    const events = await handle.db.select().from(inboxEvents).where(eq(inboxEvents.flowId, flowId));
    expect(events).toMatchObject([{ source: 'schedule', dedupeKey: 'schedule:2025-02-01T00:00:00.000Z', payload: { scheduledAt: '2025-02-01T00:00:00.000Z' } }]);
    await setFlowStatus(handle.db, actor, { flowId, status: 'draft' }, temporal);
  }, 60_000);
});
