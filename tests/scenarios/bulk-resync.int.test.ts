/**
 * Full re-sync of the seeded demo workspace: one load per active flow's object pair (the live
 * CRM → Helpdesk flow; the paused Helpdesk → CRM flow is left alone). Customers the helpdesk already
 * has are matched by email and mapped the way the flow maps them, so nothing is duplicated and the
 * live flow finds every contact afterwards.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkJobs, connections, externalIds } from '../../db/schema';
import { DEMO_CRM_CONNECTION, seedDemoWorkspace } from '../../app/_server/demo/seed-demo-workspace';
import { createActivities } from '../../temporal/activities';
import { callerFor, insertUser } from '../support/app-context';
import { seedCrmContacts } from '../support/bulk';
import { startBulkSystems, type BulkSystems } from '../support/bulk-systems';
import { uniqueTaskQueue } from '../support/temporal';
import { eventually } from '../support/processes';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

const SYNC_KEY = 'resync-key-for-tests';
const CONTACTS = 600;
const taskQueue = uniqueTaskQueue('resync');

let systems: BulkSystems;
let demoDbs: BulkSystems['demoDbs'];
let handle: BulkSystems['handle'];
let crm: BulkSystems['crm'];
let helpdesk: BulkSystems['helpdesk'];
let temporal: BulkSystems['temporal'];

beforeAll(async () => {
  systems = await startBulkSystems({ taskQueue, crmApiKey: SYNC_KEY, dbConnections: 6, helpdeskConnections: 1 });
  ({ demoDbs, handle, crm, helpdesk, temporal } = systems);
  await seedCrmContacts(demoDbs.crmUrl, CONTACTS);
  // Half the contacts already exist in the helpdesk (an earlier import, say), unmapped.
  await helpdesk`
    insert into customers (name, email, updated_by)
    select 'Imported ' || n, 'person' || n || '@example.com', 'helpdesk-agent' from generate_series(1, ${CONTACTS / 2}::int) n`;
}, 120_000);

afterAll(async () => {
  await systems?.stop();
});

describe('full re-sync of the demo workspace', () => {
  it('loads the pair of the active flow, matching existing customers by email, without duplicates', async () => {
    const user = await insertUser(handle.db, 'Resyncer');
    const demo = (await seedDemoWorkspace(handle.db, { userId: user.id }, { crmUrl: crm.url, crmApiKey: SYNC_KEY, helpdeskDatabaseUrl: demoDbs.helpdeskUrl, appUrl: null }))!;
    const caller = callerFor(handle.db, user, demo.workspaceId);
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('../../temporal/workflows/index.ts', import.meta.url)),
      activities: createActivities({ db: handle.db }),
    });
    const completed = async (jobId: string) =>
      eventually(async () => {
        const [row] = await handle.db.select().from(bulkJobs).where(eq(bulkJobs.id, jobId));
        if (row?.status === 'failed') throw new Error(row.error ?? 'failed');
        return row?.status === 'completed' ? row : undefined;
      }, 'the re-sync load to complete', 120_000);
    const resync = async () => {
      const outcome = await caller.bulk.resync();
      expect(outcome.started.map((s) => s.flow)).toEqual(['CRM → Helpdesk contacts']);
      return completed(outcome.started[0]!.jobId);
    };
    const [first, second] = await worker.runUntil(async () => [await resync(), await resync()]);
    expect(first).toMatchObject({ reason: 'resync', processed: CONTACTS, matched: CONTACTS / 2, created: CONTACTS / 2, skipped: 0 });
    const rows = await helpdesk<{ email: string; updated_by: string }[]>`select email, updated_by from customers`;
    expect(rows).toHaveLength(CONTACTS);
    expect(rows.every((r) => r.updated_by === 'svc-sync')).toBe(true);
    // Mapped the way the live flow looks contacts up: (Demo CRM, contacts, CRM id) -> helpdesk id.
    const [crmConnection] = await handle.db.select({ id: connections.id }).from(connections).where(and(eq(connections.workspaceId, demo.workspaceId), eq(connections.name, DEMO_CRM_CONNECTION)));
    const mapped = await handle.db.select().from(externalIds).where(and(eq(externalIds.connectionId, crmConnection!.id), eq(externalIds.objectType, 'contacts')));
    expect(mapped).toHaveLength(CONTACTS);
    // A second re-sync finds every contact through its mapping: all updates, nothing created.
    expect(second).toMatchObject({ processed: CONTACTS, updated: CONTACTS, created: 0, matched: 0 });
    expect(await helpdesk`select 1 from customers`).toHaveLength(CONTACTS);
  }, 240_000);
});
