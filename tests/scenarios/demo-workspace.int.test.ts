/**
 * The demo workspace against the real demo CRM and helpdesk (started in-process on fresh databases): seeding
 * creates the connections, the sample flows (published and active) and the CRM subscription;
 * then a contact created by hand in the CRM reaches the helpdesk through the webhook, a real worker and
 * Temporal, and the integration's own changes do not loop.
 */
import { randomBytes } from 'node:crypto';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { connections, externalIds, flows, inboxEvents, memberships, runs, runSteps } from '../../db/schema';
import { validateForPublish } from '../../flows-engine/index';
import { nodeRegistry } from '../../nodes/registry';
import type { DemoCrm } from '../../examples/demo-crm/service';
import { startDemoHelpdesk, type DemoHelpdesk } from '../../examples/demo-helpdesk/service';
import { createDemoDatabases } from '../../examples/shared/test-databases';
import { createActivities } from '../../temporal/activities';
import { relayPendingEvents } from '../../temporal/relay/relay';
import { runWorkflowId } from '../../temporal/api/ids';
import { callerFor, insertUser } from '../support/app-context';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startIntakeServer, type IntakeServer } from '../support/intake-server';
import { createTestWorkflowEnvironment, temporalAddress, uniqueTaskQueue } from '../support/temporal';
import { startScenarioDemoCrm } from '../support/demo-crm';
import { closeAllPools } from '../../domain/connections/postgres-pool';
import { connectionInfos } from '../../domain/connections/usage';
import { testConnection } from '../../domain/connections/test-connection';
import { acceptWebhook } from '../../domain/inbox/accept-webhook';
import { DEMO_FLOWS, DEMO_WORKSPACE_NAME, seedDemoWorkspace, type DemoEnv, type DemoWorkspace } from '../../app/_server/demo/seed-demo-workspace';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

const SYNC_KEY = 'demo-sync-key-for-tests';
const ALICE_KEY = 'demo-alice-key-for-tests';
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const taskQueue = uniqueTaskQueue('demo');

let database: TestDatabase;
let demoDbs: Awaited<ReturnType<typeof createDemoDatabases>>;
let handle: DbHandle;
let crm: DemoCrm;
let helpdesk: DemoHelpdesk;
let env: DemoEnv;
let temporal: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
/** Stands in for the web app's /api/hooks/[token] route (the same acceptWebhook call, minus Next.js). */
let intake: IntakeServer;
let user: { id: string };
let seeded: DemoWorkspace;

beforeAll(async () => {
  // Activating the sample poll flow creates its Temporal Schedule through the app's client.
  process.env.TEMPORAL_ADDRESS = temporalAddress();
  database = await createTestDatabase();
  demoDbs = await createDemoDatabases();
  handle = openDb(database.url, { max: 8 });
  crm = await startScenarioDemoCrm(demoDbs.crmUrl, { syncKey: SYNC_KEY, aliceKey: ALICE_KEY });
  helpdesk = await startDemoHelpdesk({ databaseUrl: demoDbs.helpdeskUrl, port: 0 });
  intake = await startIntakeServer(handle.db);
  env = {
    crmUrl: crm.url,
    crmApiKey: SYNC_KEY,
    helpdeskDatabaseUrl: demoDbs.helpdeskUrl,
    appUrl: intake.url,
  };
  temporal = await createTestWorkflowEnvironment();
  bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../temporal/workflows/index.ts', import.meta.url)), logger: quietLogger });
  process.env.SYNCLINE_TASK_QUEUE = taskQueue;
  user = await insertUser(handle.db, 'Newcomer');
});

afterAll(async () => {
  delete process.env.SYNCLINE_TASK_QUEUE;
  await crm?.stop();
  await helpdesk?.stop();
  await intake?.stop();
  await temporal?.teardown();
  await closeAllPools();
  await handle?.close();
  await demoDbs?.drop();
  await database?.drop();
});

async function crmApi(key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${crm.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until `count` events of the flow are in the inbox, relays them and waits for their runs. */
async function runDelivered(flowId: string, count: number) {
  const events = await waitFor(`${count} webhook events`, async () => {
    const rows = await handle.db.select({ id: inboxEvents.id }).from(inboxEvents).where(eq(inboxEvents.flowId, flowId));
    return rows.length >= count ? rows : undefined;
  });
  const worker = await Worker.create({ connection: temporal.nativeConnection, taskQueue, workflowBundle: bundle, activities: createActivities({ db: handle.db }) });
  await worker.runUntil(async () => {
    await relayPendingEvents(handle.db, temporal.client);
    for (const e of events) await temporal.client.workflow.getHandle(runWorkflowId(e.id)).result();
  });
  return events;
}

async function helpdeskCustomers() {
  const sql = postgres(demoDbs.helpdeskUrl, { max: 1, onnotice: () => {} });
  try {
    return await sql<{ id: string; name: string; email: string | null; updated_by: string }[]>`select id, name, email, updated_by from customers order by name`;
  } finally {
    await sql.end();
  }
}

describe('the demo workspace', () => {
  it('is created with both demo systems connected, the sample flows published and the CRM subscribed', async () => {
    seeded = (await seedDemoWorkspace(handle.db, { userId: user.id }, env))!;
    expect(seeded).toMatchObject({ name: DEMO_WORKSPACE_NAME, created: true, warnings: [] });
    const ws = seeded.workspaceId;

    expect(await handle.db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.workspaceId, ws), eq(memberships.userId, user.id)))).toEqual([{ role: 'admin' }]);

    const conns = await handle.db.select().from(connections).where(eq(connections.workspaceId, ws));
    expect(conns.map((c) => [c.name, c.kind, c.integrationIdentity]).sort()).toEqual([
      ['Demo CRM webhooks', 'webhook', ''],
      ['Demo CRM', 'demo-crm', 'svc-sync'],
      ['Demo helpdesk', 'demo-helpdesk', 'svc-sync'],
    ]);
    for (const c of conns.filter((conn) => conn.kind !== 'webhook')) expect(await testConnection(handle.db, { workspaceId: ws, connectionId: c.id })).toMatchObject({ ok: true });

    const flowRows = await handle.db.select().from(flows).where(eq(flows.workspaceId, ws));
    const byName = Object.fromEntries(flowRows.map((f) => [f.name, f]));
    expect(byName['CRM → Helpdesk contacts']).toMatchObject({ status: 'active', activeVersionId: expect.any(String) });
    expect(byName['Helpdesk → CRM phone and tier']).toMatchObject({ status: 'active', activeVersionId: expect.any(String) });
    expect(byName['Helpdesk → CRM phone and tier']?.description).toMatch(/Polls the helpdesk database/);
    const infos = await connectionInfos(handle.db, ws);
    for (const f of flowRows) {
      const issues = validateForPublish(f.draft, nodeRegistry, { connections: infos });
      expect(issues.filter((i) => i.severity === 'error'), f.name).toEqual([]);
      // Every connection slot is bound to one of this workspace's connections.
      expect(JSON.stringify(f.draft)).not.toMatch(/"connectionId":\{"kind":"literal","value":""\}/);
    }

    const { data } = (await crmApi(SYNC_KEY, 'GET', '/webhooks')) as { data: { url: string }[] };
    expect(data.map((s) => s.url)).toEqual([`${env.appUrl}/api/hooks/${byName['CRM → Helpdesk contacts']?.webhookToken}`]);
    expect(seeded.webhookUrl).toBe(data[0]?.url);
  });

  it('is created once per user: a second call finds it and does not subscribe twice', async () => {
    const again = await seedDemoWorkspace(handle.db, { userId: user.id }, env);
    expect(again).toMatchObject({ workspaceId: seeded.workspaceId, created: false, flows: seeded.flows, warnings: [] });
    const { data } = (await crmApi(SYNC_KEY, 'GET', '/webhooks')) as { data: unknown[] };
    expect(data).toHaveLength(1);
    expect(await seedDemoWorkspace(handle.db, { userId: user.id }, null)).toBeNull();
  });

  it('syncs a contact created by hand in the CRM to the helpdesk, and the integration’s own changes do not loop', async () => {
    const flowId = seeded.flows!.crmToHelpdesk;
    const contact = (await crmApi(ALICE_KEY, 'POST', '/contacts', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+44 1' })) as { id: string };
    const [first] = await runDelivered(flowId, 1);
    const [run] = await handle.db.select().from(runs).where(eq(runs.id, first!.id));
    expect(run).toMatchObject({ status: 'succeeded', itemsSkipped: 0 });
    let customers = await helpdeskCustomers();
    expect(customers).toEqual([{ id: expect.any(String), name: 'Ada Lovelace', email: 'ada@example.com', updated_by: 'svc-sync' }]);
    const helpdeskId = customers[0]!.id;
    const maps = await handle.db.select().from(externalIds).where(eq(externalIds.workspaceId, seeded.workspaceId));
    expect(maps.map((m) => [m.objectType, m.externalId, m.recordKey]).sort()).toEqual([
      ['contacts', contact.id, helpdeskId],
      ['customers', helpdeskId, contact.id],
    ]);

    // The same delivery again (a CRM retry) is recognised by its body: no second run.
    expect(intake.delivered).toHaveLength(1);
    const token = seeded.webhookUrl!.split('/').pop()!;
    const signed = (name: string) => (name === 'x-signature' ? intake.delivered[0]!.signature : null);
    const repeat = await acceptWebhook(handle.db, { token, body: intake.delivered[0]!.body, idempotencyKey: null, header: signed });
    expect(repeat).toMatchObject({ kind: 'accepted', duplicate: true, eventId: first!.id });
    // Deliveries are signed by the CRM and checked: an unsigned or forged one is refused.
    expect(await acceptWebhook(handle.db, { token, body: intake.delivered[0]!.body, idempotencyKey: null, header: () => null })).toMatchObject({ status: 401 });
    expect(
      await acceptWebhook(handle.db, { token, body: intake.delivered[0]!.body, idempotencyKey: null, header: (n) => (n === 'x-signature' ? `sha256=${'0'.repeat(64)}` : null) }),
    ).toMatchObject({ status: 401 });

    // A change made by the integration account in the CRM comes back as a webhook and stops at the guard.
    await crmApi(SYNC_KEY, 'PATCH', `/contacts/${contact.id}`, { lastName: 'Byron' });
    const afterEcho = await runDelivered(flowId, 2);
    const echoRunId = afterEcho.map((e) => e.id).find((id) => id !== first!.id)!;
    const [echoRun] = await handle.db.select().from(runs).where(eq(runs.id, echoRunId));
    expect(echoRun).toMatchObject({ status: 'succeeded', itemsSkipped: 1 });
    const echoSteps = await handle.db.select().from(runSteps).where(eq(runSteps.runId, echoRunId));
    expect(echoSteps.find((s) => s.nodeId === 'guard')?.skipped?.[0]?.reason).toMatch(/integration account/);
    customers = await helpdeskCustomers();
    expect(customers).toEqual([{ id: helpdeskId, name: 'Ada Lovelace', email: 'ada@example.com', updated_by: 'svc-sync' }]);

    // A person's later edit updates the same helpdesk customer (found through the mapping), no duplicate.
    await crmApi(ALICE_KEY, 'PATCH', `/contacts/${contact.id}`, { firstName: 'Augusta Ada', email: 'ada@lovelace.example' });
    await runDelivered(flowId, 3);
    customers = await helpdeskCustomers();
    expect(customers).toEqual([{ id: helpdeskId, name: 'Augusta Ada Byron', email: 'ada@lovelace.example', updated_by: 'svc-sync' }]);
    const flowRuns = await handle.db.select({ status: runs.status }).from(runs).where(eq(runs.flowId, flowId));
    expect(flowRuns).toHaveLength(3);
    expect(flowRuns.every((r) => r.status === 'succeeded')).toBe(true);
  });

  // One demo per installation (issue 16): the first sign-up's demo above is the installation's; later
  // sign-ups get none, and a demo asked for with the explicit button never doubles the shared systems' effects.
  it('is not created again for later sign-ups; the explicit button gives a user a demo of their own, paused while another demo is live', async () => {
    const newcomer = await insertUser(handle.db, 'Grace');
    const keys = ['DEMO_CRM_URL', 'DEMO_CRM_API_KEY', 'DEMO_HELPDESK_DATABASE_URL', 'BETTER_AUTH_URL'] as const;
    const saved = { ...process.env };
    for (const k of keys) delete process.env[k];
    try {
      expect(await callerFor(handle.db, newcomer).demo.ensureWorkspace()).toEqual({ workspaceId: null, warnings: [] });
      Object.assign(process.env, { DEMO_CRM_URL: env.crmUrl, DEMO_CRM_API_KEY: SYNC_KEY, DEMO_HELPDESK_DATABASE_URL: env.helpdeskDatabaseUrl, BETTER_AUTH_URL: env.appUrl! });
      // Sign-up: the installation has its demo already (the first user's), so none is made.
      expect(await callerFor(handle.db, newcomer).demo.ensureWorkspace()).toEqual({ workspaceId: null, warnings: [] });
      expect(await callerFor(handle.db, newcomer).workspaces.mine()).toEqual([]);
      // The explicit button: a demo of their own, its sample flows published but paused, the CRM not subscribed again.
      const own = await callerFor(handle.db, newcomer).demo.createWorkspace();
      expect(own).toMatchObject({ workspaceId: expect.any(String), name: DEMO_WORKSPACE_NAME, created: true, warnings: [expect.stringMatching(/not active.*process every change twice/)] });
      expect(own.workspaceId).not.toBe(seeded.workspaceId);
      const ownFlows = await handle.db.select({ status: flows.status }).from(flows).where(eq(flows.workspaceId, own.workspaceId));
      expect(ownFlows).toHaveLength(2);
      expect(ownFlows.filter((f) => f.status === 'active')).toEqual([]);
      // Nor by hand: activating one is refused, the editor and the demo banner say why instead of offering it.
      const inOwn = callerFor(handle.db, newcomer, own.workspaceId);
      const [{ id: sample }] = (await handle.db.select({ id: flows.id }).from(flows).where(and(eq(flows.workspaceId, own.workspaceId), eq(flows.name, DEMO_FLOWS.crmToHelpdesk.name)))) as [{ id: string }];
      await expect(inOwn.flows.setStatus({ flowId: sample, status: 'active' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/another demo workspace already syncs them.*twice/) });
      expect((await inOwn.flows.get({ flowId: sample })).activationRefusal).toMatch(/shared demo CRM and helpdesk/);
      expect(await handle.db.select({ status: flows.status }).from(flows).where(eq(flows.id, sample))).toEqual([{ status: 'draft' }]); // published, never activated
      // A flow of their own that does not touch the demo systems is not held back.
      const mine = await inOwn.flows.create({ name: 'My own flow' });
      expect((await inOwn.flows.get({ flowId: mine.id })).activationRefusal).toBeNull();
      const { data } = (await crmApi(SYNC_KEY, 'GET', '/webhooks')) as { data: unknown[] };
      expect(data).toHaveLength(1);
      expect(await callerFor(handle.db, newcomer).demo.createWorkspace()).toMatchObject({ workspaceId: own.workspaceId, created: false });
      // Now a member of it, the sign-up call finds it.
      expect(await callerFor(handle.db, newcomer).demo.ensureWorkspace()).toMatchObject({ workspaceId: own.workspaceId, created: false });
    } finally {
      for (const k of keys) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});
