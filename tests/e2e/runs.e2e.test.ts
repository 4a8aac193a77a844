import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { flows, itemBatches, recordLineage, runs, runSteps, users, workspaces } from '../../db/schema';
import { runWorkflowId } from '../../temporal/api/ids';
import { startApp, type RunningApp } from '../support/app-server';
import { launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { contactIntakeFlow, createPublishedFlow } from '../support/flows';
import { signUpAdmin } from '../support/sign-up';

let database: TestDatabase;
let handle: DbHandle;
let app: RunningApp;
let browser: Browser;
let page: Page;
const failedRunId = randomUUID();

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  app = await startApp({ databaseUrl: database.url });
  // The test connection is created here and read by the app's worker: same key.
  process.env.SYNCLINE_ENCRYPTION_KEY = app.env.SYNCLINE_ENCRYPTION_KEY;
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await handle?.close();
  await database?.drop();
});

/**
 * A failed run as the worker records one: the lookup step succeeded (its output stored for a retry
 * from the failed step), the save step gave up after 3 attempts.
 */
async function seedFailedRun(workspaceId: string, userId: string) {
  const { flowId } = await createPublishedFlow(handle.db, { workspaceId, userId }, contactIntakeFlow());
  await handle.db.update(flows).set({ name: 'Contacts to CRM' }).where(eq(flows.id, flowId));
  const [flow] = await handle.db.select().from(flows).where(eq(flows.id, flowId));
  const payload = { id: 'c-42', email: 'Grace@Example.com', modifiedBy: 'grace' };
  const t = Date.now() - 60_000;
  const at = (ms: number) => new Date(t + ms);
  await handle.db.insert(runs).values({
    id: failedRunId,
    workspaceId,
    flowId,
    flowVersionId: flow!.activeVersionId!,
    version: 1,
    status: 'failed',
    trigger: 'webhook',
    orderingKey: 'contact:c-42',
    workflowId: runWorkflowId(failedRunId),
    itemsIn: 1,
    error: { message: 'CRM answered 503 Service Unavailable', category: 'transient', nodeId: 'save' },
    triggerPayload: payload,
    createdAt: at(0),
    startedAt: at(10),
    finishedAt: at(4200),
  });
  const item = { json: { id: 'c-42', email: 'grace@example.com', recordKey: 'rk-c-42' } };
  const step = (nodeId: string, nodeType: string, start: number, end: number, over: Partial<typeof runSteps.$inferInsert> = {}) => ({
    runId: failedRunId,
    runCreatedAt: at(0),
    nodeId,
    nodeType,
    status: 'succeeded' as const,
    itemsIn: 1,
    itemsOut: { main: 1 },
    input: { items: [item], total: 1 },
    output: { main: { items: [item], total: 1 } },
    startedAt: at(start),
    finishedAt: at(end),
    ...over,
  });
  await handle.db.insert(runSteps).values([
    step('hook', 'core.webhook-trigger', 10, 20, { itemsIn: 0, input: null, output: { main: { items: [{ json: payload }], total: 1 } } }),
    step('filter', 'core.filter', 20, 35, { itemsOut: { kept: 1, dropped: 0 }, output: { kept: { items: [item], total: 1 }, dropped: { items: [], total: 0 } } }),
    step('transform', 'core.transform', 35, 60),
    step('guard', 'core.continue-if', 60, 80),
    step('lookup', 'sync.lookup-external-id', 80, 140, { itemsOut: { found: 0, notFound: 1 }, output: { notFound: { items: [item], total: 1 } } }),
    step('save', 'sync.save-external-id', 140, 4150, {
      status: 'failed',
      attempts: 3,
      itemsOut: {},
      output: null,
      error: { message: 'CRM answered 503 Service Unavailable', category: 'transient', nodeId: 'save' },
    }),
  ]);
  await handle.db.insert(itemBatches).values({
    workspaceId,
    runId: failedRunId,
    kind: 'node-output',
    nodeId: 'lookup',
    data: { found: [], notFound: [item] },
    bytes: 100,
    expiresAt: new Date(Date.now() + 86_400_000),
  });
}

describe('run history', () => {
  it('signs up, then finds the failed run in /runs', async () => {
    await signUpAdmin(page, app.url, { name: 'Vera Ops', email: 'vera@example.com', workspace: 'Ops Co' }, { from: 'sign-up' });
    const [user] = await handle.db.select().from(users).where(eq(users.email, 'vera@example.com'));
    const [workspace] = await handle.db.select().from(workspaces).where(eq(workspaces.name, 'Ops Co'));
    await seedFailedRun(workspace!.id, user!.id);

    await page.goto(`${app.url}/runs`);
    const row = page.locator(`[data-testid="run-row"][data-run-id="${failedRunId}"]`);
    await row.waitFor();
    await expect(row.getByTestId('run-status').getAttribute('data-status')).resolves.toBe('failed');
    await expect(row.textContent()).resolves.toContain('CRM answered 503');
    await expect(row.textContent()).resolves.toContain('contact:c-42');
    await page.screenshot({ path: screenshotPath('runs-01-list') });

    // Bulk retry: the count of failed runs matching the filters, confirmed in a dialog (kept as is here).
    await page.getByTestId('bulk-retry').click();
    const bulk = page.getByRole('dialog', { name: 'Retry 1 failed run?' });
    await bulk.waitFor();
    await page.screenshot({ path: screenshotPath('runs-01b-bulk-retry-dialog') });
    await bulk.getByRole('button', { name: 'Keep as is' }).click();

    // Status chip filter, kept in the URL.
    await page.getByRole('button', { name: 'succeeded', exact: true }).click();
    await page.waitForURL(/status=succeeded/);
    await page.getByText('No run matches these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row.waitFor();
  });

  it('shows the failing node, its error and the data that caused it', async () => {
    await page.locator(`[data-testid="run-row"][data-run-id="${failedRunId}"]`).getByRole('link', { name: 'Contacts to CRM' }).click();
    await page.waitForURL(`${app.url}/runs/${failedRunId}`);
    const error = page.getByTestId('run-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/transient error at “Remember contact”.*CRM answered 503/);
    const failedNode = page.locator('[data-testid="run-node"][data-node-label="Remember contact"]');
    await expect(failedNode.getAttribute('data-status')).resolves.toBe('failed');
    await expect(page.locator('[data-testid="run-node"][data-node-label="Known contact?"]').getAttribute('data-status')).resolves.toBe('succeeded');
    await expect(page.locator('[data-testid="run-node"][data-node-label="Has an email"]').textContent()).resolves.toContain('1 in → 1 kept · 0 dropped');
    const panel = page.getByTestId('step-panel');
    await expect(panel.textContent()).resolves.toContain('3 attempts');
    await expect(panel.textContent()).resolves.toContain('grace@example.com');
    await page.screenshot({ path: screenshotPath('runs-02-detail-failed'), fullPage: true });
  });

  it('retries the run from the failed step: the earlier lookup is reused, the save runs; the timeline shows every step', async () => {
    await page.getByRole('button', { name: 'Retry' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retry this run' });
    await dialog.waitFor();
    await expect(dialog.getByRole('radio', { name: /The failed step/ }).isChecked()).resolves.toBe(true);
    await expect(dialog.textContent()).resolves.toContain('“Remember contact”');
    await page.screenshot({ path: screenshotPath('runs-03-retry-dialog') });
    await dialog.getByRole('button', { name: 'Start retry' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/runs/') && !url.pathname.endsWith(failedRunId));
    const newRunId = page.url().split('/').pop()!;
    await page.locator('h1 [data-testid="run-status"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
    await expect(page.getByText('Retry of').isVisible()).resolves.toBe(true);
    const [retried] = await handle.db.select().from(runs).where(eq(runs.id, newRunId));
    expect(retried).toMatchObject({ retryOf: failedRunId, status: 'succeeded', itemsIn: 1 });
    await page.locator('[data-testid="run-node"][data-node-label="Remember contact"][data-status="succeeded"]').waitFor();
    // The lookup was not run again (its stored output was reused): it read nothing; the save wrote the mapping.
    const touched = await handle.db.select().from(recordLineage).where(eq(recordLineage.runId, newRunId));
    expect(touched.map((t) => [t.nodeId, t.access, t.externalId])).toEqual([['save', 'write', 'c-42']]);
    const timeline = page.getByTestId('step-timeline');
    await expect(timeline.locator('li').count()).resolves.toBe(6);
    await expect(timeline.textContent()).resolves.toMatch(/Known contact\?.*reused.*Remember contact.*\d+ ms.*1 attempt/);
    await page.screenshot({ path: screenshotPath('runs-04-retry-from-failed-step'), fullPage: true });

    await page.goto(`${app.url}/runs`);
    await page.locator(`[data-testid="run-row"][data-run-id="${newRunId}"]`).waitFor();
    await expect(page.getByTestId('run-row').count()).resolves.toBe(2);
    await page.screenshot({ path: screenshotPath('runs-05-list-after-retry') });

    // Record lineage: the contact's id finds the retry that wrote its mapping.
    await page.getByRole('link', { name: 'Record lineage' }).click();
    await page.getByLabel('Record id').fill('c-42');
    await page.getByRole('button', { name: 'Find runs' }).click();
    const entry = page.locator(`[data-testid="lineage-run"][data-run-id="${newRunId}"]`);
    await entry.waitFor();
    await expect(entry.textContent()).resolves.toContain('wrote contact c-42 at step save');
    await page.screenshot({ path: screenshotPath('runs-06-lineage') });
  });
});
