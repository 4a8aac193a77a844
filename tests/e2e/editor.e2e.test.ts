/**
 * The flow editor as a new analyst uses it: build Webhook -> Filter -> Transform -> Continue If ->
 * Upsert by drag-and-drop only, configure each step in the side panel, test-run on sample data and
 * read per-step output, publish (after the publish check lists problems), activate, reload.
 */
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../support/app-server';
import { canvasOf, center } from '../support/canvas';
import { launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpAdmin } from '../support/sign-up';

let database: TestDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;
let flowUrl = '';

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startApp({ databaseUrl: database.url });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await database?.drop();
});

// The page exists once beforeAll ran: look the canvas helpers up on each call.
const nodeCard = (label: string) => canvasOf(page).nodeCard(label);
const handle = (label: string, kind: 'source' | 'target', port = 'main') => canvasOf(page).handle(label, kind, port);
const dragMouse = (from: { x: number; y: number }, to: { x: number; y: number }, hold?: () => Promise<void>) => canvasOf(page).dragMouse(from, to, hold);
const dropStep = (type: string, at: { x: number; y: number }) => canvasOf(page).dropStep(type, at);
const connect = (from: string, port: string, to: string) => canvasOf(page).connect(from, port, to);

async function openStep(label: string) {
  await nodeCard(label).click({ position: { x: 60, y: 20 } });
  await page.getByTestId('side-panel').waitFor();
}

describe('the flow editor', () => {
  it('signs up and creates a flow from the list', async () => {
    await signUpAdmin(page, app.url, { name: 'Ana Analyst', email: 'ana@example.com', workspace: 'Acme' });
    // A connection to write to (connections have their own screens, tested elsewhere).
    const sql = postgres(database.url, { max: 1 });
    await sql`insert into connections (workspace_id, name, kind) select id, 'Demo CRM', 'demo-crm' from workspaces limit 1`;
    await sql.end();

    await page.getByRole('button', { name: 'Create your first flow' }).waitFor();
    await page.screenshot({ path: screenshotPath('editor-01-empty-list') });
    await page.getByRole('button', { name: 'New flow' }).click();
    const naming = page.getByRole('dialog', { name: 'New flow' });
    await naming.getByLabel('Flow name').fill('Contacts to CRM');
    await naming.getByRole('button', { name: 'Create flow' }).click();
    await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
    flowUrl = page.url();
    await page.getByText('Start with a trigger').waitFor();
  });

  it('builds Webhook -> Filter by drag and drop, and the publish check points at what is missing', async () => {
    await dropStep('core.webhook-trigger', { x: 150, y: 70 });
    await nodeCard('Webhook').waitFor();
    await dropStep('core.filter', { x: 360, y: 190 });
    await nodeCard('Filter').waitFor();
    await connect('Webhook', 'main', 'Filter');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);

    await page.getByRole('button', { name: 'Publish flow' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish' });
    await dialog.getByRole('alert').waitFor();
    await expect(dialog.getByRole('button', { name: 'Publish', exact: true }).isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath('editor-02-publish-problems') });
    await dialog.getByRole('button', { name: /Filter.*Add at least one condition/ }).click();
    await expect(page.locator('#node-label').inputValue()).resolves.toBe('Filter');
  });

  it('configures Filter with the condition builder', async () => {
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').fill('email');
    await page.getByLabel('Condition 1 operator').selectOption('isNotEmpty');
    await expect(nodeCard('Filter').getByText('email is not empty').isVisible()).resolves.toBe(true);
  });

  it('adds Transform, Continue if and Upsert, and configures each in the panel', async () => {
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
    await page.getByLabel('Condition 1 field').fill('email');
    await page.getByLabel('Condition 1 operator').selectOption('notContains');
    await page.getByLabel('Condition 1 value').fill('@test.invalid');

    await dropStep('sync.upsert-record', { x: 150, y: 550 });
    await nodeCard('Upsert record').waitFor();
    await connect('Continue if', 'main', 'Upsert record');
    await page.getByTestId('field-connectionId').getByRole('combobox').selectOption({ label: 'Demo CRM (demo-crm)' });
    await page.getByTestId('field-objectType').locator('input').fill('contact');
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Mapping 1 target').fill('email');
    await page.getByLabel('Mapping 1 source field').fill('email');
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Mapping 2 target').fill('name');
    await page.getByLabel('Mapping 2 source field').fill('fullName');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(4);
    await expect.poll(() => page.locator('[data-testid="problem-badge"][data-severity="error"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Tidy up (Shift+L)' }).click();
    await page.waitForTimeout(500); // the fit-view animation
    await page.screenshot({ path: screenshotPath('editor-03-built') });
  });

  it('refuses a connection that would make a loop, saying why while dragging', async () => {
    let hint = '';
    await dragMouse(await center(handle('Upsert record', 'source')), await center(handle('Filter', 'target')), async () => {
      hint = (await page.getByTestId('connect-hint').textContent()) ?? '';
      await page.screenshot({ path: screenshotPath('editor-04-refused-connection') });
    });
    expect(hint).toMatch(/loop/);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(4);
  });

  it('test-runs the draft on pinned sample data and shows each step’s output', async () => {
    await page.getByRole('button', { name: 'Test run' }).click();
    const samples = [
      { id: '1', email: 'ADA@Example.com', firstName: 'Ada', lastName: 'Lovelace' },
      { id: '2', email: '', firstName: 'No', lastName: 'Email' },
      { id: '3', email: 'bot@test.invalid', firstName: 'Test', lastName: 'Bot' },
    ];
    await page.locator('#sample-items').fill(JSON.stringify(samples));
    await page.getByRole('button', { name: 'Run on 3 items' }).click();
    await page.getByText(/Test run finished/).waitFor();
    await expect(nodeCard('Filter').getByTestId('run-badge').textContent()).resolves.toBe('3 in → 2 kept · 1 dropped');
    await expect(nodeCard('Continue if').getByTestId('run-badge').textContent()).resolves.toBe('2 in → 1 out · 1 skipped');
    await openStep('Transform');
    await page.getByRole('tab', { name: 'Test output' }).click();
    const output = page.getByRole('region', { name: 'Output' });
    await output.getByText('ada@example.com').waitFor();
    await output.getByText('Ada Lovelace').waitFor();
    await openStep('Continue if');
    await page.getByRole('region', { name: 'Skipped items' }).getByText(/test\.invalid/).waitFor();
    await page.screenshot({ path: screenshotPath('editor-05-test-run') });
    await openStep('Upsert record');
    await page.getByRole('region', { name: 'Output' }).getByText('dry-run-1', { exact: false }).waitFor();
  });

  it('shows what the dry-run write would send, widens the panel for it, and keeps the test output across a reload', async () => {
    const wouldSend = page.getByRole('region', { name: 'Would send' });
    await wouldSend.getByText('Demo CRM ·', { exact: false }).waitFor();
    await expect(wouldSend.getByTestId('would-send').count()).resolves.toBe(1);
    await wouldSend.getByText('A new record: nothing to match').waitFor();
    await expect(wouldSend.getByRole('row', { name: /name/ }).textContent()).resolves.toContain('Ada Lovelace');
    const panel = page.getByTestId('side-panel');
    const before = (await panel.boundingBox())!.width;
    const grip = (await page.getByTestId('side-panel-resize').boundingBox())!;
    await dragMouse({ x: grip.x + grip.width / 2, y: grip.y + 200 }, { x: grip.x - 300, y: grip.y + 200 });
    await expect.poll(async () => (await panel.boundingBox())!.width).toBeGreaterThan(before + 250);
    await page.screenshot({ path: screenshotPath('editor-05b-would-send-wide-panel') });

    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
    await page.reload();
    await openStep('Upsert record');
    await page.getByRole('tab', { name: 'Test output' }).click();
    await page.getByText(/From the test run of/).waitFor();
    await expect(page.getByRole('region', { name: 'Would send' }).getByRole('row', { name: /name/ }).textContent()).resolves.toContain('Ada Lovelace');
    await expect(nodeCard('Filter').getByTestId('run-badge').textContent()).resolves.toBe('3 in → 2 kept · 1 dropped');
  });

  it('publishes, activates, and finds everything again after a reload', async () => {
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
    await page.getByRole('button', { name: 'Publish flow' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish' });
    await dialog.getByLabel(/What changed/).fill('First version');
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Published version 1').waitFor();
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.getByTestId('flow-status').textContent()).toBe('Active');

    await page.reload();
    await nodeCard('Upsert record').waitFor();
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(5);
    await expect(page.locator('.react-flow__edge').count()).resolves.toBe(4);
    await expect(page.getByTestId('flow-status').textContent()).resolves.toBe('Active');
    await openStep('Transform');
    await expect(page.getByLabel('Mapping 2 expression').inputValue()).resolves.toBe('firstName & " " & lastName');
    await page.screenshot({ path: screenshotPath('editor-06-after-reload') });

    await page.getByRole('button', { name: 'Versions' }).click();
    const history = page.getByRole('dialog', { name: 'Version history' });
    await history.getByText('First version').waitFor();
    await history.getByText(/Ana Analyst ·/).waitFor();
    await history.getByRole('button', { name: 'Compare with draft' }).click();
    await history.getByText('No differences.').waitFor();
    await page.keyboard.press('Escape');

  });

  it('takes test data from a past run of the flow, pinned on the trigger', async () => {
    // A run that came in through the webhook (runs themselves are covered by the runs tests).
    const sql = postgres(database.url, { max: 1 });
    const flowId = flowUrl.split('/').pop() as string;
    await sql`insert into runs (workspace_id, flow_id, flow_version_id, version, status, trigger, workflow_id, trigger_payload)
      select f.workspace_id, f.id, v.id, 1, 'succeeded', 'webhook', 'wf-e2e-sample', ${sql.json([{ id: '7', email: 'Grace@Example.com', firstName: 'Grace', lastName: 'Hopper' }] as never)}
      from flows f join flow_versions v on v.flow_id = f.id where f.id = ${flowId}`;
    await sql.end();
    await page.getByRole('button', { name: 'Test run' }).click();
    const dialog = page.getByRole('dialog', { name: 'Test run' });
    await dialog.getByLabel('Take the data of').selectOption({ index: 1 });
    await dialog.getByRole('status').getByText(/Pinned 1 item from the run of/).waitFor();
    await expect.poll(() => page.locator('#sample-items').inputValue()).toContain('Grace@Example.com');
    await page.screenshot({ path: screenshotPath('editor-08-sample-from-run') });
    await dialog.getByRole('button', { name: 'Run on 1 item' }).click();
    await page.getByText(/Test run finished/).waitFor();
    await expect(nodeCard('Filter').getByTestId('run-badge').textContent()).resolves.toBe('1 in → 1 kept · 0 dropped');
  });

  it('compares the draft with the published version as two graphs, and as a field table', async () => {
    await openStep('Filter');
    await page.locator('#node-label').fill('Has an email');
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
    await page.getByRole('button', { name: 'Versions' }).click();
    const history = page.getByRole('dialog', { name: 'Version history' });
    await history.getByRole('button', { name: 'Compare with draft' }).click();
    const before = history.getByTestId('diff-canvas-before');
    const after = history.getByTestId('diff-canvas-after');
    await after.locator('[data-testid="diff-node"][data-mark="changed"]').getByText('Has an email').waitFor();
    await before.locator('[data-testid="diff-node"][data-mark="changed"]').getByText('Filter', { exact: true }).waitFor();
    await expect(after.locator('[data-testid="diff-node"][data-mark="same"]').count()).resolves.toBe(4);
    await expect.poll(() => after.locator('.react-flow__edge').count()).toBe(4);
    await history.getByTestId('version-diff').getByRole('cell', { name: 'label' }).waitFor();
    await page.screenshot({ path: screenshotPath('editor-09-version-diff') });
    await page.keyboard.press('Escape');
  });

  it('lists the flow with its status and trigger', async () => {
    await page.goto(`${app.url}/flows`);
    const row = page.getByRole('row', { name: /Contacts to CRM/ });
    await row.getByText('Active').waitFor();
    await row.getByText('Webhook').waitFor();
    await row.getByText(/by Ana Analyst/).waitFor();
    await page.screenshot({ path: screenshotPath('editor-07-list') });
    expect(flowUrl).toContain('/flows/');
  });
});
