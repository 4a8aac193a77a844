/**
 * An analyst's first day (issue 16, "Done when"), in real Chromium against the production build, a
 * real worker and Temporal, using only what is on screen: sign up, connect the team's contacts API,
 * build Webhook → Filter → Transform → Continue If → Upsert by drag-and-drop, copy the webhook URL
 * from the trigger panel, send three events (kept, filtered out, the integration's own echo), see
 * three outcomes in Runs; break the write (a mapping to a field the API does not have), watch the
 * live retries on the run page, fix the flow, publish, retry the failed run on the latest version
 * and see it written (in Runs and in the contacts API). A screenshot per step (screenshots/first-day-*).
 *
 * The test reads no URL or id from Syncline's database or API: links are clicked, the webhook URL
 * is read from the trigger panel, and the events are POSTed to it as the sending system would.
 * The contacts API (tests/support/contacts-api.ts) is the target system; its records are checked
 * directly, as the analyst would check them there.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../support/app-server';
import { canvasOf } from '../support/canvas';
import { launchBrowser, screenshotPath } from '../support/browser';
import { startContactsApi, type ContactsApi } from '../support/contacts-api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpAdmin } from '../support/sign-up';

let database: TestDatabase;
let app: RunningApp;
let contactsApi: ContactsApi;
let browser: Browser;
let page: Page;
let webhookUrl = '';
let step = 0;

beforeAll(async () => {
  contactsApi = await startContactsApi();
  database = await createTestDatabase();
  app = await startApp({ databaseUrl: database.url });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await contactsApi?.close();
  await database?.drop();
});

/** screenshots/first-day-NN-name.png, numbered in the order of the day. */
async function shoot(name: string, fullPage = false) {
  step += 1;
  await page.screenshot({ path: screenshotPath(`first-day-${String(step).padStart(2, '0')}-${name}`), fullPage });
}

// The page exists once beforeAll ran: look the canvas helpers up on each call.
const nodeCard = (label: string) => canvasOf(page).nodeCard(label);
const dropStep = (type: string, at: { x: number; y: number }) => canvasOf(page).dropStep(type, at);
const connect = (from: string, port: string, to: string) => canvasOf(page).connect(from, port, to);

/** The editor opens at a readable zoom on the trigger: fit the whole flow to reach every step. */
async function showWholeFlow() {
  await nodeCard('Webhook').waitFor();
  await page.locator('.react-flow__controls-fitview').click();
  await page.waitForTimeout(400); // the fit-view animation
}

/** Selects a step and shows its Configure tab (the panel keeps the tab of the step shown before). */
async function openStep(label: string) {
  await nodeCard(label).click({ position: { x: 60, y: 20 } });
  await expect.poll(() => page.locator('#node-label').inputValue()).toBe(label);
  await page.getByRole('tab', { name: 'Configure' }).click();
}

async function publish(note: string, version: number) {
  await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
  await page.getByRole('button', { name: 'Publish flow' }).click();
  const dialog = page.getByRole('dialog', { name: 'Publish' });
  await dialog.getByLabel(/What changed/).fill(note);
  await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByText(`Published version ${version}`).waitFor();
}

/** POSTs one event to the webhook URL copied from the trigger panel, as the sending system does. */
async function send(event: Record<string, unknown>) {
  const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
  expect(res.status).toBe(202);
}

const runRows = () => page.getByTestId('run-row');
const outcomes = async () => (await page.getByTestId('run-outcome').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))).sort();

describe("an analyst's first day", () => {
  it('signs up and connects the contacts API from the Connections page', async () => {
    await signUpAdmin(page, app.url, { name: 'Ana Analyst', email: 'ana@example.com', workspace: 'Acme' });
    await shoot('signed-up');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await page.waitForURL(`${app.url}/connections`);
    await page.getByRole('button', { name: 'New connection' }).click();
    await page.getByLabel('Name').fill('Contacts API');
    await page.getByLabel('Base URL').fill(contactsApi.url);
    await page.getByLabel('Test path').fill('contacts');
    // Loop prevention: the API stamps the integration's own changes with this account.
    await page.getByLabel('Integration identity').fill('svc-sync');
    await page.getByLabel('Allow private and loopback network addresses').check();
    await shoot('new-connection', true);
    await page.getByRole('button', { name: 'Create connection' }).click();
    const row = page.getByTestId('connection-Contacts API');
    await row.getByRole('button', { name: 'Test' }).click();
    await row.getByText('healthy').waitFor();
    await shoot('connection-healthy');
  });

  it('builds Webhook → Filter → Transform → Continue if → Upsert by drag-and-drop and configures each step', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }).click();
    await page.getByRole('button', { name: 'New flow' }).click();
    const naming = page.getByRole('dialog', { name: 'New flow' });
    await naming.getByLabel('Flow name').fill('Customers to the contacts API');
    await naming.getByRole('button', { name: 'Create flow' }).click();
    await page.getByText('Start with a trigger').waitFor();

    await dropStep('core.webhook-trigger', { x: 150, y: 70 });
    await nodeCard('Webhook').waitFor();
    await dropStep('core.filter', { x: 360, y: 190 });
    await nodeCard('Filter').waitFor();
    await connect('Webhook', 'main', 'Filter');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').fill('status');
    await page.getByLabel('Condition 1 operator').selectOption('equals');
    await page.getByLabel('Condition 1 value').fill('customer');

    await dropStep('core.transform', { x: 150, y: 310 });
    await nodeCard('Transform').waitFor();
    await connect('Filter', 'kept', 'Transform');
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Mapping 1 target').fill('email');
    await page.getByLabel('Mapping 1 source kind').selectOption('expr');
    await page.getByLabel('Mapping 1 expression').fill('$lowercase(email)');
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Mapping 2 target').fill('fullName');
    await page.getByLabel('Mapping 2 source kind').selectOption('expr');
    await page.getByLabel('Mapping 2 expression').fill('firstName & " " & lastName');

    await dropStep('core.continue-if', { x: 360, y: 430 });
    await nodeCard('Continue if').waitFor();
    await connect('Transform', 'main', 'Continue if');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').fill('modifiedBy');
    await page.getByLabel('Condition 1 operator').selectOption('isNotIntegrationAccount');
    await page.getByLabel('Condition 1 connection').selectOption({ label: 'Contacts API (rest)' });

    await dropStep('sync.upsert-record', { x: 150, y: 550 });
    await nodeCard('Upsert record').waitFor();
    await connect('Continue if', 'main', 'Upsert record');
    await page.getByTestId('field-connectionId').getByRole('combobox').selectOption({ label: 'Contacts API (rest)' });
    await page.getByTestId('field-objectType').locator('input').fill('contacts');
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Mapping 1 target').fill('email');
    await page.getByLabel('Mapping 1 source field').fill('email');
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Mapping 2 target').fill('name');
    await page.getByLabel('Mapping 2 source field').fill('fullName');
    // Retries an analyst can watch: three attempts, five seconds apart.
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Attempts').fill('3');
    await page.getByLabel('First retry after (ms)').fill('5000');
    await page.getByLabel('Backoff factor').fill('1');

    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(4);
    await expect.poll(() => page.locator('[data-testid="problem-badge"][data-severity="error"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Tidy up (Shift+L)' }).click();
    await page.waitForTimeout(500); // the fit-view animation
    await shoot('flow-built');
  });

  it('publishes, activates and copies the webhook URL from the trigger panel', async () => {
    await publish('First version', 1);
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.getByTestId('flow-status').textContent()).toBe('Active');
    await openStep('Webhook');
    await shoot('webhook-url');
    const card = page.getByRole('region', { name: 'Webhook address' });
    await card.getByRole('button', { name: 'Copy the webhook URL' }).waitFor();
    webhookUrl = (await card.getByTestId('webhook-url').textContent()) ?? '';
    expect(webhookUrl).toMatch(new RegExp(`^${app.url}/api/hooks/`));
  });

  it('sends three events and sees three different outcomes in Runs: written, filtered out, skipped as echo', async () => {
    await send({ id: 'c1', status: 'customer', email: 'Ada@Example.com', firstName: 'Ada', lastName: 'Lovelace', modifiedBy: 'ann' });
    await send({ id: 'c2', status: 'lead', email: 'bob@example.com', firstName: 'Bob', lastName: 'Lead', modifiedBy: 'ann' });
    await send({ id: 'c3', status: 'customer', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', modifiedBy: 'svc-sync' });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await page.waitForURL(`${app.url}/runs`);
    await expect.poll(outcomes, { timeout: 60_000 }).toEqual(['echo', 'filtered', 'written']);
    await expect.poll(() => page.getByTestId('run-outcome').allTextContents().then((t) => t.sort())).toEqual(['Filtered out', 'Skipped as echo', 'Written']);
    await shoot('three-outcomes');
    expect(contactsApi.contacts).toEqual([{ id: '1', email: 'ada@example.com', name: 'Ada Lovelace' }]);

    // The echo's run says why: the change was the integration's own.
    await runRows().filter({ has: page.locator('[data-outcome="echo"]') }).getByRole('link').first().click();
    await page.getByTestId('step-timeline').getByRole('button', { name: /Continue if/ }).click();
    await page.getByRole('region', { name: 'Skipped items' }).getByText('modifiedBy is the integration account svc-sync').waitFor();
    await shoot('echo-run', true);
  });

  it('breaks the write, and watches the run retry it live: attempt N of M, the last error, the next attempt', async () => {
    await page.getByRole('heading', { level: 1 }).getByRole('link', { name: 'Customers to the contacts API' }).click();
    await showWholeFlow();
    await openStep('Upsert record');
    // A field the contacts API does not have: it answers 500, which Syncline retries.
    await page.getByLabel('Mapping 1 target').fill('emailAddress');
    await publish('Write the email as emailAddress', 2);
    await send({ id: 'c4', status: 'customer', email: 'Grace@Example.com', firstName: 'Grace', lastName: 'Hopper', modifiedBy: 'ann' });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    // Its row shows the record key, c4, while it runs.
    await runRows().filter({ hasText: 'c4' }).getByRole('link').first().click({ timeout: 60_000 });
    const banner = page.getByTestId('retrying-step');
    await banner.waitFor({ timeout: 60_000 });
    await expect(banner.textContent()).resolves.toMatch(/Retrying “Upsert record”: attempt [12] of 3 failed.*emailAddress.*Next attempt at .* \(in \d+ s\)/);
    await page.getByTestId('step-timeline').getByText(/attempt [12] of 3/).waitFor();
    await shoot('live-retry', true);

    // The attempts run out: the run fails at the Upsert and says why.
    const error = page.getByTestId('run-error');
    await error.waitFor({ timeout: 60_000 });
    await expect(error.textContent()).resolves.toMatch(/Upsert record.*emailAddress/);
    await expect(page.locator('h1 [data-testid="run-status"]').getAttribute('data-status')).resolves.toBe('failed');
    await shoot('run-failed', true);
    expect(contactsApi.writes.slice(-3)).toEqual([500, 500, 500]);
  });

  it('fixes the flow, publishes, retries the failed run on the latest version and sees it written', async () => {
    const failedRunUrl = page.url();
    await page.getByRole('heading', { level: 1 }).getByRole('link', { name: 'Customers to the contacts API' }).click();
    await showWholeFlow();
    await openStep('Upsert record');
    await page.getByLabel('Mapping 1 target').fill('email');
    await publish('Back to email', 3);
    await shoot('fixed-and-published');

    await page.goBack();
    await page.waitForURL(failedRunUrl);
    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Retry this run' });
    await expect(dialog.getByRole('radio', { name: /The latest version \(v3\)/ }).isChecked()).resolves.toBe(true);
    await shoot('retry-on-latest');
    await dialog.getByRole('button', { name: 'Start retry' }).click();
    await page.getByText('Retry of').waitFor();
    await expect.poll(() => page.getByTestId('run-outcome').first().getAttribute('data-outcome'), { timeout: 60_000 }).toBe('written');
    await page.getByText('v3', { exact: true }).waitFor();
    await shoot('written-on-v3', true);
    expect(contactsApi.contacts).toContainEqual({ id: '2', email: 'grace@example.com', name: 'Grace Hopper' });

    await page.getByRole('link', { name: 'All runs' }).click();
    await expect.poll(outcomes).toEqual(['echo', 'failed', 'filtered', 'written', 'written']);
    await shoot('runs-at-the-end');
  });
});
