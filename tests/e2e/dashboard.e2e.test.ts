import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { flows, runs, users, workspaces } from '../../db/schema';
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
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await handle?.close();
  await database?.drop();
});

/** A flow that synced fine for a while, then failed: succeeded runs over the last hours, the newest run failed. */
async function seedHistory(workspaceId: string, userId: string) {
  const { flowId } = await createPublishedFlow(handle.db, { workspaceId, userId }, contactIntakeFlow());
  await handle.db.update(flows).set({ name: 'Contacts to CRM', status: 'active' }).where(eq(flows.id, flowId));
  const [flow] = await handle.db.select().from(flows).where(eq(flows.id, flowId));
  const base = { workspaceId, flowId, flowVersionId: flow!.activeVersionId!, version: 1, trigger: 'webhook' };
  const now = Date.now();
  const succeeded = Array.from({ length: 12 }, (_, i) => {
    const id = randomUUID();
    const createdAt = new Date(now - (i + 1) * 45 * 60_000);
    return { ...base, id, workflowId: runWorkflowId(id), status: 'succeeded' as const, itemsIn: 1, itemsOut: 1, createdAt, startedAt: createdAt, finishedAt: new Date(createdAt.getTime() + 800 + i * 100) };
  });
  const failedAt = new Date(now - 2 * 60_000);
  await handle.db.insert(runs).values([
    ...succeeded,
    {
      ...base,
      id: failedRunId,
      workflowId: runWorkflowId(failedRunId),
      status: 'failed',
      orderingKey: 'contact:c-42',
      itemsIn: 1,
      error: { message: 'CRM answered 503 Service Unavailable', category: 'transient', nodeId: 'lookup' },
      createdAt: failedAt,
      startedAt: failedAt,
      finishedAt: new Date(failedAt.getTime() + 4200),
    },
  ]);
}

describe('dashboard', () => {
  it('shows the failing flow first, with its failure one click from the run', async () => {
    await signUpAdmin(page, app.url, { name: 'Olga Ops', email: 'olga@example.com', workspace: 'Ops Dashboard Co' }, { from: 'sign-up' });
    const [user] = await handle.db.select().from(users).where(eq(users.email, 'olga@example.com'));
    const [workspace] = await handle.db.select().from(workspaces).where(eq(workspaces.name, 'Ops Dashboard Co'));
    await seedHistory(workspace!.id, user!.id);

    // Dashboard is the first entry of the navigation.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link').first().textContent()).resolves.toBe('Dashboard');
    await nav.getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL(`${app.url}/dashboard`);
    const flow = page.locator('[data-testid="dashboard-flow"]').first();
    await flow.waitFor();
    await expect(flow.textContent()).resolves.toContain('Contacts to CRM');
    await expect(flow.textContent()).resolves.toContain('Failing');
    await expect(flow.textContent()).resolves.toMatch(/last synced \d+ (min|h) ago/);
    await page.getByTestId('runs-per-hour-chart').locator('.recharts-bar-rectangle').first().waitFor();
    await page.screenshot({ path: screenshotPath('dashboard-01'), fullPage: true });

    // Click 1 (from the dashboard): the failure → its run.
    await flow.getByTestId('dashboard-failure').first().click();
    await page.waitForURL(`${app.url}/runs/${failedRunId}`);
    await page.getByTestId('run-error').waitFor();
    await expect(page.getByTestId('run-error').textContent()).resolves.toContain('CRM answered 503');
  });

  it('reaches the failed run in two clicks through the failed count and the filtered list', async () => {
    await page.goto(`${app.url}/dashboard`);
    const failedStat = page.getByRole('link', { name: /Failed, last 24 h/ });
    await failedStat.waitFor();
    await expect(failedStat.getByTestId('stat-failed').textContent()).resolves.toBe('1');
    await expect(failedStat.textContent()).resolves.toContain('7.7% failure rate'); // 1 of 13
    await failedStat.click();
    await page.waitForURL(/\/runs\?status=failed$/);
    await expect(page.getByRole('button', { name: 'failed', exact: true }).getAttribute('aria-pressed')).resolves.toBe('true');
    const rows = page.getByTestId('run-row');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(1);
    await rows.first().getByRole('link', { name: 'Contacts to CRM' }).click();
    await page.waitForURL(`${app.url}/runs/${failedRunId}`);
    await page.getByTestId('run-error').waitFor();
  });
});
