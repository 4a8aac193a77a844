/**
 * An admin defines a REST API of their own in the connections page by importing its OpenAPI document
 * (a file), completes what OpenAPI cannot say (cursor paging, modified-since), saves and tests the
 * connection against a small local API (tests/fakes/ticket-api-fake.ts); a document that does not
 * parse is refused with its line and column.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTicketApiFake, TICKET_API_OPENAPI, type TicketApiFake } from '../fakes/ticket-api-fake';
import { startApp, type RunningApp } from '../support/app-server';
import { allowBrowserErrors, launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpAdmin } from '../support/sign-up';

const KEY = 'ticket-key-e2e-5d1c';
let database: TestDatabase;
let app: RunningApp;
let browser: Browser;
let tickets: TicketApiFake;

beforeAll(async () => {
  tickets = await startTicketApiFake({ apiKey: KEY });
  database = await createTestDatabase();
  app = await startApp({ databaseUrl: database.url });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await database?.drop();
  await tickets?.close();
});

describe('a custom REST API, defined in the connections page', () => {
  it('refuses a document that does not parse, imports one from a file, and tests the connection', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const bodies: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/trpc')) void r.text().then((t) => bodies.push(t), () => {});
    });
    await signUpAdmin(page, app.url, { name: 'Rita Rest', email: 'rita@example.com', workspace: 'Ticket Integrations' });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await page.waitForURL(`${app.url}/connections`);
    await page.getByRole('button', { name: 'New connection' }).click();
    await page.getByLabel('Kind').selectOption('connector');
    await page.getByLabel('System', { exact: true }).selectOption('custom-rest');

    const importer = page.getByRole('region', { name: 'Import OpenAPI document' });
    // The refusal of the broken document is a 400 answer the page shows as a message.
    allowBrowserErrors(/status of 400 \(Bad Request\) \(.*connections\.importOpenApi/);
    await importer.getByLabel('Paste the document').fill('openapi: 3.0.3\ninfo: { title: Broken\npaths:\n  /tickets: {}\n');
    await importer.getByRole('button', { name: 'Import OpenAPI document' }).click();
    const refusal = importer.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^OpenAPI import: the document does not parse as YAML \(line \d+, column \d+\)/);
    await page.screenshot({ path: screenshotPath('custom-rest-01-bad-document'), fullPage: true });

    await importer.getByLabel('Paste the document').fill('');
    await importer.getByLabel('or upload a file').setInputFiles({ name: 'tickets.yaml', mimeType: 'application/yaml', buffer: Buffer.from(TICKET_API_OPENAPI(tickets.url)) });
    await expect.poll(() => importer.getByLabel('Paste the document').inputValue()).toContain('Ticket API');
    await importer.getByRole('button', { name: 'Import OpenAPI document' }).click();
    await importer.getByText('Imported. Check and complete the definition below, then save.').waitFor();
    expect(await page.getByLabel('API base URL', { exact: true }).inputValue()).toBe(`${tickets.url}/v2`);
    expect(await page.getByLabel('API key name', { exact: true }).inputValue()).toBe('X-Api-Key');
    expect(await page.getByLabel('List path', { exact: true }).inputValue()).toBe('/tickets');
    expect(await page.getByLabel('Record path', { exact: true }).inputValue()).toBe('items');
    expect(await page.getByLabel('Modified-at field', { exact: true }).inputValue()).toBe('updated_at');
    expect(await page.getByLabel('Field 2 name').inputValue()).toBe('subject');
    expect(await page.getByLabel('Field 2 required').isChecked()).toBe(true);

    // What OpenAPI cannot say: the paging and the change filter.
    await page.getByLabel('Pagination', { exact: true }).selectOption('cursor');
    await page.getByLabel('Cursor path in the answer').fill('meta.next');
    await page.getByLabel('Cursor query parameter').fill('cursor');
    await page.getByLabel('Modified-since parameter').fill('updatedSince');
    await page.getByLabel('Name', { exact: true }).fill('Tickets');
    await page.getByLabel('API key', { exact: true }).fill(KEY);
    await page.getByLabel('Allow private and loopback network addresses').check();
    await page.screenshot({ path: screenshotPath('custom-rest-02-imported'), fullPage: true });
    await page.getByRole('button', { name: 'Create connection' }).click();

    const row = page.getByTestId('connection-Tickets');
    await row.waitFor();
    await row.getByText('Custom REST API').waitFor();
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText('Ticket API: GET /v2/tickets answered HTTP 200.').first().waitFor();
    await row.getByText('healthy').waitFor();
    await page.screenshot({ path: screenshotPath('custom-rest-03-tested'), fullPage: true });
    for (const body of bodies) expect(body).not.toContain(KEY);
    await context.close();
  });
});
