/**
 * Bulk load against the real demo CRM (HTTP) and helpdesk database, through the bulk router, Temporal
 * and a real worker: pre-existing helpdesk customers are matched by email (no duplicates), a worker
 * killed with SIGKILL mid-load is replaced and the load resumes from its checkpoint without
 * duplicating anything, and a roll-back deletes exactly the records the load created.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, bulkJobCreatedRecords, bulkJobs, externalIds } from '../../db/schema';
import { createActivities } from '../activities';
import { callerFor } from '../../tests/support/app-context';
import { createBulkWorkspace, seedCrmContacts, type BulkWorkspace } from '../../tests/support/bulk';
import { startBulkSystems, type BulkSystems } from '../../tests/support/bulk-systems';
import { temporalAddress, uniqueTaskQueue } from '../../tests/support/temporal';
import { eventually, startWorkerProcess } from '../../tests/support/processes';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

const SYNC_KEY = 'bulk-sync-key-for-tests';
const CONTACTS = 2000;
const PRE_EXISTING = 300; // helpdesk customers with the email of a CRM contact
const UNRELATED = 50;
const taskQueue = uniqueTaskQueue('bulk');

let systems: BulkSystems;
let database: BulkSystems['database'];
let demoDbs: BulkSystems['demoDbs'];
let handle: BulkSystems['handle'];
let crm: BulkSystems['crm'];
let helpdesk: BulkSystems['helpdesk'];
let temporal: BulkSystems['temporal'];
let ws: BulkWorkspace;

const caller = () => callerFor(handle.db, ws.user, ws.workspaceId);

async function job(jobId: string) {
  const [row] = await handle.db.select().from(bulkJobs).where(eq(bulkJobs.id, jobId));
  return row!;
}

async function finished(jobId: string, status: string, timeoutMs = 120_000) {
  return eventually(async () => {
    const row = await job(jobId);
    if (row.status === 'failed') throw new Error(`the job failed: ${row.error}`);
    return row.status === status ? row : undefined;
  }, `job ${jobId} to be ${status}`, timeoutMs);
}

async function customers() {
  return helpdesk<{ id: string; email: string | null; name: string; updated_by: string }[]>`select id, email, name, updated_by from customers order by email`;
}

async function mappingCount(objectType: string) {
  const rows = await handle.db.select({ id: externalIds.id }).from(externalIds).where(and(eq(externalIds.workspaceId, ws.workspaceId), eq(externalIds.objectType, objectType)));
  return rows.length;
}

/** Every CRM contact has exactly one helpdesk customer with its email, and the mappings point at it. */
async function expectEveryContactOnce() {
  const rows = await customers();
  const emails = rows.map((r) => r.email);
  expect(new Set(emails).size).toBe(emails.length);
  for (let n = 1; n <= CONTACTS; n++) expect(emails).toContain(`person${n}@example.com`);
  expect(rows).toHaveLength(CONTACTS + UNRELATED);
  const mapped = await handle.db
    .select({ externalId: externalIds.externalId, recordKey: externalIds.recordKey })
    .from(externalIds)
    .where(and(eq(externalIds.workspaceId, ws.workspaceId), eq(externalIds.objectType, 'contacts')));
  expect(mapped).toHaveLength(CONTACTS);
  const byEmail = new Map(rows.map((r) => [r.email, r.id]));
  for (const m of mapped) expect(m.recordKey).toBe(byEmail.get(`person${Number(m.externalId.slice(2))}@example.com`));
}

beforeAll(async () => {
  systems = await startBulkSystems({ taskQueue, crmApiKey: SYNC_KEY, dbConnections: 8, helpdeskConnections: 2 });
  ({ database, demoDbs, handle, crm, helpdesk, temporal } = systems);
  ws = await createBulkWorkspace(handle.db, { crmUrl: crm.url, crmApiKey: SYNC_KEY, helpdeskDatabaseUrl: demoDbs.helpdeskUrl });
  await seedCrmContacts(demoDbs.crmUrl, CONTACTS);
  // Customers the helpdesk already has: every sixth contact's email (matched, not duplicated), and strangers.
  await helpdesk`
    insert into customers (name, email, updated_by)
    select 'Known ' || n, 'person' || (n * 6) || '@example.com', 'helpdesk-agent' from generate_series(1, ${PRE_EXISTING}::int) n
    union all
    select 'Stranger ' || n, 'stranger' || n || '@example.org', 'helpdesk-agent' from generate_series(1, ${UNRELATED}::int) n`;
}, 120_000);

afterAll(async () => {
  await systems?.stop();
});

describe('bulk load CRM contacts -> helpdesk customers', () => {
  let firstJobId: string;

  it('loads every contact once, matching existing customers by email, and tags the writes with the integration identity', async () => {
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)),
      activities: createActivities({ db: handle.db }),
    });
    const done = await worker.runUntil(async () => {
      const { jobId } = await caller().bulk.start({ object: 'contacts', sourceConnectionId: ws.crmConnectionId, targetConnectionId: ws.helpdeskConnectionId });
      firstJobId = jobId;
      return finished(jobId, 'completed');
    });
    expect(done).toMatchObject({ total: CONTACTS, processed: CONTACTS, created: CONTACTS - PRE_EXISTING, matched: PRE_EXISTING, updated: 0, skipped: 0 });
    await expectEveryContactOnce();
    const rows = await customers();
    expect(rows.find((r) => r.email === 'person6@example.com')).toMatchObject({ name: 'First6 Last6', updated_by: 'svc-sync' });
    expect(rows.filter((r) => r.email?.endsWith('@example.org')).every((r) => r.updated_by === 'helpdesk-agent')).toBe(true);
    expect(await mappingCount('customers')).toBe(CONTACTS);

    const [listed] = await caller().bulk.list();
    expect(listed).toMatchObject({ id: firstJobId, status: 'completed', processed: CONTACTS, sourceName: 'Demo CRM', targetName: 'Demo helpdesk' });
    expect(listed!.recordsPerSecond).toBeGreaterThan(0);
  }, 180_000);

  it('rolls back exactly what the load created: matched customers and strangers stay, mappings go', async () => {
    const preview = await caller().bulk.rollbackPreview({ jobId: firstJobId });
    expect(preview.toDelete).toBe(CONTACTS - PRE_EXISTING);
    await expect(caller().bulk.rollback({ jobId: firstJobId, confirmCount: preview.toDelete + 1 })).rejects.toThrow(/would now delete 1700/);

    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)),
      activities: createActivities({ db: handle.db }),
    });
    const done = await worker.runUntil(async () => {
      await caller().bulk.rollback({ jobId: firstJobId, confirmCount: preview.toDelete });
      return finished(firstJobId, 'rolled-back');
    });
    expect(done.rolledBack).toBe(CONTACTS - PRE_EXISTING);
    const rows = await customers();
    expect(rows).toHaveLength(PRE_EXISTING + UNRELATED);
    expect(rows.filter((r) => r.name.startsWith('Known') || r.name.startsWith('First'))).toHaveLength(PRE_EXISTING);
    // The matched customers keep their mappings: the load did not create them.
    expect(await mappingCount('contacts')).toBe(PRE_EXISTING);
    expect(await mappingCount('customers')).toBe(PRE_EXISTING);
    expect(await handle.db.select().from(bulkJobCreatedRecords).where(eq(bulkJobCreatedRecords.jobId, firstJobId))).toHaveLength(0);
    const audited = await handle.db.select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.workspaceId, ws.workspaceId), eq(auditLog.targetId, firstJobId)));
    expect(audited.map((a) => a.action).sort()).toEqual(['bulk.rollback', 'bulk.start']);
  }, 180_000);

  it('resumes from its checkpoint after the worker is killed with SIGKILL, without duplicates', async () => {
    const env = {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporalAddress(),
      SYNCLINE_TASK_QUEUE: taskQueue,
      SYNCLINE_ENCRYPTION_KEY: process.env.SYNCLINE_ENCRYPTION_KEY!,
    };
    // Slow source pages, so that the kill lands in the middle of the load.
    crm.chaos.update({ delayMs: 700 });
    const first = await startWorkerProcess(env);
    let second: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
    try {
      const { jobId } = await caller().bulk.start({ object: 'contacts', sourceConnectionId: ws.crmConnectionId, targetConnectionId: ws.helpdeskConnectionId });
      await eventually(async () => ((await job(jobId)).processed >= 500 ? true : undefined), 'the first page to be checkpointed');
      await first.kill();
      const atKill = await job(jobId);
      expect(atKill.status).toBe('running');
      expect(atKill.processed).toBeLessThan(CONTACTS);
      crm.chaos.reset();
      second = await startWorkerProcess(env);
      const done = await finished(jobId, 'completed', 150_000);
      // The customers matched by the first load are still mapped: this time they are updates.
      expect(done).toMatchObject({ processed: CONTACTS, created: CONTACTS - PRE_EXISTING, updated: PRE_EXISTING, matched: 0, skipped: 0 });
      await expectEveryContactOnce();
      expect(await handle.db.select().from(bulkJobCreatedRecords).where(eq(bulkJobCreatedRecords.jobId, jobId))).toHaveLength(CONTACTS - PRE_EXISTING);
    } finally {
      crm.chaos.reset();
      await first.kill();
      await second?.stop();
    }
  }, 240_000);
});
