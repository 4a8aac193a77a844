/**
 * Runs that explain themselves and failed events that recover (issue 16, items 1–3), through the tRPC
 * routers, a real worker on the Temporal dev server, real PostgreSQL and a real HTTP target:
 * - every finished run stores an outcome (written, filtered out, skipped as an echo, failed) and the
 *   run list filters by it;
 * - a step whose attempt failed shows at once, while the run waits: attempt N of M, the last error and
 *   when the next attempt is due; "retry now" retries it from that step without waiting;
 * - a flow fixed and published as a new version recovers the runs that failed at a step, one by one
 *   from the run page or in bulk by step, date and version, on the latest version.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, runs, runSteps } from '../../../db/schema';
import type { FlowInput, RetryPolicy } from '../../../flows-engine/index';
import { callerFor } from '../../../tests/support/app-context';
import { createPublishedFlow, customerNotifyFlow, publishNewVersion } from '../../../tests/support/flows';
import { eventually } from '../../../tests/support/processes';
import { startRunHarness, type RunHarness } from '../../../tests/support/run-harness';
import { startTargetApi, type TargetApi } from '../../../tests/support/target-api';
import { relayPendingEvents } from '../../../temporal/relay/relay';

process.env.SYNCLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');

let h: RunHarness;
let target: TargetApi;

beforeAll(async () => {
  target = await startTargetApi();
  h = await startRunHarness({ prefix: 'run-recovery', targetUrl: target.url });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  target?.close();
});

const actor = () => ({ workspaceId: h.workspaceId, userId: h.user.id });
const caller = () => callerFor(h.handle.db, h.user, h.workspaceId);
const deliver = (token: string, body: unknown) => h.deliver(token, body);
const finished = (runId: string) => h.finished(runId);
/** The sync flow of these tests, on the workspace's test connection. */
const customerSyncFlow = (notifyPath: string, retry?: RetryPolicy) => customerNotifyFlow(h.connectionId, notifyPath, retry);
/** Publishes `graph` as the flow's next version (the fix). */
const publishFix = (flowId: string, graph: Omit<FlowInput, 'id' | 'name'>) => publishNewVersion(h.handle.db, actor(), flowId, graph);

describe('run outcomes', () => {
  it('stores what each run did to its record (written, filtered out, echo, failed) and filters the list by it', async () => {
    const { flowId, token } = await createPublishedFlow(h.handle.db, actor(), customerSyncFlow('/notify'));
    const written = await deliver(token, { id: 'o1', status: 'customer', modifiedBy: 'ann' });
    const filtered = await deliver(token, { id: 'o2', status: 'lead', modifiedBy: 'ann' });
    const echo = await deliver(token, { id: 'o3', status: 'customer', modifiedBy: 'svc-sync' });
    // Three of them "succeeded"; their outcomes tell them apart.
    expect(await finished(written)).toMatchObject({ status: 'succeeded', outcome: 'written' });
    expect(await finished(filtered)).toMatchObject({ status: 'succeeded', outcome: 'filtered' });
    expect(await finished(echo)).toMatchObject({ status: 'succeeded', outcome: 'echo' });
    target.failing = true;
    const failed = await deliver(token, { id: 'o4', status: 'customer', modifiedBy: 'ann' });
    expect(await finished(failed)).toMatchObject({ status: 'failed', outcome: 'failed' });
    target.failing = false;

    const list = await caller().runs.list({ flowId, outcome: ['filtered', 'echo'] });
    expect(list.runs.map((r) => [r.id, r.outcome]).sort()).toEqual([[echo, 'echo'], [filtered, 'filtered']].sort());
    expect((await caller().runs.list({ flowId, outcome: ['written'] })).runs.map((r) => r.id)).toEqual([written]);
  }, 120_000);
});

describe('runs in flight', () => {
  it('shows a retrying step at once (attempt N of M, last error, next attempt), and "retry now" retries it from that step', async () => {
    const slow = { maximumAttempts: 5, initialIntervalMs: 90_000, backoffCoefficient: 2, maximumIntervalMs: 600_000 };
    const { token } = await createPublishedFlow(h.handle.db, actor(), customerSyncFlow('/notify', slow));
    target.failing = true;
    const runId = await deliver(token, { id: 'l1', status: 'customer', modifiedBy: 'ann' });
    const step = await eventually(async () => {
      await relayPendingEvents(h.handle.db, h.env.client);
      const [row] = await h.handle.db.select().from(runSteps).where(and(eq(runSteps.runId, runId), eq(runSteps.nodeId, 'notify')));
      return row;
    }, 'the failing step to show');
    expect(step).toMatchObject({ status: 'running', attempts: 1, maxAttempts: 5, error: { category: 'transient', nodeId: 'notify', message: expect.stringMatching(/503/) } });
    // Due one initial interval after the failed attempt.
    const wait = step.nextAttemptAt!.getTime() - step.startedAt!.getTime();
    expect(wait).toBeGreaterThanOrEqual(90_000);
    expect(wait).toBeLessThan(100_000);
    const detail = await caller().runs.get({ runId });
    expect(detail.run.status).toBe('running');
    expect(detail.steps.map((s) => [s.nodeId, s.status])).toEqual([['notify', 'running']]);

    target.failing = false;
    const retry = await caller().runs.retryNow({ runId });
    const done = await finished(retry.runId);
    expect(done).toMatchObject({ status: 'succeeded', outcome: 'written', retryOf: runId });
    // Done long before the 90 s backoff would have let the old run try again.
    expect(done.finishedAt!.getTime() - step.nextAttemptAt!.getTime()).toBeLessThan(0);
    expect(await finished(runId)).toMatchObject({ status: 'failed', outcome: 'failed', error: { nodeId: 'notify' } });
    const steps = await h.handle.db.select().from(runSteps).where(eq(runSteps.runId, retry.runId));
    // The mapping written by the stopped run is reused, not written again; the notify call keeps the chain's key.
    expect(Object.fromEntries(steps.map((s) => [s.nodeId, s.attempts]))).toMatchObject({ save: 0, notify: 1 });
    expect(target.applied.filter((k) => k.startsWith(runId))).toEqual([`${runId}:notify:0`]);
    const [audit] = await h.handle.db.select().from(auditLog).where(and(eq(auditLog.action, 'run.retry-now'), eq(auditLog.targetId, runId)));
    expect(audit?.details).toMatchObject({ newRunId: retry.runId, nodeId: 'notify', attempts: 1 });
    await expect(caller().runs.retryNow({ runId })).rejects.toMatchObject({ code: 'CONFLICT' });
  }, 120_000);
});

describe('recovering failed events after a fix', () => {
  it('retries a failed run on the flow’s latest version after a fix', async () => {
    const { flowId, token } = await createPublishedFlow(h.handle.db, actor(), customerSyncFlow('/broken'));
    const runId = await deliver(token, { id: 'f1', status: 'customer', modifiedBy: 'ann' });
    expect(await finished(runId)).toMatchObject({ status: 'failed', version: 1, error: { nodeId: 'notify', category: 'user' } });
    await publishFix(flowId, customerSyncFlow('/notify'));
    expect((await caller().runs.get({ runId })).latestVersion).toBe(2);
    const retry = await caller().runs.retry({ runId, from: 'start', onVersion: 'latest' });
    expect(retry.version).toBe(2);
    expect(await finished(retry.runId)).toMatchObject({ status: 'succeeded', version: 2, outcome: 'written' });
  }, 120_000);

  it('retries in bulk every run that failed at a step since a date, on the latest version', async () => {
    const { flowId, token } = await createPublishedFlow(h.handle.db, actor(), customerSyncFlow('/broken'));
    const since = new Date(Date.now() - 1000);
    const failedIds = [];
    for (const id of ['g1', 'g2', 'g3']) failedIds.push(await deliver(token, { id, status: 'customer', modifiedBy: 'ann' }));
    for (const id of failedIds) expect(await finished(id)).toMatchObject({ status: 'failed', error: { nodeId: 'notify' } });
    await publishFix(flowId, customerSyncFlow('/notify'));
    const options = await caller().runs.filterOptions({ flowId });
    expect(options.steps).toContainEqual({ id: 'notify', label: 'Notify the CRM' });

    const filter = { flowId, failedStep: 'notify', from: since, version: 1 };
    expect(await caller().runs.bulkRetryCount(filter)).toMatchObject({ count: 3 });
    expect(await caller().runs.bulkRetryCount({ ...filter, failedStep: 'save' })).toMatchObject({ count: 0 });
    expect(await caller().runs.bulkRetryCount({ ...filter, from: new Date(Date.now() + 60_000) })).toMatchObject({ count: 0 });
    const result = await caller().runs.bulkRetry({ filter, confirmedCount: 3, onVersion: 'latest' });
    expect(result.retried).toBe(3);
    for (const id of result.runIds) expect(await finished(id)).toMatchObject({ status: 'succeeded', version: 2, outcome: 'written' });
    const retried = await h.handle.db.select().from(runs).where(inArray(runs.id, result.runIds));
    expect(retried.map((r) => r.retryOf).sort()).toEqual([...failedIds].sort());
    const [audit] = await h.handle.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, h.workspaceId), eq(auditLog.action, 'run.bulk-retry')));
    expect(audit?.details).toMatchObject({ onVersion: 'latest', count: 3, filter: { failedStep: 'notify' } });
  }, 120_000);
});
