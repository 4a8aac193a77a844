/**
 * Resilience of the demo workspace's two sample flows, end to end: the real demo CRM and helpdesk (on fresh
 * databases), the seeded workspace, the real worker process (its own relay loop), PostgreSQL and Temporal.
 *
 * - The CRM's API down for a while (its chaos switch answers 503): helpdesk changes picked up by the poll
 *   flow keep retrying instead of failing, later changes wait their turn, and once the CRM is back every
 *   change arrives, in the order it was made.
 * - The worker killed with SIGKILL while several CRM contacts are in flight, their helpdesk writes committed
 *   but not yet recorded by their runs: after a restart every contact is in the helpdesk exactly once
 *   (writes counted by a trigger in the target), with one mapping row per record and one run per event.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { and, eq, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { externalIds, inboxEvents, runs, runSteps } from '../../db/schema';
import type { DemoCrm } from '../../examples/demo-crm/service';
import { startDemoHelpdesk, type DemoHelpdesk } from '../../examples/demo-helpdesk/service';
import { createDemoDatabases } from '../../examples/shared/test-databases';
import { flowScheduleId } from '../../temporal/api/ids';
import { closeAllPools } from '../../domain/connections/postgres-pool';
import { seedDemoWorkspace, type DemoWorkspace } from '../../app/_server/demo/seed-demo-workspace';
import { insertUser } from '../support/app-context';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startIntakeServer, type IntakeServer } from '../support/intake-server';
import { eventually, startWorkerProcess, type ManagedChild } from '../support/processes';
import { temporalAddress, uniqueTaskQueue } from '../support/temporal';
import { startScenarioDemoCrm } from '../support/demo-crm';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

const SYNC_KEY = 'resilience-sync-key';
const ALICE_KEY = 'resilience-alice-key';
const taskQueue = uniqueTaskQueue('resilience');

let database: TestDatabase;
let demoDbs: Awaited<ReturnType<typeof createDemoDatabases>>;
let handle: DbHandle;
let crm: DemoCrm;
let helpdesk: DemoHelpdesk;
let intake: IntakeServer;
let seeded: DemoWorkspace;
let flowIds: NonNullable<DemoWorkspace['flows']>;
let worker: ManagedChild;
let workerEnv: Record<string, string>;
let connection: Connection;
let temporal: Client;
let crmSql: postgres.Sql;
let helpdeskSql: postgres.Sql;

beforeAll(async () => {
  // The seed activates the poll flow, which creates its Temporal Schedule through the app's client.
  process.env.TEMPORAL_ADDRESS = temporalAddress();
  process.env.SYNCLINE_TASK_QUEUE = taskQueue;
  database = await createTestDatabase();
  demoDbs = await createDemoDatabases();
  handle = openDb(database.url, { max: 8 });
  crmSql = postgres(demoDbs.crmUrl, { max: 2, onnotice: () => {} });
  helpdeskSql = postgres(demoDbs.helpdeskUrl, { max: 2, onnotice: () => {} });
  crm = await startScenarioDemoCrm(demoDbs.crmUrl, { syncKey: SYNC_KEY, aliceKey: ALICE_KEY });
  helpdesk = await startDemoHelpdesk({ databaseUrl: demoDbs.helpdeskUrl, port: 0 });
  intake = await startIntakeServer(handle.db);
  const user = await insertUser(handle.db, 'Resilient');
  seeded = (await seedDemoWorkspace(handle.db, { userId: user.id }, { crmUrl: crm.url, crmApiKey: SYNC_KEY, helpdeskDatabaseUrl: demoDbs.helpdeskUrl, appUrl: intake.url }))!;
  expect(seeded.warnings).toEqual([]);
  flowIds = seeded.flows!;
  connection = await Connection.connect({ address: temporalAddress() });
  temporal = new Client({ connection });
  workerEnv = {
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporalAddress(),
    SYNCLINE_TASK_QUEUE: taskQueue,
    SYNCLINE_ENCRYPTION_KEY: process.env.SYNCLINE_ENCRYPTION_KEY!,
  };
  worker = await startWorkerProcess(workerEnv);
});

afterAll(async () => {
  await worker?.stop();
  await temporal?.schedule.getHandle(flowScheduleId(flowIds.helpdeskToCrm)).delete().catch(() => {});
  await connection?.close();
  delete process.env.SYNCLINE_TASK_QUEUE;
  await crm?.stop();
  await helpdesk?.stop();
  await intake?.stop();
  await crmSql?.end();
  await helpdeskSql?.end();
  await closeAllPools();
  await handle?.close();
  await demoDbs?.drop();
  await database?.drop();
}, 120_000);

async function call(url: string, method: string, body?: unknown, key?: string) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

/** A person creates a contact in the CRM (as alice, through the API). */
const createContact = (fields: Record<string, string>) => call(`${crm.url}/api/contacts`, 'POST', fields, ALICE_KEY) as Promise<{ id: string }>;

async function helpdeskCustomer(email: string) {
  const [row] = await helpdeskSql<{ id: string; phone: string | null }[]>`select id, phone from customers where email = ${email}`;
  return row;
}

/** Read from the CRM's own database: its API may be down. */
async function crmContact(id: string) {
  const [row] = await crmSql<{ phone: string | null; tier: string | null; modified_by: string }[]>`select phone, tier, modified_by from contacts where id = ${id}`;
  return row;
}

async function flowRuns(flowId: string) {
  return handle.db.select({ id: runs.id, status: runs.status, createdAt: runs.createdAt }).from(runs).where(eq(runs.flowId, flowId));
}

/** "Poll now": triggers the flow's Temporal Schedule until a polled page carries `phone`. */
async function pollUntilPicked(phone: string) {
  const schedule = temporal.schedule.getHandle(flowScheduleId(flowIds.helpdeskToCrm));
  return eventually(async () => {
    const events = await handle.db.select().from(inboxEvents).where(and(eq(inboxEvents.flowId, flowIds.helpdeskToCrm), eq(inboxEvents.source, 'poll')));
    const picked = events.find((e) => JSON.stringify(e.payload).includes(`"${phone}"`));
    if (picked) return picked;
    await schedule.trigger().catch(() => {});
    await new Promise((r) => setTimeout(r, 500));
    return undefined;
  }, `the poll to pick up phone ${phone}`);
}

describe('resilience of the demo sync', () => {
  it('keeps helpdesk changes while the CRM is down: they retry, then arrive in order once it is back', async () => {
    // A contact made in the CRM reaches the helpdesk (webhook flow) and is mapped both ways.
    const contact = await createContact({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+44 0' });
    const customer = await eventually(() => helpdeskCustomer('ada@example.com'), 'Ada in the helpdesk');
    await eventually(async () => {
      const rows = await handle.db.select().from(externalIds).where(and(eq(externalIds.workspaceId, seeded.workspaceId), eq(externalIds.externalId, customer.id)));
      return rows.length === 1 ? rows : undefined;
    }, 'the helpdesk → CRM mapping');

    await call(`${crm.url}/api/_chaos`, 'POST', { down: true });
    onTestFinished(() => call(`${crm.url}/api/_chaos`, 'DELETE').then(() => {}));
    const outageStarted = Date.now();
    // A helpdesk agent edits the customer three times; each edit is picked up by its own poll.
    const phones = ['+44 1', '+44 2', '+44 3'];
    const eventIds: string[] = [];
    for (const [i, phone] of phones.entries()) {
      await call(`${helpdesk.url}/ui/customers/${customer.id}`, 'PATCH', { phone, supportTier: i === phones.length - 1 ? 'gold' : 'silver' });
      eventIds.push((await pollUntilPicked(phone)).id);
    }

    // Longer than the default retry policy (3 attempts: 0 s, 1 s, 3 s) would keep a run alive.
    await eventually(async () => (Date.now() - outageStarted > 8000 ? true : undefined), 'an 8 s outage');
    const during = await handle.db.select().from(runs).where(inArray(runs.id, eventIds));
    expect(during.map((r) => r.status)).toEqual(['running']); // the first change retries; the others wait their turn
    expect(during[0]?.id).toBe(eventIds[0]);
    const waiting = await handle.db.select({ relayedAt: inboxEvents.relayedAt }).from(inboxEvents).where(inArray(inboxEvents.id, eventIds.slice(1)));
    expect(waiting.every((e) => e.relayedAt === null)).toBe(true);
    expect(await crmContact(contact.id)).toMatchObject({ phone: '+44 0', modified_by: 'alice' });

    await call(`${crm.url}/api/_chaos`, 'DELETE');
    await eventually(async () => {
      const done = await handle.db.select({ status: runs.status }).from(runs).where(inArray(runs.id, eventIds));
      return done.length === eventIds.length && done.every((r) => r.status === 'succeeded') ? true : undefined;
    }, 'every change to reach the CRM', 180_000);
    expect(await crmContact(contact.id)).toEqual({ phone: '+44 3', tier: 'gold', modified_by: 'svc-sync' });

    // The CRM's own change log (its webhook outbox): the integration wrote the phones in the order they were made.
    const log = await crmSql<{ body: string }[]>`select body from webhook_events where record_key = ${`contacts/${contact.id}`} order by occurred_at, id`;
    const written = log.map((e) => JSON.parse(e.body) as { record: { phone: string; modifiedBy: string } }).filter((e) => e.record.modifiedBy === 'svc-sync').map((e) => e.record.phone);
    expect(written.filter((p, i) => p !== written[i - 1])).toEqual(phones);
    // The first change's CRM write was retried through the outage.
    const [firstWrite] = await handle.db.select().from(runSteps).where(and(eq(runSteps.runId, eventIds[0]!), eq(runSteps.nodeId, 'upsert')));
    expect(firstWrite?.attempts).toBeGreaterThan(3);
    expect((await flowRuns(flowIds.helpdeskToCrm)).filter((r) => r.status === 'failed')).toEqual([]);
  }, 300_000);

  it('loses and duplicates nothing when the worker is killed with SIGKILL while several contacts are in flight', async () => {
    // Count every write that lands in the helpdesk (committed inserts, and updates that change a value).
    await helpdeskSql.unsafe(`
      create table if not exists test_writes (op text not null, email text);
      create or replace function test_count_write() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' or (old.name, old.email, old.phone, old.support_tier) is distinct from (new.name, new.email, new.phone, new.support_tier) then
          insert into test_writes values (lower(tg_op), new.email);
        end if;
        return null;
      end $$;
      drop trigger if exists test_count_write on customers;
      create trigger test_count_write after insert or update on customers for each row execute function test_count_write();`);

    // Hold Syncline's mapping table: each run stops right after its helpdesk write has committed, before the
    // run could record that write (the window in which a retried step could write a second time).
    const lock = postgres(database.url, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let holding!: Promise<unknown>;
    await new Promise<void>((ready) => {
      holding = lock.begin(async (tx) => {
        await tx`lock table external_ids in exclusive mode`;
        ready();
        await released;
      });
    });
    onTestFinished(async () => {
      release();
      await holding;
      await lock.end();
    });
    const emails = Array.from({ length: 6 }, (_, i) => `kill${i}@example.com`);
    const contacts = [];
    for (const [i, email] of emails.entries()) contacts.push(await createContact({ firstName: 'Crash', lastName: `Test ${i}`, email }));
    const contactIds = contacts.map((c) => c.id);

    const runsOf = async () => {
      const events = await handle.db.select({ id: inboxEvents.id, payload: inboxEvents.payload }).from(inboxEvents).where(eq(inboxEvents.flowId, flowIds.crmToHelpdesk));
      const mine = events.filter((e) => contactIds.includes((e.payload as { record?: { id?: string } }).record?.id ?? ''));
      const rows = mine.length ? await handle.db.select({ id: runs.id, status: runs.status }).from(runs).where(inArray(runs.id, mine.map((e) => e.id))) : [];
      return { events: mine, runs: rows };
    };
    await eventually(async () => {
      const { runs: inFlight } = await runsOf();
      const [written] = await helpdeskSql<{ n: number }[]>`select count(*)::int as n from test_writes where email = any(${emails})`;
      const locks = await handle.db.execute<{ waiting: number }>(sql`
        select count(*)::int as waiting from pg_locks
        where not granted and database = (select oid from pg_database where datname = current_database()) and relation = 'external_ids'::regclass`);
      // One waiting statement may hold the mappings of several runs: the runs of one execution save theirs
      // together (temporal/activities/coalesced-external-ids.ts), so how many wait depends on how the six
      // changes were grouped into executions, which the test does not control.
      return inFlight.length === emails.length && inFlight.every((r) => r.status === 'running') && (written?.n ?? 0) >= 3 && (locks[0]?.waiting ?? 0) >= 1 ? true : undefined;
    }, 'the six runs to be running, several of them with their helpdesk write done and their mapping waiting');

    await worker.kill();
    // The dead worker's statements still queued behind the lock would run once it is released (PostgreSQL
    // only notices a vanished client when it next talks to it): end them, as a crash mid-statement would.
    await handle.db.execute(sql`
      select pg_terminate_backend(pid) from pg_locks
      where not granted and database = (select oid from pg_database where datname = current_database()) and relation = 'external_ids'::regclass`);
    release();
    await holding;
    const writtenBeforeTheCrash = await helpdeskSql`select 1 from test_writes where email = any(${emails})`;
    expect(writtenBeforeTheCrash.length).toBeGreaterThanOrEqual(3);
    worker = await startWorkerProcess(workerEnv);

    const after = await eventually(async () => {
      const state = await runsOf();
      return state.runs.length === emails.length && state.runs.every((r) => r.status === 'succeeded') ? state : undefined;
    }, 'every run to finish after the restart', 180_000);
    expect(after.events).toHaveLength(emails.length); // one event per contact change, one run per event

    const customers = await helpdeskSql<{ id: string; email: string; name: string }[]>`select id, email, name from customers where email = any(${emails}) order by email`;
    expect(customers.map((c) => [c.email, c.name])).toEqual(emails.map((e, i) => [e, `Crash Test ${i}`]));
    const writes = await helpdeskSql<{ op: string; email: string }[]>`select op, email from test_writes where email = any(${emails}) order by email`;
    expect(writes).toEqual(emails.map((email) => ({ op: 'insert', email })));

    const maps = await handle.db.select().from(externalIds).where(eq(externalIds.workspaceId, seeded.workspaceId));
    const crmSide = maps.filter((m) => m.objectType === 'contacts' && contactIds.includes(m.externalId));
    const helpdeskSide = maps.filter((m) => m.objectType === 'customers' && contactIds.includes(m.recordKey));
    expect(crmSide.map((m) => [m.externalId, m.recordKey]).sort()).toEqual(contacts.map((c, i) => [c.id, customers[i]!.id]).sort());
    expect(helpdeskSide.map((m) => [m.externalId, m.recordKey]).sort()).toEqual(contacts.map((c, i) => [customers[i]!.id, c.id]).sort());
  }, 300_000);
});
