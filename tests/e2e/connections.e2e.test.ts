import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../support/app-server';
import { launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpAdmin } from '../support/sign-up';
import { startZendeskFake, type ZendeskFake } from '../fakes/zendesk-fake';

const TOKEN = 'e2e-bearer-token-7f3a9c';
let database: TestDatabase;
let app: RunningApp;
let browser: Browser;
let api: Server;
let apiUrl: string;
let zendesk: ZendeskFake;
const ZENDESK_TOKEN = 'zd-e2e-token-91b2';

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startApp({ databaseUrl: database.url });
  browser = await launchBrowser();
  api = createServer((req, res) => {
    const ok = req.headers.authorization === `Bearer ${TOKEN}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1`;
  zendesk = await startZendeskFake({ email: 'admin@acme.example', token: ZENDESK_TOKEN });
});

afterAll(async () => {
  api?.close();
  await zendesk?.close();
  await browser?.close();
  await app?.stop();
  await database?.drop();
});

describe('connections, as an admin sees them', () => {
  it('creates a REST connection, tests it, and only ever sees "set" for its secret', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const bodies: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/trpc')) void r.text().then((t) => bodies.push(t), () => {});
    });
    await signUpAdmin(page, app.url, { name: 'Ada Admin', email: 'ada@example.com', workspace: 'Acme Integrations' });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await page.waitForURL(`${app.url}/connections`);
    await page.getByRole('button', { name: 'New connection' }).click();
    await page.getByLabel('Name').fill('Billing API');
    await page.getByLabel('Base URL').fill(apiUrl);
    await page.getByLabel('Test path').fill('ping');
    await page.getByLabel('Authentication').selectOption('bearer');
    await page.getByLabel('Bearer token').fill(TOKEN);
    await page.getByLabel('Integration identity').fill('svc-sync');
    await page.getByLabel('Credential expires on').fill(new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10));
    await page.getByLabel('Allow private and loopback network addresses').check();
    await page.getByRole('button', { name: 'Create connection' }).click();

    const row = page.getByTestId('connection-Billing API');
    await row.waitFor();
    await expect(row.getByText('set', { exact: true }).isVisible()).resolves.toBe(true);
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText(/GET \/v1\/ping answered HTTP 200/).first().waitFor();
    await row.getByText('healthy').waitFor();
    await page.getByRole('alert').filter({ hasText: /The credential of Billing API expires in [45] days/ }).waitFor();
    await page.screenshot({ path: screenshotPath('connections-01-list'), fullPage: true });

    await row.getByRole('button', { name: 'Edit' }).click();
    await expect(page.getByTestId('secret-status').textContent()).resolves.toBe('set');
    await expect(page.getByRole('button', { name: 'Replace' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath('connections-02-edit'), fullPage: true });

    expect(bodies.length).toBeGreaterThan(2);
    for (const body of bodies) expect(body).not.toContain(TOKEN);
    await expect(page.content()).resolves.not.toContain(TOKEN);
    await context.close();
  });

  it('connects Zendesk through the system picker with its own parameters, and tests it', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const bodies: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/trpc')) void r.text().then((t) => bodies.push(t), () => {});
    });
    // The admin signed up by the first test signs in again.
    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.url}/dashboard`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await page.waitForURL(`${app.url}/connections`);
    await page.getByRole('button', { name: 'New connection' }).click();
    await page.getByLabel('Kind').selectOption('connector');
    await page.getByLabel('System', { exact: true }).selectOption('zendesk');
    await page.getByLabel('Name').fill('Support desk');
    await page.getByLabel('Zendesk subdomain').fill('acme');
    await page.getByLabel('Agent email').fill('admin@acme.example');
    await page.getByLabel('Other base URL').fill(zendesk.url);
    await page.getByLabel('API token', { exact: true }).fill(ZENDESK_TOKEN);
    await page.getByLabel('Allow private and loopback network addresses').check();
    await page.screenshot({ path: screenshotPath('connections-03-zendesk-form'), fullPage: true });
    await page.getByRole('button', { name: 'Create connection' }).click();

    const row = page.getByTestId('connection-Support desk');
    await row.waitFor();
    await row.getByText('Zendesk Support').waitFor();
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText('Zendesk Support: GET /api/v2/users/me.json answered HTTP 200.').first().waitFor();
    await row.getByText('healthy').waitFor();
    await page.screenshot({ path: screenshotPath('connections-04-zendesk-list'), fullPage: true });
    for (const body of bodies) expect(body).not.toContain(ZENDESK_TOKEN);
    await context.close();
  });
});
