import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../../db/client';
import { auditLog, flows, runs, type RunStatus } from '../../../db/schema';
import { listRuns } from '../runs/run-queries';
import { createActivities } from '../../../temporal/activities';
import { relayPendingEvents } from '../../../temporal/relay/relay';
import { runWorkflowId } from '../../../temporal/api/ids';
import { callerFor, insertUser, insertWorkspace } from '../../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../../tests/support/flows';
import { createTestWorkflowEnvironment, temporalAddress, uniqueTaskQueue } from '../../../tests/support/temporal';

let database: TestDatabase;
let handle: DbHandle;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
const taskQueue = uniqueTaskQueue('runs-router');
let viewer: { id: string; email: string; name: string };
let outsider: { id: string; email: string; name: string };
let acme: string;
let globex: string;
let flowA: { flowId: string; versionId: string };
let flowB: { flowId: string; versionId: string };
let globexFlow: { flowId: string; versionId: string };

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

async function publishedFlow(workspaceId: string, userId: string) {
  const { flowId } = await createPublishedFlow(handle.db, { workspaceId, userId }, contactIntakeFlow());
  const [flow] = await handle.db.select().from(flows).where(eq(flows.id, flowId));
  return { flowId, versionId: flow!.activeVersionId! };
}

function seedRun(
  workspaceId: string,
  flow: { flowId: string; versionId: string },
  over: Partial<typeof runs.$inferInsert> & { createdAt: Date },
): typeof runs.$inferInsert {
  const id = randomUUID();
  return { id, workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, version: 1, trigger: 'webhook', workflowId: runWorkflowId(id), ...over };
}

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 8 });
  env = await createTestWorkflowEnvironment();
  bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../../temporal/workflows/index.ts', import.meta.url)), logger: quietLogger });
  // The router uses the web app's Temporal client, configured from the environment.
  process.env.TEMPORAL_ADDRESS = temporalAddress();
  process.env.TEMPORAL_NAMESPACE = 'default';
  process.env.SYNCLINE_TASK_QUEUE = taskQueue;
  const admin = await insertUser(handle.db, 'Ada');
  viewer = await insertUser(handle.db, 'Vic');
  outsider = await insertUser(handle.db, 'Gus');
  acme = await insertWorkspace(handle.db, 'Acme', [
    { userId: admin.id, role: 'admin' },
    { userId: viewer.id, role: 'viewer' },
  ]);
  globex = await insertWorkspace(handle.db, 'Globex', [{ userId: outsider.id, role: 'admin' }]);
  flowA = await publishedFlow(acme, admin.id);
  flowB = await publishedFlow(acme, admin.id);
  globexFlow = await publishedFlow(globex, outsider.id);

  // 130 runs in acme: every 7th failed, flow B for every 3rd, groups of 3 sharing one timestamp
  // (with microseconds) so the id tie-break of the cursor is exercised.
  const base = Date.parse('2026-01-01T00:00:00Z');
  const statuses: RunStatus[] = ['succeeded', 'succeeded', 'skipped'];
  const rows = Array.from({ length: 130 }, (_, i) =>
    seedRun(acme, i % 3 === 0 ? flowB : flowA, {
      createdAt: new Date(base + Math.floor(i / 3) * 60_000),
      status: i % 7 === 0 ? 'failed' : statuses[i % 3]!,
      version: 1,
      trigger: i % 5 === 0 ? 'schedule' : 'webhook',
      orderingKey: `contact-${i}`,
      error: i % 7 === 0 ? { message: i === 14 ? 'HubSpot said 429 Too Many Requests' : 'email is missing', category: 'user', nodeId: 'save' } : null,
    }),
  );
  await handle.db.insert(runs).values(rows);
  await handle.db.insert(runs).values(seedRun(globex, globexFlow, { createdAt: new Date(base), status: 'failed', error: { message: 'email is missing', category: 'user' } }));
}, 120_000);

afterAll(async () => {
  delete process.env.SYNCLINE_TASK_QUEUE;
  await env?.teardown();
  await handle?.close();
  await database?.drop();
});

async function allPages(filter: Parameters<ReturnType<typeof callerFor>['runs']['list']>[0] = {}) {
  const caller = callerFor(handle.db, viewer, acme);
  const seen: Awaited<ReturnType<typeof caller.runs.list>>['runs'] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await caller.runs.list({ ...filter, cursor });
    pages += 1;
    seen.push(...page.runs);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { seen, pages };
}

describe('runs.list', () => {
  it('pages through every run of the workspace, newest first, 50 at a time, without gaps or repeats', async () => {
    const first = await callerFor(handle.db, viewer, acme).runs.list({});
    expect(first.runs).toHaveLength(50);
    expect(first.runs[0]?.flowName).toMatch(/^Test flow/);
    const { seen, pages } = await allPages();
    expect(pages).toBe(3);
    expect(seen).toHaveLength(130);
    expect(new Set(seen.map((r) => r.id)).size).toBe(130);
    const expected = (await handle.db.select().from(runs).where(eq(runs.workspaceId, acme)))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((r) => r.id);
    expect(seen.map((r) => r.id)).toEqual(expected);
  });

  it('keeps microsecond timestamps apart in the cursor', async () => {
    const t = '2026-02-01 10:00:00.123456+00';
    const ids = [randomUUID(), randomUUID()];
    for (const [i, id] of ids.entries()) {
      await handle.db.insert(runs).values({ ...seedRun(acme, flowA, { createdAt: new Date(0) }), id, trigger: 'micro' });
      await handle.db.execute(`update runs set created_at = '${t}'::timestamptz + interval '${i} microsecond' where id = '${id}'`);
    }
    const { seen } = await allPages({ trigger: 'micro' });
    expect(seen.map((r) => r.id)).toEqual([ids[1], ids[0]]);
    // One per page: the cursor must carry the microseconds or the second row is lost (or repeated).
    const one = await listRuns(handle.db, acme, { trigger: 'micro', limit: 1 });
    const two = await listRuns(handle.db, acme, { trigger: 'micro', limit: 1, cursor: one.nextCursor! });
    expect([...one.runs, ...two.runs].map((r) => r.id)).toEqual([ids[1], ids[0]]);
    await handle.db.delete(runs).where(eq(runs.trigger, 'micro'));
  });

  it('filters by flow, status, trigger, version, date range and text in the error or ordering key', async () => {
    const byFlow = await allPages({ flowId: flowB.flowId });
    expect(byFlow.seen.length).toBe(44);
    expect(byFlow.seen.every((r) => r.flowId === flowB.flowId)).toBe(true);

    const failed = await allPages({ status: ['failed'] });
    expect(failed.seen.length).toBe(19);
    expect(failed.seen.every((r) => r.status === 'failed')).toBe(true);

    const scheduled = await allPages({ trigger: 'schedule', status: ['failed', 'succeeded'] });
    expect(scheduled.seen.every((r) => r.trigger === 'schedule' && ['failed', 'succeeded'].includes(r.status))).toBe(true);
    expect(scheduled.seen.length).toBeGreaterThan(0);

    expect((await allPages({ version: 2 })).seen).toHaveLength(0);
    expect((await allPages({ version: 1 })).seen).toHaveLength(130);

    const range = await allPages({ from: new Date('2026-01-01T00:10:00Z'), to: new Date('2026-01-01T00:20:00Z') });
    expect(range.seen).toHaveLength(30);

    const search = await allPages({ q: '429' });
    expect(search.seen.map((r) => r.orderingKey)).toEqual(['contact-14']);
    const byKey = await allPages({ q: 'CONTACT-12' });
    expect(byKey.seen.map((r) => r.orderingKey).sort()).toEqual(['contact-12', 'contact-120', 'contact-121', 'contact-122', 'contact-123', 'contact-124', 'contact-125', 'contact-126', 'contact-127', 'contact-128', 'contact-129']);
    expect((await allPages({ q: '100%' })).seen).toHaveLength(0);
  });

  it("never shows or opens another workspace's runs", async () => {
    const globexRuns = await callerFor(handle.db, outsider, globex).runs.list({});
    expect(globexRuns.runs).toHaveLength(1);
    const acmeFiltered = await allPages({ flowId: globexFlow.flowId });
    expect(acmeFiltered.seen).toHaveLength(0);
    await expect(callerFor(handle.db, viewer, acme).runs.get({ runId: globexRuns.runs[0]!.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(callerFor(handle.db, viewer, acme).runs.retry({ runId: globexRuns.runs[0]!.id, from: 'start', onVersion: 'original' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(callerFor(handle.db, outsider, acme).runs.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a forged cursor', async () => {
    await expect(callerFor(handle.db, viewer, acme).runs.list({ cursor: 'bm9wZQ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('runs.get, retry and cancel', () => {
  it('shows a run with its version graph and a Temporal UI link when configured', async () => {
    const [failed] = await handle.db.select().from(runs).where(and(eq(runs.workspaceId, acme), eq(runs.status, 'failed'))).limit(1);
    process.env.TEMPORAL_UI_URL = 'http://localhost:8233/';
    try {
      const detail = await callerFor(handle.db, viewer, acme).runs.get({ runId: failed!.id });
      expect(detail.graph.nodes.map((n) => n.id)).toContain('save');
      expect(detail.temporalUrl).toBe(`http://localhost:8233/namespaces/default/workflows/run-${failed!.id}`);
      expect(detail.latestVersion).toBe(1);
    } finally {
      delete process.env.TEMPORAL_UI_URL;
    }
    expect((await callerFor(handle.db, viewer, acme).runs.get({ runId: failed!.id })).temporalUrl).toBeNull();
  });

  it('retries a failed run as a new run that succeeds on a real worker, with an edited payload, and audits it', async () => {
    const failed = seedRun(acme, flowA, {
      createdAt: new Date(),
      status: 'failed',
      triggerPayload: { id: 'r1', email: 'R1@Example.com' },
      error: { message: 'CRM unavailable', category: 'transient', nodeId: 'save' },
      finishedAt: new Date(),
    });
    await handle.db.insert(runs).values(failed);
    const caller = callerFor(handle.db, viewer, acme);
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: createActivities({ db: handle.db }) });
    const [same, edited] = await worker.runUntil(async () => {
      const a = await caller.runs.retry({ runId: failed.id!, from: 'start', onVersion: 'original' });
      const b = await caller.runs.retry({ runId: failed.id!, from: 'start', onVersion: 'latest', payload: [{ id: 'r2', email: 'r2@example.com' }, { id: 'r3', email: '' }] });
      // Retries are queued through the inbox; the relay starts them (both: the seeded run has no ordering key).
      expect(await relayPendingEvents(handle.db, env.client)).toEqual({ started: 2, failed: 0 });
      await Promise.all([a, b].map((r) => env.client.workflow.getHandle(runWorkflowId(r.runId)).result()));
      return [a, b];
    });
    expect(same.runId).not.toBe(failed.id);
    const [first] = await handle.db.select().from(runs).where(eq(runs.id, same.runId));
    expect(first).toMatchObject({ status: 'succeeded', retryOf: failed.id, flowId: flowA.flowId, version: 1, itemsIn: 1, triggerPayload: { id: 'r1', email: 'R1@Example.com' } });
    const [second] = await handle.db.select().from(runs).where(eq(runs.id, edited.runId));
    expect(second).toMatchObject({ status: 'succeeded', retryOf: failed.id, itemsIn: 2 });

    const detail = await caller.runs.get({ runId: same.runId });
    expect(detail.steps.find((s) => s.nodeId === 'save')?.status).toBe('succeeded');
    expect((await caller.runs.get({ runId: failed.id! })).retries.map((r) => r.id).sort()).toEqual([same.runId, edited.runId].sort());
    const audits = await handle.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, acme), eq(auditLog.action, 'run.retry')));
    expect(audits).toHaveLength(2);
    expect(audits.every((a) => a.actorUserId === viewer.id && a.targetId === failed.id)).toBe(true);
  }, 60_000);

  it('cancels a queued run in Temporal and marks it cancelled; refuses to cancel a finished run', async () => {
    const done = seedRun(acme, flowA, { createdAt: new Date(), status: 'failed', triggerPayload: { id: 'c9', email: 'c9@example.com' }, finishedAt: new Date() });
    await handle.db.insert(runs).values(done);
    const caller = callerFor(handle.db, viewer, acme);
    // Relayed, but no worker polls: the retried run stays queued in Temporal until it is cancelled.
    const { runId } = await caller.runs.retry({ runId: done.id!, from: 'start', onVersion: 'original' });
    await relayPendingEvents(handle.db, env.client);
    const result = await caller.runs.cancel({ runId });
    expect(result).toEqual({ runId, status: 'cancelled' });
    const description = await env.client.workflow.getHandle(runWorkflowId(runId)).describe();
    const history = await env.client.workflow.getHandle(runWorkflowId(runId)).fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionCancelRequestedEventAttributes)).toBe(true);
    expect(['RUNNING', 'CANCELLED']).toContain(description.status.name);
    await env.client.workflow.getHandle(runWorkflowId(runId)).terminate('test clean-up');
    await expect(caller.runs.cancel({ runId: done.id! })).rejects.toMatchObject({ code: 'CONFLICT' });
    const audits = await handle.db.select().from(auditLog).where(and(eq(auditLog.action, 'run.cancel'), eq(auditLog.targetId, runId)));
    expect(audits).toHaveLength(1);

    // A queued run whose workflow never started is still marked cancelled.
    const orphan = seedRun(acme, flowA, { createdAt: new Date(), status: 'queued' });
    await handle.db.insert(runs).values(orphan);
    expect(await caller.runs.cancel({ runId: orphan.id! })).toEqual({ runId: orphan.id, status: 'cancelled' });
  }, 60_000);
});
