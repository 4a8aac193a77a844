/** Test data for the editor: a past run's payload, the last webhook event, a page fetched from a poll source. */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../../db/client';
import { auditLog, flowVersions, inboxEvents, runs } from '../../../db/schema';
import { DEFAULT_INTEGRATION_KEY } from '../../../examples/demo-crm/auth';
import { startDemoCrm, type DemoCrm } from '../../../examples/demo-crm/service';
import { createDemoDatabases } from '../../../examples/shared/test-databases';
import { readPollCursor } from '../../../domain/triggers/poll-cursor';
import { callerFor, insertUser, insertWorkspace } from '../../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database';
import { contactIntakeFlow, ensureTestConnection } from '../../../tests/support/flows';
import { createConnection } from '../../../domain/connections/connection-service';
import { closeAllPools } from '../../../domain/connections/postgres-pool';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

let database: TestDatabase;
let demo: Awaited<ReturnType<typeof createDemoDatabases>>;
let handle: DbHandle;
let crm: DemoCrm;
let crmSql: postgres.Sql;
let acme: string;
let globex: string;
let analyst: { id: string; email: string; name: string };
let outsider: { id: string; email: string; name: string };
let crmConnectionId: string;
const lit = (value: unknown) => ({ kind: 'literal' as const, value });

beforeAll(async () => {
  database = await createTestDatabase();
  demo = await createDemoDatabases();
  handle = openDb(database.url, { max: 4 });
  crm = await startDemoCrm({ databaseUrl: demo.crmUrl, port: 0 });
  crmSql = postgres(demo.crmUrl, { max: 1, onnotice: () => {} });
  analyst = await insertUser(handle.db, 'Ana Analyst');
  outsider = await insertUser(handle.db, 'Gus Globex');
  acme = await insertWorkspace(handle.db, 'Acme', [{ userId: analyst.id, role: 'analyst' }]);
  globex = await insertWorkspace(handle.db, 'Globex', [{ userId: outsider.id, role: 'admin' }]);
  const connection = await createConnection(handle.db, { workspaceId: acme, userId: analyst.id }, {
    name: 'Demo CRM', kind: 'demo-crm', settings: { baseUrl: `${crm.url}/api`, healthPath: 'contacts?limit=1', auth: { type: 'bearer' } }, secret: DEFAULT_INTEGRATION_KEY,
    integrationIdentity: 'svc-sync', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: true,
  });
  crmConnectionId = connection.id;
}, 120_000);

afterAll(async () => {
  await crmSql?.end();
  await crm?.stop();
  await closeAllPools();
  await handle?.close();
  await demo?.drop();
  await database?.drop();
});

/** A published webhook flow with two past runs (one without its payload) and one received event. */
async function webhookFlowWithHistory() {
  const api = callerFor(handle.db, analyst, acme);
  const { id } = await api.flows.create({ name: `Hooked ${randomUUID().slice(0, 6)}` });
  const connectionId = await ensureTestConnection(handle.db, { workspaceId: acme, userId: analyst.id });
  const got = await api.flows.get({ flowId: id });
  await api.flows.saveDraft({ flowId: id, draft: { ...contactIntakeFlow(connectionId), id, name: got.name }, baseRevision: got.draftRevision });
  expect((await api.flows.publish({ flowId: id, note: 'v1' })).published).toBe(true);
  const [version] = await handle.db.select().from(flowVersions).where(eq(flowVersions.flowId, id));
  const run = (payload: unknown, at: string) => ({
    id: randomUUID(), workspaceId: acme, flowId: id, flowVersionId: version!.id, version: 1, trigger: 'webhook', workflowId: `wf-${randomUUID()}`,
    status: 'succeeded' as const, triggerPayload: payload, createdAt: new Date(at),
  });
  const older = run([{ id: 'a1', email: 'old@example.com' }, { id: 'a2', email: 'older@example.com' }], '2026-01-01T10:00:00Z');
  const newer = run({ id: 'b1', email: 'NEW@example.com' }, '2026-01-02T10:00:00Z');
  const withoutPayload = { ...run(null, '2026-01-03T10:00:00Z'), triggerPayload: null };
  await handle.db.insert(runs).values([older, newer, withoutPayload]);
  await handle.db.insert(inboxEvents).values({ workspaceId: acme, flowId: id, dedupeKey: 'd1', source: 'webhook', payload: [{ id: 'e1', email: 'event@example.com' }] });
  return { flowId: id, older, newer };
}

describe('sample data for test runs', () => {
  it('offers the recent runs that kept their payload, newest first, and the last webhook event', async () => {
    const { flowId, older, newer } = await webhookFlowWithHistory();
    const sources = await callerFor(handle.db, analyst, acme).flows.sampleSources({ flowId });
    expect(sources.runs.map((r) => [r.id, r.items])).toEqual([
      [newer.id, 1],
      [older.id, 2],
    ]);
    expect(sources.lastEvent).toMatchObject({ items: 1 });
  });

  it('takes the items of a past run or of the last event', async () => {
    const { flowId, older } = await webhookFlowWithHistory();
    const api = callerFor(handle.db, analyst, acme);
    const fromRun = await api.flows.pastSample({ flowId, source: { kind: 'run', runId: older.id } });
    expect(fromRun).toMatchObject({ items: [{ id: 'a1', email: 'old@example.com' }, { id: 'a2', email: 'older@example.com' }], total: 2 });
    expect(fromRun.from).toMatch(/run of 2026-01-01/);
    const fromEvent = await api.flows.pastSample({ flowId, source: { kind: 'last-event' } });
    expect(fromEvent.items).toEqual([{ id: 'e1', email: 'event@example.com' }]);
  });

  it('never hands out another workspace’s run, nor a run of another flow', async () => {
    const { flowId, older } = await webhookFlowWithHistory();
    const other = await webhookFlowWithHistory();
    const api = callerFor(handle.db, analyst, acme);
    await expect(api.flows.pastSample({ flowId: other.flowId, source: { kind: 'run', runId: older.id } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(callerFor(handle.db, outsider, globex).flows.pastSample({ flowId, source: { kind: 'run', runId: older.id } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('fetches a page from a poll trigger’s source without moving its cursor, and audits it', async () => {
    for (const i of [1, 2, 3]) {
      await crmSql`insert into contacts (id, first_name, email, modified_by, modified_at) values (${`s${i}`}, ${`Sam${i}`}, ${`s${i}@example.com`}, 'alice', ${`2025-03-0${i}T09:00:00Z`}::text::timestamptz)`;
    }
    const api = callerFor(handle.db, analyst, acme);
    const { id } = await api.flows.create({ name: 'Polled' });
    const draft = {
      schemaVersion: 1, id, name: 'Polled', layout: {}, edges: [],
      nodes: [{ id: 'poll', type: 'core.poll-trigger', typeVersion: 1, label: 'Contacts changed', config: { connectionId: lit(crmConnectionId), objectType: lit('contacts'), pageSize: lit(50) } }],
    };
    const sample = await api.flows.fetchTriggerSample({ flowId: id, draft });
    expect(sample.items.map((r) => r.id)).toEqual(expect.arrayContaining(['s1', 's2', 's3']));
    expect(sample.items.find((r) => r.id === 's2')).toMatchObject({ firstName: 'Sam2', email: 's2@example.com' });
    expect(sample.from).toMatch(/Demo CRM/);
    expect((await readPollCursor(handle.db, id, 'poll')).modifiedAt).toBeNull();
    const audited = await handle.db.select().from(auditLog).where(and(eq(auditLog.targetId, id), eq(auditLog.action, 'flow.sample-fetched')));
    expect(audited).toHaveLength(1);
  });

  it('says clearly why it cannot fetch: not a poll trigger, or a connection of another workspace', async () => {
    const api = callerFor(handle.db, analyst, acme);
    const { flowId } = await webhookFlowWithHistory();
    await expect(api.flows.fetchTriggerSample({ flowId, draft: { nodes: [{ id: 'hook', type: 'core.webhook-trigger', config: {} }] } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/Poll for changes/),
    });
    const { id } = await callerFor(handle.db, outsider, globex).flows.create({ name: 'Theirs' });
    const draft = { nodes: [{ id: 'poll', type: 'core.poll-trigger', config: { connectionId: lit(crmConnectionId), objectType: lit('contacts') } }] };
    await expect(callerFor(handle.db, outsider, globex).flows.fetchTriggerSample({ flowId: id, draft })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/does not exist in this workspace/),
    });
  });
});
