/**
 * The two-way sync of the demo workspace, end to end against the real demo CRM and helpdesk, PostgreSQL
 * and Temporal: both sample flows active (CRM -> Helpdesk by signed webhook, Helpdesk -> CRM by polling
 * with hard-delete detection). Creates, updates and deletes on each side propagate exactly once and never
 * loop; concurrent edits of the shared field (email) end as the conflict policy says; a GDPR anonymisation
 * leaves no trace of the person in any text or jsonb column of any of the three databases.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { and, eq, inArray } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { auditLog, externalIds, flows, inboxEvents, runs, runSteps } from '../../db/schema';
import type { DemoCrm } from '../../examples/demo-crm/service';
import { startDemoHelpdesk, type DemoHelpdesk } from '../../examples/demo-helpdesk/service';
import { createDemoDatabases } from '../../examples/shared/test-databases';
import { createActivities } from '../../temporal/activities';
import { relayPendingEvents } from '../../temporal/relay/relay';
import { flowScheduleId, runWorkflowId } from '../../temporal/api/ids';
import { closeAllPools } from '../../domain/connections/postgres-pool';
import { seedDemoWorkspace, type DemoWorkspace } from '../../app/_server/demo/seed-demo-workspace';
import { callerFor, insertUser } from '../support/app-context';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startIntakeServer, type IntakeServer } from '../support/intake-server';
import { createTestWorkflowEnvironment, temporalAddress, uniqueTaskQueue } from '../support/temporal';
import { startScenarioDemoCrm } from '../support/demo-crm';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

const SYNC_KEY = 'two-way-sync-key-for-tests';
const ALICE_KEY = 'two-way-alice-key-for-tests';
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const taskQueue = uniqueTaskQueue('two-way');
/** Longer than the sample flows' 2 s clock-skew window: edits this far apart are not simultaneous. */
const APART_MS = 2600;

let database: TestDatabase;
let demoDbs: Awaited<ReturnType<typeof createDemoDatabases>>;
let handle: DbHandle;
let crm: DemoCrm;
let helpdesk: DemoHelpdesk;
let temporal: TestWorkflowEnvironment;
let worker: Worker;
let workerRun: Promise<void>;
let intake: IntakeServer;
let crmSql: postgres.Sql;
let helpdeskSql: postgres.Sql;
let user: { id: string; email: string; name: string };
let seeded: DemoWorkspace;
let activities: ReturnType<typeof createActivities>;
const awaited = new Set<string>();

beforeAll(async () => {
  process.env.TEMPORAL_ADDRESS = temporalAddress();
  database = await createTestDatabase();
  demoDbs = await createDemoDatabases();
  handle = openDb(database.url, { max: 8 });
  crm = await startScenarioDemoCrm(demoDbs.crmUrl, { syncKey: SYNC_KEY, aliceKey: ALICE_KEY });
  helpdesk = await startDemoHelpdesk({ databaseUrl: demoDbs.helpdeskUrl, port: 0, log: () => {} });
  crmSql = postgres(demoDbs.crmUrl, { max: 2, onnotice: () => {} });
  helpdeskSql = postgres(demoDbs.helpdeskUrl, { max: 2, onnotice: () => {} });
  // Stands in for the web app's /api/hooks/[token] route (the same acceptWebhook call, minus Next.js).
  intake = await startIntakeServer(handle.db);
  temporal = await createTestWorkflowEnvironment();
  process.env.SYNCLINE_TASK_QUEUE = taskQueue;
  user = await insertUser(handle.db, 'Dana Admin');
  seeded = (await seedDemoWorkspace(handle.db, { userId: user.id }, { crmUrl: crm.url, crmApiKey: SYNC_KEY, helpdeskDatabaseUrl: demoDbs.helpdeskUrl, appUrl: intake.url }))!;
  // The test polls by hand, so the schedule's own ticks do not race with it.
  await temporal.client.schedule.getHandle(flowScheduleId(seeded.flows!.helpdeskToCrm)).pause('the test polls by hand');
  activities = createActivities({ db: handle.db });
  const bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../temporal/workflows/index.ts', import.meta.url)), logger: quietLogger });
  worker = await Worker.create({ connection: temporal.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  workerRun = worker.run();
}, 180_000);

afterAll(async () => {
  delete process.env.SYNCLINE_TASK_QUEUE;
  if (worker) {
    worker.shutdown();
    await workerRun;
  }
  await crmSql?.end();
  await helpdeskSql?.end();
  await crm?.stop();
  await helpdesk?.stop();
  await intake?.stop();
  await temporal?.teardown();
  await closeAllPools();
  await handle?.close();
  await demoDbs?.drop();
  await database?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function crmApi<T = Record<string, unknown>>(key: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${crm.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** What a person does on the helpdesk's page (as helpdesk-agent). */
async function agent<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${helpdesk.url}/ui/customers${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Until nothing moves: the CRM's outbox delivered, every inbox event relayed and its run finished
 * (runs of one ordering key start one after the other, so this loops).
 */
async function settle(): Promise<void> {
  for (let round = 0; round < 600; round++) {
    const [{ undelivered }] = (await crmSql`select count(*)::int as undelivered from webhook_deliveries where delivered_at is null`) as unknown as [{ undelivered: number }];
    await relayPendingEvents(handle.db, temporal.client);
    const events = await handle.db.select({ id: inboxEvents.id, relayedAt: inboxEvents.relayedAt }).from(inboxEvents).where(eq(inboxEvents.workspaceId, seeded.workspaceId));
    for (const e of events.filter((x) => x.relayedAt && !awaited.has(x.id))) {
      await temporal.client.workflow.getHandle(runWorkflowId(e.id)).result();
      awaited.add(e.id);
    }
    if (undelivered === 0 && events.every((e) => e.relayedAt && awaited.has(e.id))) return;
    await sleep(50);
  }
  throw new Error('the sync did not settle');
}

/** One check of the helpdesk (what the flow's schedule does every 30 s), then settle. */
async function poll(): Promise<{ events: number; records: number }> {
  const outcome = await activities.pollOnce({ workspaceId: seeded.workspaceId, flowId: seeded.flows!.helpdeskToCrm, nodeId: 'poll' });
  await settle();
  return outcome;
}

type CrmContact = { id: string; firstName: string | null; lastName: string | null; email: string | null; phone: string | null; tier: string | null; modifiedBy: string; modifiedAt: string; deletedAt: string | null };
type Customer = { id: string; name: string; email: string | null; phone: string | null; support_tier: string | null; updated_by: string; updated_at: string; flagged_for_deletion: boolean };

const crmContact = (id: string) => crmApi<CrmContact>(SYNC_KEY, 'GET', `/contacts/${id}`);
async function customer(id: string): Promise<Customer | undefined> {
  const [row] = await helpdeskSql<Customer[]>`select id, name, email, phone, support_tier, updated_by, updated_at::text as updated_at, flagged_for_deletion from customers where id = ${id}`;
  return row;
}
/** The CRM's change events of a contact, oldest first: who wrote it, and how. */
async function crmEvents(id: string): Promise<string[]> {
  const rows = await crmSql<{ body: string }[]>`select body from webhook_events where record_key = ${`contacts/${id}`} order by occurred_at, id`;
  return rows.map((r) => {
    const event = JSON.parse(r.body) as { type: string; record: { modifiedBy: string } };
    return `${event.type} by ${event.record.modifiedBy}`;
  });
}
async function mappingsOf(ids: string[]) {
  return handle.db
    .select({ objectType: externalIds.objectType, externalId: externalIds.externalId, recordKey: externalIds.recordKey, deletedAt: externalIds.deletedAt })
    .from(externalIds)
    .where(and(eq(externalIds.workspaceId, seeded.workspaceId), inArray(externalIds.externalId, ids)));
}
async function helpdeskIdOf(crmId: string): Promise<string> {
  const rows = await mappingsOf([crmId]);
  const row = rows.find((r) => r.objectType === 'contacts');
  if (!row) throw new Error(`no mapping for CRM contact ${crmId}`);
  return row.recordKey;
}
/** The conflict decisions the upsert steps of a flow's runs recorded, newest run last. */
async function conflictDecisions(flowId: string, nodeId: string) {
  const rows = await handle.db
    .select({ output: runSteps.output, createdAt: runs.createdAt })
    .from(runSteps)
    .innerJoin(runs, eq(runs.id, runSteps.runId))
    .where(and(eq(runs.flowId, flowId), eq(runSteps.nodeId, nodeId)))
    .orderBy(runs.createdAt);
  return rows.flatMap((r) => (r.output?.main?.items ?? []).map((i) => (i as { conflict?: { winner: string; reason: string; fields: string[] } }).conflict).filter((c) => c !== undefined));
}

describe('the two-way sync of the demo workspace', () => {
  let ada: CrmContact;
  let adaHelpdeskId: string;
  let grace: { id: string; updatedAt: string };
  let graceCrmId: string;

  it('seeds both directions active', async () => {
    expect(seeded.warnings).toEqual([]);
    const rows = await handle.db.select({ name: flows.name, status: flows.status }).from(flows).where(eq(flows.workspaceId, seeded.workspaceId));
    expect(Object.fromEntries(rows.map((f) => [f.name, f.status]))).toEqual({ 'CRM → Helpdesk contacts': 'active', 'Helpdesk → CRM phone and tier': 'active' });
  });

  it('creates on each side reach the other exactly once and do not come back', async () => {
    ada = await crmApi<CrmContact>(ALICE_KEY, 'POST', '/contacts', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
    await settle();
    adaHelpdeskId = await helpdeskIdOf(ada.id);
    expect(await customer(adaHelpdeskId)).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', updated_by: 'svc-sync' });
    const adaRow = await customer(adaHelpdeskId);
    // The helpdesk write comes back through the poll and stops at the loop guard: no CRM write.
    await poll();
    expect(await crmEvents(ada.id)).toEqual(['contact.created by alice']);
    expect((await customer(adaHelpdeskId))?.updated_at).toBe(adaRow?.updated_at);

    grace = await agent<{ id: string; updatedAt: string }>('POST', '', { name: 'Grace Hopper', email: 'grace@example.com', phone: '+1 555 0100', supportTier: 'gold' });
    expect(await poll()).toMatchObject({ events: 1 });
    graceCrmId = (await mappingsOf([grace.id])).find((m) => m.objectType === 'customers')!.recordKey;
    expect(await crmContact(graceCrmId)).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', phone: '+1 555 0100', tier: 'gold', modifiedBy: 'svc-sync' });
    expect(await crmEvents(graceCrmId)).toEqual(['contact.created by svc-sync']);
    expect((await mappingsOf([grace.id, graceCrmId])).map((m) => m.objectType).sort()).toEqual(['contacts', 'customers']);
    // The CRM's webhook of that create was skipped: the helpdesk row is untouched, nothing left to poll.
    expect(await customer(grace.id)).toMatchObject({ updated_by: 'helpdesk-agent', updated_at: grace.updatedAt });
    expect(await poll()).toEqual({ events: 0, records: 0, morePending: false });
  }, 120_000);

  it('updates on each side propagate once, without echo', async () => {
    await crmApi(ALICE_KEY, 'PATCH', `/contacts/${ada.id}`, { lastName: 'Byron' });
    await settle();
    expect(await customer(adaHelpdeskId)).toMatchObject({ name: 'Ada Byron', updated_by: 'svc-sync' });
    await poll();
    expect(await crmEvents(ada.id)).toEqual(['contact.created by alice', 'contact.updated by alice']);

    await agent('PATCH', `/${grace.id}`, { phone: '+1 555 0199', supportTier: 'silver' });
    await poll();
    expect(await crmContact(graceCrmId)).toMatchObject({ phone: '+1 555 0199', tier: 'silver', modifiedBy: 'svc-sync' });
    expect(await crmEvents(graceCrmId)).toEqual(['contact.created by svc-sync', 'contact.updated by svc-sync']);
    expect(await poll()).toMatchObject({ events: 0 });
    expect(await crmEvents(graceCrmId)).toHaveLength(2);
  }, 120_000);

  it('concurrent edits of the shared email end as "newest change wins" says, with the CRM as priority inside the clock-skew window', async () => {
    const crmToHelpdesk = seeded.flows!.crmToHelpdesk;
    const helpdeskToCrm = seeded.flows!.helpdeskToCrm;

    // Helpdesk first, the CRM later: the CRM's email wins on both sides, whichever run comes first.
    await agent('PATCH', `/${adaHelpdeskId}`, { email: 'ada.helpdesk@example.com' });
    await sleep(APART_MS);
    await crmApi(ALICE_KEY, 'PATCH', `/contacts/${ada.id}`, { email: 'ada.crm@example.com' });
    await poll(); // the helpdesk's run decides first: the CRM record is newer, so its email is kept
    expect((await crmContact(ada.id)).email).toBe('ada.crm@example.com');
    expect((await customer(adaHelpdeskId))?.email).toBe('ada.crm@example.com');
    expect((await conflictDecisions(helpdeskToCrm, 'upsert')).at(-1)).toMatchObject({ fields: ['email'], winner: 'target', reason: expect.stringMatching(/newest change wins/) });

    // The CRM first, the helpdesk later: the helpdesk's email wins, although the CRM's run goes first.
    await crmApi(ALICE_KEY, 'PATCH', `/contacts/${graceCrmId}`, { email: 'grace.crm@example.com' });
    await sleep(APART_MS);
    await agent('PATCH', `/${grace.id}`, { email: 'grace.helpdesk@example.com' });
    await settle(); // the CRM's webhook run: the helpdesk record is newer, its email stays
    expect((await customer(grace.id))?.email).toBe('grace.helpdesk@example.com');
    expect((await conflictDecisions(crmToHelpdesk, 'upsert')).at(-1)).toMatchObject({ fields: ['email'], winner: 'target', reason: expect.stringMatching(/newest change wins/) });
    // Keeping the helpdesk's email wrote nothing there, so the agent's change is still theirs to poll.
    expect((await customer(grace.id))?.updated_by).toBe('helpdesk-agent');
    await poll();
    expect((await crmContact(graceCrmId)).email).toBe('grace.helpdesk@example.com');
    expect((await customer(grace.id))?.email).toBe('grace.helpdesk@example.com');

    // Both at once (inside the 2 s window): the fixed priority, the CRM, wins.
    await agent('PATCH', `/${adaHelpdeskId}`, { email: 'ada.same-time.helpdesk@example.com' });
    await crmApi(ALICE_KEY, 'PATCH', `/contacts/${ada.id}`, { email: 'ada.same-time.crm@example.com' });
    await poll();
    await poll();
    expect((await crmContact(ada.id)).email).toBe('ada.same-time.crm@example.com');
    expect((await customer(adaHelpdeskId))?.email).toBe('ada.same-time.crm@example.com');
    const decisions = [...(await conflictDecisions(crmToHelpdesk, 'upsert')), ...(await conflictDecisions(helpdeskToCrm, 'upsert'))];
    expect(decisions.some((d) => /clock-skew window/.test(d.reason))).toBe(true);

    // Settled: another round changes nothing anywhere.
    const before = [await crmContact(ada.id), await crmContact(graceCrmId), await customer(adaHelpdeskId), await customer(grace.id)];
    await poll();
    expect([await crmContact(ada.id), await crmContact(graceCrmId), await customer(adaHelpdeskId), await customer(grace.id)]).toEqual(before);
  }, 180_000);

  it('a CRM delete flags the helpdesk customer; a helpdesk hard delete is found by the register and soft-deletes the CRM contact once', async () => {
    await crmApi(ALICE_KEY, 'DELETE', `/contacts/${graceCrmId}`);
    await settle();
    expect(await customer(grace.id)).toMatchObject({ flagged_for_deletion: true, updated_by: 'svc-sync' });
    await poll();
    expect((await crmEvents(graceCrmId)).filter((e) => e.endsWith('by svc-sync'))).toHaveLength(3); // create, phone/tier, email: nothing new
    const page = await (await fetch(`${helpdesk.url}/`)).text();
    expect(page).toContain('flagged for deletion');

    await agent('DELETE', `/${adaHelpdeskId}`);
    expect(await poll()).toMatchObject({ events: 1, records: 1 });
    expect((await crmContact(ada.id)).deletedAt).not.toBeNull();
    expect((await crmEvents(ada.id)).at(-1)).toBe('contact.deleted by svc-sync');
    expect(await mappingsOf([ada.id, adaHelpdeskId])).toEqual([]);
    // Detected once: the next checks find nothing to delete, and the CRM's delete event stopped at the guard.
    expect(await poll()).toEqual({ events: 0, records: 0, morePending: false });
    expect((await crmEvents(ada.id)).filter((e) => e.startsWith('contact.deleted'))).toHaveLength(1);
  }, 120_000);

  it('anonymises a person everywhere: both systems, mappings, run samples, inbox; audited without the personal data', async () => {
    const linus = await crmApi<CrmContact>(ALICE_KEY, 'POST', '/contacts', { firstName: 'Linus', lastName: 'Torvalds', email: 'linus.t@kernel.example', phone: '+358 40 1234567' });
    await settle();
    const linusHelpdeskId = await helpdeskIdOf(linus.id);
    await agent('PATCH', `/${linusHelpdeskId}`, { phone: '+358 40 7654321' });
    await poll();
    expect((await crmContact(linus.id)).phone).toBe('+358 40 7654321');

    const outcome = await callerFor(handle.db, user, seeded.workspaceId).privacy.anonymise({ subject: 'linus.t@kernel.example' });
    expect(outcome.records.map((r) => [r.connectionName, r.objectType, r.count]).sort()).toEqual([['Demo CRM', 'contacts', 1], ['Demo helpdesk', 'customers', 1]]);
    expect(outcome.mappingsForgotten).toBe(2);
    expect(outcome.samplesScrubbed).toBeGreaterThan(0);
    // The systems' own change events of the erasure come back as the integration's: skipped.
    await settle();
    await poll();
    expect(await crmContact(linus.id)).toMatchObject({ firstName: null, lastName: null, email: null, phone: null });
    expect(await customer(linusHelpdeskId)).toMatchObject({ name: 'anonymised', email: null, phone: null, updated_by: 'svc-sync' });

    const traces = [/linus/i, /torvalds/i, /kernel\.example/i, /1234567/, /7654321/];
    const found: string[] = [];
    for (const [label, url] of [['syncline', database.url], ['crm', demoDbs.crmUrl], ['helpdesk', demoDbs.helpdeskUrl]] as const) {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const columns = await sql<{ schema: string; table: string; column: string }[]>`
          select c.table_schema as schema, c.table_name as table, c.column_name as column
          from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
          where t.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog', 'information_schema')
            and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb') or c.udt_name in ('_text', '_varchar'))`;
        expect(columns.length).toBeGreaterThan(5);
        for (const c of columns) {
          const rows = await sql<{ value: string }[]>`select ${sql(c.column)}::text as value from ${sql(c.schema)}.${sql(c.table)} where ${sql(c.column)} is not null`;
          for (const r of rows) if (traces.some((t) => t.test(r.value))) found.push(`${label}.${c.table}.${c.column}: ${r.value.slice(0, 200)}`);
        }
      } finally {
        await sql.end();
      }
    }
    expect(found).toEqual([]);

    const [entry] = await handle.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, seeded.workspaceId), eq(auditLog.action, 'privacy.subject-anonymised')));
    expect(entry).toMatchObject({ targetType: 'privacy-request', details: { by: 'email', mappingsForgotten: 2 } });
    // The other people are untouched.
    expect((await crmContact(graceCrmId)).firstName).toBe('Grace');
  }, 180_000);

  it('refuses an empty subject with a clear message', async () => {
    await expect(callerFor(handle.db, user, seeded.workspaceId).privacy.anonymise({ subject: ' ' })).rejects.toThrow(/enter an email address or a record id/);
  });
});
