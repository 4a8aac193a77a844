/**
 * Bulk loads of object pairs other than the built-in one, through the same connector paths flows use:
 * HubSpot contacts (the contract fake, tests/fakes/hubspot-fake.ts, read through the connector kit's
 * search listing) into the demo helpdesk's PostgreSQL `customers`, and PostgreSQL `customers` into
 * HubSpot contacts (written by the kit's upsert, matching by email). Records the target already has are
 * matched by the natural key, a second load updates through the mappings, a roll-back deletes only
 * what the load created.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkJobs, externalIds, flows, flowVersions } from '../../db/schema';
import { createConnection } from '../../domain/connections/connection-service';
import type { BulkSpec } from '../../domain/bulk/bulk-spec';
import { createActivities } from '../../temporal/activities';
import { startHubSpotFake, type HubSpotFake } from '../fakes/hubspot-fake';
import { callerFor } from '../support/app-context';
import { createBulkWorkspace, type BulkWorkspace } from '../support/bulk';
import { startBulkSystems, type BulkSystems } from '../support/bulk-systems';
import { eventually } from '../support/processes';
import { uniqueTaskQueue } from '../support/temporal';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

const TOKEN = 'pat-na1-bulk-0000-1111-2222-333333333333';
const CONTACTS = 250;
const ALREADY_IN_HELPDESK = 20;
const taskQueue = uniqueTaskQueue('bulk-any-pair');

let systems: BulkSystems;
let workspace: BulkWorkspace;

beforeAll(async () => {
  systems = await startBulkSystems({ taskQueue, crmApiKey: 'unused-crm-key', dbConnections: 6, helpdeskConnections: 1 });
  workspace = await createBulkWorkspace(systems.handle.db, { crmUrl: systems.crm.url, crmApiKey: 'unused-crm-key', helpdeskDatabaseUrl: systems.demoDbs.helpdeskUrl });
}, 120_000);

/** Runs a worker until `work` is done (a worker runs once). */
async function withWorker<T>(work: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: systems.temporal.nativeConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('../../temporal/workflows/index.ts', import.meta.url)),
    activities: createActivities({ db: systems.handle.db }),
  });
  return worker.runUntil(work);
}

afterAll(async () => {
  await systems?.stop();
});

async function connectHubSpot(fake: HubSpotFake): Promise<string> {
  const created = await createConnection(systems.handle.db, { workspaceId: workspace.workspaceId, userId: workspace.user.id }, {
    name: `HubSpot ${randomBytes(3).toString('hex')}`,
    kind: 'connector',
    settings: { connector: 'hubspot', authMethod: 'privateApp', params: {}, baseUrl: fake.url },
    secret: TOKEN,
    integrationIdentity: '',
    owner: '',
    description: '',
    scopes: [],
    credentialExpiresAt: null,
    allowPrivateNetwork: true,
  });
  return created.id;
}

/** Starts a load of `spec` and waits until it completes (the worker runs meanwhile). */
async function load(spec: BulkSpec & { fields: { target: string; source: string }[] }, sourceConnectionId: string, targetConnectionId: string) {
  const caller = callerFor(systems.handle.db, workspace.user, workspace.workspaceId);
  return withWorker(async () => {
    const { jobId } = await caller.bulk.start({ spec, sourceConnectionId, targetConnectionId });
    return eventually(async () => {
      const [row] = await systems.handle.db.select().from(bulkJobs).where(eq(bulkJobs.id, jobId));
      if (row?.status === 'failed') throw new Error(row.error ?? 'failed');
      return row?.status === 'completed' ? row : undefined;
    }, 'the load to complete', 120_000);
  });
}

describe('bulk loads of any object pair', () => {
  it('loads HubSpot contacts into PostgreSQL customers, matching by email, then updates, then rolls back what it created', async () => {
    const fake = await startHubSpotFake({ token: TOKEN });
    try {
      const start = Date.now() - 3_600_000;
      for (let n = 1; n <= CONTACTS; n++) fake.seed({ email: `hs${n}@example.com`, firstname: `Hub ${n}`, lastname: `Spot ${n}` }, new Date(start + n));
      await systems.helpdesk`
        insert into customers (name, email, updated_by)
        select 'Imported ' || n, 'hs' || n || '@example.com', 'helpdesk-agent' from generate_series(1, ${ALREADY_IN_HELPDESK}::int) n`;
      const hubspot = await connectHubSpot(fake);
      const spec = {
        sourceObject: 'contacts',
        sourceIdField: 'id',
        sourceModifiedField: 'lastmodifieddate',
        targetObject: 'customers',
        fields: [{ target: 'name', source: 'firstname' }, { target: 'email', source: 'email' }],
        matchBy: 'email',
      } satisfies BulkSpec;

      const first = await load(spec, hubspot, workspace.helpdeskConnectionId);
      expect(first).toMatchObject({ object: 'contacts → customers', processed: CONTACTS, matched: ALREADY_IN_HELPDESK, created: CONTACTS - ALREADY_IN_HELPDESK, skipped: 0 });
      const rows = await systems.helpdesk<{ name: string; email: string; updated_by: string }[]>`select name, email, updated_by from customers order by email`;
      expect(rows).toHaveLength(CONTACTS);
      expect(rows.find((r) => r.email === 'hs7@example.com')).toEqual({ name: 'Hub 7', email: 'hs7@example.com', updated_by: 'svc-sync' });
      // The searches paged through the connector kit (HubSpot's search answers at most 100 per page).
      expect(fake.log.filter((r) => r.method === 'POST' && r.url.endsWith('/search')).length).toBeGreaterThanOrEqual(3);
      const mapped = await systems.handle.db.select().from(externalIds).where(and(eq(externalIds.connectionId, hubspot), eq(externalIds.objectType, 'contacts')));
      expect(mapped).toHaveLength(CONTACTS);

      // A second load finds every contact through its mapping: all updates, nothing created or duplicated.
      fake.contacts.get(mapped[0]!.externalId)!.properties.firstname = 'Renamed';
      const second = await load(spec, hubspot, workspace.helpdeskConnectionId);
      expect(second).toMatchObject({ processed: CONTACTS, updated: CONTACTS, created: 0, matched: 0, skipped: 0 });
      expect(await systems.helpdesk`select 1 from customers`).toHaveLength(CONTACTS);
      const [renamed] = await systems.helpdesk<{ name: string }[]>`select name from customers where id = ${mapped[0]!.recordKey}`;
      expect(renamed!.name).toBe('Renamed');

      // Rolling the first load back deletes the customers it created, never those it matched.
      const caller = callerFor(systems.handle.db, workspace.user, workspace.workspaceId);
      const preview = await caller.bulk.rollbackPreview({ jobId: first.id });
      expect(preview.toDelete).toBe(CONTACTS - ALREADY_IN_HELPDESK);
      await withWorker(async () => {
        await caller.bulk.rollback({ jobId: first.id, confirmCount: preview.toDelete });
        await eventually(async () => {
          const [row] = await systems.handle.db.select().from(bulkJobs).where(eq(bulkJobs.id, first.id));
          return row?.status === 'rolled-back' ? row : undefined;
        }, 'the roll-back to finish', 120_000);
      });
      const left = await systems.helpdesk<{ name: string }[]>`select name from customers order by name`;
      expect(left).toHaveLength(ALREADY_IN_HELPDESK);
    } finally {
      await fake.close();
    }
  }, 300_000);

  it('loads PostgreSQL customers into HubSpot contacts through the kit upsert, matching an existing contact by email', async () => {
    // A workspace of its own: the mappings of the first test name the first fake's contacts.
    workspace = await createBulkWorkspace(systems.handle.db, { crmUrl: systems.crm.url, crmApiKey: 'unused-crm-key', helpdeskDatabaseUrl: systems.demoDbs.helpdeskUrl });
    const fake = await startHubSpotFake({ token: TOKEN });
    try {
      await systems.helpdesk`
        insert into customers (name, email, updated_by)
        select 'Pg ' || n, 'pg' || n || '@example.com', 'helpdesk-agent' from generate_series(1, 30) n`;
      const [counted] = await systems.helpdesk<{ n: number }[]>`select count(*)::int as n from customers`;
      const inHelpdesk = counted!.n;
      const existing = fake.seed({ email: 'pg3@example.com', firstname: 'Already', lastname: 'There' });
      const hubspot = await connectHubSpot(fake);
      const spec = {
        sourceObject: 'customers',
        sourceIdField: 'id',
        sourceModifiedField: 'updated_at',
        targetObject: 'contacts',
        fields: [{ target: 'email', source: 'email' }, { target: 'firstname', source: 'name' }],
        matchBy: 'email',
      } satisfies BulkSpec;

      const job = await load(spec, workspace.helpdeskConnectionId, hubspot);
      expect(job).toMatchObject({ processed: inHelpdesk, matched: 1, created: inHelpdesk - 1, skipped: 0 });
      const contacts = [...fake.contacts.values()];
      expect(contacts).toHaveLength(inHelpdesk);
      expect(fake.contacts.get(existing.id)!.properties).toMatchObject({ email: 'pg3@example.com', firstname: 'Pg 3', lastname: 'There' });
      expect(contacts.find((c) => c.properties.email === 'pg17@example.com')!.properties.firstname).toBe('Pg 17');
    } finally {
      await fake.close();
    }
  }, 300_000);

  it('re-syncs a live HubSpot -> PostgreSQL flow with the objects and field map of its poll trigger and upsert step', async () => {
    workspace = await createBulkWorkspace(systems.handle.db, { crmUrl: systems.crm.url, crmApiKey: 'unused-crm-key', helpdeskDatabaseUrl: systems.demoDbs.helpdeskUrl });
    const fake = await startHubSpotFake({ token: TOKEN });
    try {
      for (let n = 1; n <= 120; n++) fake.seed({ email: `re${n}@example.com`, firstname: `Re ${n}` });
      const hubspot = await connectHubSpot(fake);
      const lit = (value: unknown) => ({ kind: 'literal' as const, value });
      const graph = {
        schemaVersion: 1,
        nodes: [
          { id: 'poll', type: 'core.poll-trigger', typeVersion: 1, label: 'Changed contacts', config: { connectionId: lit(hubspot), objectType: lit('contacts'), idField: lit('id'), modifiedField: lit('lastmodifieddate') } },
          {
            id: 'write', type: 'sync.upsert-record', typeVersion: 1, label: 'Customer',
            config: {
              connectionId: lit(workspace.helpdeskConnectionId), objectType: lit('customers'),
              fields: lit([{ target: 'name', sourcePath: 'firstname' }, { target: 'email', sourcePath: 'email' }]),
              matchBy: lit({ naturalKey: { target: 'email', sourcePath: 'email' } }),
            },
          },
        ],
        edges: [{ id: 'e1', source: 'poll', sourceHandle: 'main', target: 'write', targetHandle: 'main' }],
        layout: {},
      };
      const flowId = randomUUID();
      const versionId = randomUUID();
      const { db } = systems.handle;
      await db.insert(flows).values({ id: flowId, workspaceId: workspace.workspaceId, name: 'HubSpot → Helpdesk', draft: graph, webhookToken: randomBytes(16).toString('hex'), status: 'active' });
      await db.insert(flowVersions).values({ id: versionId, flowId, workspaceId: workspace.workspaceId, version: 1, graph });
      await db.update(flows).set({ activeVersionId: versionId }).where(eq(flows.id, flowId));

      const caller = callerFor(db, workspace.user, workspace.workspaceId);
      const job = await withWorker(async () => {
        const outcome = await caller.bulk.resync();
        expect(outcome).toMatchObject({ started: [{ flow: 'HubSpot → Helpdesk' }], skipped: [] });
        return eventually(async () => {
          const [row] = await db.select().from(bulkJobs).where(eq(bulkJobs.id, outcome.started[0]!.jobId));
          if (row?.status === 'failed') throw new Error(row.error ?? 'failed');
          return row?.status === 'completed' ? row : undefined;
        }, 'the re-sync load to complete', 120_000);
      });
      expect(job).toMatchObject({ reason: 'resync', object: 'contacts → customers', processed: 120, created: 120, skipped: 0 });
      const [row] = await systems.helpdesk<{ name: string }[]>`select name from customers where email = 're42@example.com'`;
      expect(row!.name).toBe('Re 42');
    } finally {
      await fake.close();
    }
  }, 300_000);

  it('refuses a spec whose match-by field is not mapped, naming the setting', async () => {
    const caller = callerFor(systems.handle.db, workspace.user, workspace.workspaceId);
    await expect(
      caller.bulk.start({
        spec: { sourceObject: 'customers', sourceIdField: 'id', sourceModifiedField: 'updated_at', targetObject: 'contacts', fields: [{ target: 'firstname', source: 'name' }], matchBy: 'email' },
        sourceConnectionId: workspace.helpdeskConnectionId,
        targetConnectionId: workspace.crmConnectionId,
      }),
    ).rejects.toThrow('matchBy: “email” is not one of the mapped target fields.');
  });
});
