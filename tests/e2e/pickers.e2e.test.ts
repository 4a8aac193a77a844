/**
 * The schema-aware editor as an analyst uses it: a webhook flow into a PostgreSQL table, built without
 * typing one field name. "Capture a live sample" waits for the next delivery to the flow's URL (sent
 * here with fetch to the URL the panel shows); the Upsert's object comes from the connection's tables,
 * its target fields from that table's columns (with their types), its source fields from the captured
 * sample; "Match existing records by" and "Conflicts" are forms. A field name that is not a column is
 * flagged, not blocked. Published and activated, a delivery is written to the table with the picked fields.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../support/app-server';
import { canvasOf } from '../support/canvas';
import { launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpAdmin } from '../support/sign-up';

let database: TestDatabase;
let helpdesk: TestDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;
let webhookUrl = '';
let canvas: ReturnType<typeof canvasOf>;
const nodeCard = (label: string) => canvas.nodeCard(label);

beforeAll(async () => {
  database = await createTestDatabase();
  // The system the flow writes to: a PostgreSQL schema of its own with a contacts table.
  helpdesk = await createTestDatabase();
  const sql = postgres(helpdesk.url, { max: 1, onnotice: () => {} });
  await sql`create schema desk`;
  await sql`create table desk.contacts (id text primary key default gen_random_uuid()::text, email text not null unique, full_name text, phone text, crm_id text, updated_at timestamptz not null default now())`;
  await sql`create table desk.tickets (id serial primary key, subject text not null)`;
  await sql.end();
  app = await startApp({ databaseUrl: database.url });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  canvas = canvasOf(page);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await helpdesk?.drop();
  await database?.drop();
});

/** Opens a picker by clicking into its box and picks a choice from the list (no typing). */
async function pick(box: Locator, choice: RegExp) {
  await box.click();
  const option = page.getByRole('listbox', { name: 'Choices' }).getByRole('option', { name: choice });
  await option.click();
}

/** A tRPC mutation with the browser's session, as the app's own forms send it. */
async function trpcMutation(path: string, input: unknown): Promise<unknown> {
  return page.evaluate(
    async ([p, body]) => {
      const res = await fetch(`/api/trpc/${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: body }) });
      if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
      return res.json();
    },
    [path, input] as const,
  );
}

describe('the schema-aware editor', () => {
  it('signs up, has a PostgreSQL connection, and creates a flow', async () => {
    await signUpAdmin(page, app.url, { name: 'Pia Picker', email: 'pia@example.com', workspace: 'Acme' });
    // Connections have their own screens and tests; here the admin API the connection form uses.
    await trpcMutation('connections.create', { kind: 'postgres', name: 'Helpdesk DB', settings: { schema: 'desk' }, secret: helpdesk.url, allowPrivateNetwork: true });
    await page.getByRole('button', { name: 'New flow' }).first().click();
    const naming = page.getByRole('dialog', { name: 'New flow' });
    await naming.getByLabel('Flow name').fill('Contacts to helpdesk');
    await naming.getByRole('button', { name: 'Create flow' }).click();
    await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
    await canvas.dropStep('core.webhook-trigger', { x: 160, y: 80 });
    await nodeCard('Webhook').waitFor();
    await canvas.dropStep('sync.upsert-record', { x: 160, y: 300 });
    await nodeCard('Upsert record').waitFor();
    await canvas.connect('Webhook', 'main', 'Upsert record');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
  });

  it('captures a live sample: waits for the next delivery to the flow’s URL, with Cancel, and pins it', async () => {
    await nodeCard('Webhook').click({ position: { x: 60, y: 20 } });
    const panel = page.getByTestId('side-panel');
    webhookUrl = (await panel.getByTestId('webhook-url').textContent()) ?? '';
    expect(webhookUrl).toMatch(/\/api\/hooks\//);

    // Cancel stops waiting; a delivery then is refused as before (the draft flow does not listen).
    await panel.getByRole('button', { name: 'Capture a live sample' }).click();
    await panel.getByText(/Waiting for the next delivery/).waitFor();
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await panel.getByRole('button', { name: 'Capture a live sample' }).waitFor();
    await expect.poll(async () => (await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"0"}' })).status).toBe(409);

    await panel.getByRole('button', { name: 'Capture a live sample' }).click();
    await panel.getByText(/Waiting for the next delivery/).waitFor();
    await page.screenshot({ path: screenshotPath('pickers-01-waiting-for-a-delivery') });
    const delivery = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'crm-42', email: 'ada@example.com', name: 'Ada Lovelace', phone: '+44 20 7946 0000', modifiedAt: '2026-12-03T10:00:00Z' }),
    });
    expect(delivery.status).toBe(202);
    await expect(delivery.json()).resolves.toMatchObject({ captured: true });
    const summary = panel.getByTestId('sample-summary');
    await summary.getByText(/Captured 1 item from the delivery of/).waitFor();
    await expect(summary.textContent()).resolves.toContain('email');
    await page.screenshot({ path: screenshotPath('pickers-02-sample-captured') });
  });

  it('picks the connection, a table and fields from lists, with types, and flags a name that is no column', async () => {
    await nodeCard('Upsert record').click({ position: { x: 60, y: 20 } });
    const panel = page.getByTestId('side-panel');
    await panel.getByTestId('field-connectionId').getByRole('combobox').selectOption({ label: 'Helpdesk DB (postgres)' });
    // The tables of the connection, not a guessed "object type".
    await panel.getByTestId('field-objectType').getByRole('combobox').click();
    const tables = page.getByRole('listbox', { name: 'Choices' });
    await expect.poll(() => tables.getByRole('option').allTextContents()).toEqual(['contacts', 'tickets']);
    await tables.getByRole('option', { name: 'contacts' }).click();
    await expect(panel.getByTestId('field-objectType').getByRole('combobox').inputValue()).resolves.toBe('contacts');

    await panel.getByRole('button', { name: 'Add mapping' }).click();
    await panel.getByLabel('Mapping 1 target').click();
    // Columns with their types and required-ness.
    await page.getByRole('listbox', { name: 'Choices' }).getByRole('option', { name: 'email (text, required)', exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('pickers-03-target-fields-with-types') });
    await page.getByRole('listbox', { name: 'Choices' }).getByRole('option', { name: /^email/ }).click();
    await pick(panel.getByLabel('Mapping 1 source field'), /^email/);
    await panel.getByRole('button', { name: 'Add mapping' }).click();
    await pick(panel.getByLabel('Mapping 2 target'), /^full_name/);
    await pick(panel.getByLabel('Mapping 2 source field'), /^name/);
    await panel.getByRole('button', { name: 'Add mapping' }).click();
    await pick(panel.getByLabel('Mapping 3 target'), /^crm_id/);
    await pick(panel.getByLabel('Mapping 3 source field'), /^id\b/);

    // A name the table does not have is allowed, with a warning naming the object.
    await panel.getByRole('button', { name: 'Add mapping' }).click();
    await panel.getByLabel('Mapping 4 target').fill('phone_number');
    await panel.getByText('“phone_number” is not a field of contacts.').waitFor();
    await pick(panel.getByLabel('Mapping 4 target'), /^phone\b/);
    await expect(panel.getByText('“phone_number” is not a field of contacts.').count()).resolves.toBe(0);
    await pick(panel.getByLabel('Mapping 4 source field'), /^phone/);
  });

  it('sets "Match existing records by" and the conflict policy with forms, never JSON', async () => {
    const panel = page.getByTestId('side-panel');
    const match = panel.getByTestId('field-matchBy');
    await match.getByLabel('Match on a field both records have').check();
    await pick(match.getByLabel('Target field'), /^email/);
    await pick(match.getByLabel('Equals the item field'), /^email/);
    const conflict = panel.getByTestId('field-conflict');
    await conflict.getByLabel('Decide who wins for fields both systems edit').check();
    await pick(conflict.getByLabel('Fields both systems edit', { exact: true }), /^phone\b/);
    await conflict.getByLabel('Who wins', { exact: true }).selectOption('source-wins');
    await pick(conflict.getByLabel('Target modified-at field'), /^updated_at/);
    await expect(conflict.getByRole('list', { name: 'Chosen fields' }).textContent()).resolves.toContain('phone');
    await expect(panel.locator('textarea').count()).resolves.toBe(0);
    await expect.poll(() => page.locator('[data-testid="problem-badge"][data-severity="error"]').count()).toBe(0);
    await panel.getByTestId('field-fields').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('pickers-04-upsert-configured') });
    await match.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('pickers-05-match-and-conflicts') });
  });

  it('publishes, activates, and a delivery is written with the picked fields', async () => {
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
    await page.getByRole('button', { name: 'Publish flow' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish' });
    await dialog.getByLabel(/What changed/).fill('Picked from lists');
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Published version 1').waitFor();
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.getByTestId('flow-status').textContent()).toBe('Active');

    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'crm-7', email: 'grace@example.com', name: 'Grace Hopper', phone: '+1 555 0100', modifiedAt: '2026-12-03T11:00:00Z' }),
    });
    expect(res.status).toBe(202);
    const sql = postgres(helpdesk.url, { max: 1 });
    try {
      await expect
        .poll(async () => sql`select email, full_name, phone, crm_id from desk.contacts`, { timeout: 60_000, interval: 500 })
        .toEqual([{ email: 'grace@example.com', full_name: 'Grace Hopper', phone: '+1 555 0100', crm_id: 'crm-7' }]);
    } finally {
      await sql.end();
    }
  });
});
