/**
 * The poll trigger's cursor in the editor's side panel: an admin sees where polling stands and
 * re-syncs from a date, which moves the stored cursor back.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../support/app-server';
import { launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpAdmin } from '../support/sign-up';

let database: TestDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;
let sql: postgres.Sql;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startApp({ databaseUrl: database.url });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  sql = postgres(database.url, { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await sql?.end();
  await browser?.close();
  await app?.stop();
  await database?.drop();
});

const lit = (value: string | number) => ({ kind: 'literal', value });

/** A published (not yet active) flow that polls the demo CRM's contacts, with its cursor at `modifiedAt`. */
async function insertPollingFlow(modifiedAt: string): Promise<string> {
  const [workspace] = await sql<{ id: string }[]>`select id from workspaces limit 1`;
  const [connection] = await sql<{ id: string }[]>`
    insert into connections (workspace_id, name, kind) values (${workspace!.id}, 'Demo CRM', 'demo-crm') returning id`;
  const flowId = randomUUID();
  const graph = {
    schemaVersion: 1,
    nodes: [
      {
        id: 'poll', type: 'core.poll-trigger', typeVersion: 1, label: 'Contacts changed',
        config: { connectionId: lit(connection!.id), objectType: lit('contacts'), pageSize: lit(100), intervalSeconds: lit(60) },
      },
    ],
    edges: [],
    layout: { poll: { x: 120, y: 120 } },
  };
  await sql`insert into flows (id, workspace_id, name, draft, webhook_token) values (${flowId}, ${workspace!.id}, 'Contacts from the CRM', ${sql.json({ ...graph, id: flowId, name: 'Contacts from the CRM' })}, ${randomUUID()})`;
  await sql`insert into flow_versions (workspace_id, flow_id, version, graph) values (${workspace!.id}, ${flowId}, 1, ${sql.json(graph)})`;
  await sql`insert into poll_cursors (workspace_id, flow_id, node_id, modified_at, ids_at_modified_at) values (${workspace!.id}, ${flowId}, 'poll', ${modifiedAt}::timestamptz, ${['c1', 'c2']})`;
  return flowId;
}

describe('poll cursor', () => {
  it('shows the cursor of a poll trigger and lets an admin re-sync from a date', async () => {
    await signUpAdmin(page, app.url, { name: 'Ada Admin', email: 'ada@example.com', workspace: 'Acme' });

    const flowId = await insertPollingFlow('2025-03-01T10:00:00.123456Z');
    await page.goto(`${app.url}/flows/${flowId}`);
    await page.locator('[data-node-label="Contacts changed"]').click();
    const card = page.getByRole('region', { name: 'Poll cursor' });
    await expect.poll(() => card.getByTestId('poll-cursor-position').textContent()).toMatch(/Mar 1, 2025.*\(\+0\.123/);
    await expect(card.getByText('Records seen at that instant').isVisible()).resolves.toBe(true);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('poll-cursor-01-panel') });

    await card.getByLabel('Re-sync since').fill('2025-01-15T08:30');
    await card.getByRole('button', { name: 'Re-sync from this date' }).click();
    // The app's own dialog says what happens; Cancel has the focus, so Enter or Escape never re-syncs by accident.
    const confirm = page.getByRole('dialog', { name: 'Re-sync from this date?' });
    await expect(confirm.textContent()).resolves.toMatch(/reads again every record modified since/);
    await expect(confirm.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    await card.getByRole('button', { name: 'Re-sync from this date' }).click();
    await page.screenshot({ path: screenshotPath('poll-cursor-01b-confirm') });
    await confirm.getByRole('button', { name: 'Re-sync from this date' }).click();
    await page.getByText('Cursor moved back').waitFor();
    const [cursor] = await sql<{ modified_at: Date; ids: string[] }[]>`select modified_at, ids_at_modified_at as ids from poll_cursors where flow_id = ${flowId}`;
    const expected = await page.evaluate(() => new Date('2025-01-15T08:30').toISOString());
    expect(cursor?.modified_at.toISOString()).toBe(expected);
    expect(cursor?.ids).toEqual([]);
    await expect.poll(() => card.getByTestId('poll-cursor-position').textContent()).toMatch(/Jan 15, 2025/);
    await page.screenshot({ path: screenshotPath('poll-cursor-02-resynced') });
    const [audit] = await sql<{ action: string }[]>`select action from audit_log where target_id = ${flowId} order by at desc limit 1`;
    expect(audit?.action).toBe('flow.poll-cursor-reset');
  }, 120_000);
});
