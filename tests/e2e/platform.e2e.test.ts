import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort } from '../../scripts/supervisor/ports';
import { startApp, type RunningApp } from '../support/app-server';
import { allowBrowserErrors, launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { completeSignUp } from '../support/sign-up';

let database: TestDatabase;
let app: RunningApp;
let browser: Browser;
let workerMetricsPort: number;
const METRICS_TOKEN = 'scrape-token-for-tests';

beforeAll(async () => {
  database = await createTestDatabase();
  workerMetricsPort = await getFreePort();
  app = await startApp({
    databaseUrl: database.url,
    env: { SYNCLINE_METRICS_TOKEN: METRICS_TOKEN, SYNCLINE_WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}` },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await database?.drop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  return context.newPage();
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${app.url}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${app.url}/dashboard`);
}

describe('the platform, as a first user sees it', () => {
  it('reports the database, Temporal and the worker as up', async () => {
    const res = await fetch(`${app.url}/api/health`);
    expect(res.status).toBe(200);
    const health = await res.json();
    expect(health).toMatchObject({
      status: 'ok',
      database: { up: true },
      temporal: { up: true, namespace: 'default', workerPolling: true, taskQueue: app.taskQueue },
    });
  });

  it('serves Prometheus metrics of the runs behind a token, and of the worker', async () => {
    expect((await fetch(`${app.url}/api/metrics`)).status).toBe(401);
    expect((await fetch(`${app.url}/api/metrics`, { headers: { authorization: 'Bearer wrong-token-for-tests!' } })).status).toBe(401);
    const scraped = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('syncline_inbox_oldest_pending_seconds');
    const worker = await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`);
    expect(await worker.text()).toMatch(/temporal_\w+/);
  });

  it('walks the first admin through setup into the app shell', async () => {
    const page = await newPage();
    await page.goto(app.url);
    await page.waitForURL(`${app.url}/sign-up`);
    await expect(page.getByRole('heading', { name: 'Welcome to Syncline' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath('platform-01-first-run') });

    await completeSignUp(page, app.url, { name: 'Ada Admin', email: 'ada@example.com', workspace: 'Acme Integrations' });

    await expect(page.getByRole('heading', { name: 'Flows', level: 1 }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('No flows yet').isVisible()).resolves.toBe(true);
    for (const section of ['Flows', 'Runs', 'Connections', 'Mappings', 'Settings']) {
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: section }).isVisible()).resolves.toBe(true);
    }
    await expect(page.getByLabel('Workspace').inputValue()).resolves.toMatch(/[0-9a-f-]{36}/);
    await expect(page.getByLabel('Workspace').locator('option:checked').textContent()).resolves.toBe('Acme Integrations');
    await expect(page.getByTestId('current-role').textContent()).resolves.toBe('admin');
    await page.screenshot({ path: screenshotPath('platform-02-shell') });
    await page.context().close();
  });

  it('signs out, refuses a wrong password clearly, and signs back in', async () => {
    // Provoked on purpose: the wrong password's 401, and the signed-out page's refused query.
    allowBrowserErrors(/status of 401/);
    const page = await newPage();
    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That email and password do not match an account.' }).waitFor();
    await signIn(page, 'ada@example.com', 'correct horse battery');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${app.url}/sign-in`);
    await page.goto(`${app.url}/runs`);
    await page.waitForURL(`${app.url}/sign-in`);
    await page.context().close();
  });

  it('creates a second workspace and switches between them', async () => {
    const page = await newPage();
    await signIn(page, 'ada@example.com', 'correct horse battery');
    await page.getByRole('link', { name: '+ New workspace' }).click();
    await page.getByRole('heading', { name: 'Create another workspace' }).waitFor();
    await page.getByLabel('Workspace name').fill('Sandbox');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(`${app.url}/flows`);
    await expect(page.getByLabel('Workspace').locator('option:checked').textContent()).resolves.toBe('Sandbox');
    await page.getByLabel('Workspace').selectOption({ label: 'Acme Integrations' });
    await page.waitForFunction(() => document.querySelector('select option:checked')?.textContent === 'Acme Integrations');
    await page.reload();
    await expect(page.getByLabel('Workspace').locator('option:checked').textContent()).resolves.toBe('Acme Integrations');
    await page.context().close();
  });

  it('lets the admin invite an analyst, who joins only by accepting, then works with that role', async () => {
    const admin = await newPage();
    await signIn(admin, 'ada@example.com', 'correct horse battery');
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.waitForURL(`${app.url}/settings`);
    await admin.getByLabel('Email', { exact: true }).fill('ana@example.com');
    await admin.getByLabel('Role', { exact: true }).selectOption('analyst');
    await admin.getByRole('button', { name: 'Invite' }).click();
    const link = await admin.getByLabel('Invitation link').inputValue();
    expect(link).toMatch(new RegExp(`^${app.url}/invitations/[\\w-]{43}$`));
    await admin.getByRole('table', { name: 'Open invitations' }).getByRole('cell', { name: 'ana@example.com' }).waitFor();
    await expect(admin.getByRole('cell', { name: 'ana@example.com' }).count()).resolves.toBe(1); // not a member yet
    await admin.screenshot({ path: screenshotPath('platform-03-members') });
    await admin.context().close();

    // Ana opens the link before she has an account, signs up with the invited address, and accepts in the app.
    const analyst = await newPage();
    await analyst.goto(link);
    await analyst.getByRole('heading', { name: 'Join “Acme Integrations”' }).waitFor();
    await analyst.getByRole('link', { name: 'Create an account' }).click();
    await analyst.waitForURL(`${app.url}/sign-up`);
    await analyst.getByLabel('Your name').fill('Ana Analyst');
    await analyst.getByLabel('Work email').fill('ana@example.com');
    await analyst.getByLabel('Password').fill('analyst password');
    await analyst.getByLabel('Workspace name').fill('Ana’s sandbox');
    await analyst.getByRole('button', { name: 'Create account' }).click();
    await analyst.waitForURL(`${app.url}/flows`);
    const prompt = analyst.getByRole('region', { name: 'Invitations' });
    await prompt.getByText('Ada Admin invited you to the workspace Acme Integrations as analyst.').waitFor();
    await analyst.screenshot({ path: screenshotPath('platform-03b-invitation') });
    await prompt.getByRole('button', { name: 'Accept' }).click();
    await analyst.waitForFunction(() => document.querySelector('[data-testid="current-role"]')?.textContent === 'analyst');
    await expect(analyst.getByLabel('Workspace').locator('option:checked').textContent()).resolves.toBe('Acme Integrations');
    await analyst.goto(`${app.url}/settings`);
    await expect(analyst.getByRole('button', { name: 'Invite' }).count()).resolves.toBe(0);
    await analyst.context().close();
  });
});
