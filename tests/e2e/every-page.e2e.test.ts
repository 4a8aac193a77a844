/**
 * Every page of the app, as the admin of a fresh installation with the demo (the real demo CRM and helpdesk,
 * the production build, a worker and Temporal): dashboard, flows, a flow editor, runs, a run, connections,
 * mappings, alerts, bulk, lineage, settings, learn, onboarding and the tour. A page fails the test on an
 * uncaught error or a console error (tests/setup/browser-errors.ts), on a browser pop-up, and here also on
 * any request answered 4xx/5xx (the favicon included). Each page is saved as a 1440×900 screenshot, to be
 * looked at. Then the destructive actions: each asks in the app's own dialog (what will happen, a Cancel
 * that has the focus, Escape closes), never with the browser's confirm().
 */
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { memberships, workspaces } from '../../db/schema';
import { insertUser } from '../support/app-context';
import { launchBrowser, screenshotPath } from '../support/browser';
import { startDemoInstallation, type DemoInstallation } from '../support/demo-installation';
import { eventually } from '../support/processes';
import { signUpAdmin } from '../support/sign-up';

const SYNC_KEY = 'every-page-integration-key';
const ALICE_KEY = 'every-page-alice-key';

let demo: DemoInstallation;
let app: DemoInstallation['app'];
let crm: DemoInstallation['crm'];
let browser: Browser;
let page: Page;
/** Requests of the app answered with an error status, or not answered at all. */
const failedRequests: string[] = [];

beforeAll(async () => {
  demo = await startDemoInstallation({ syncKey: SYNC_KEY, personKey: ALICE_KEY });
  ({ app, crm } = demo);
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.setDefaultTimeout(20_000);
  page.on('response', (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.request().method()} ${response.url()} (on ${page.url()})`);
  });
  page.on('requestfailed', (request) => {
    // A navigation or a prefetch that the next navigation cancels is not a failure of the app.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') failedRequests.push(`${request.failure()?.errorText} ${request.method()} ${request.url()} (on ${page.url()})`);
  });
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/** Opens a page of the app, waits until it has settled and saves its screenshot. */
async function visit(path: string, name: string): Promise<void> {
  await page.goto(`${app.url}${path}`);
  await settle(name);
}

async function settle(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.getByText(/^Loading\b.*…$/).count(), { message: `${name} finished loading`, timeout: 20_000 }).toBe(0);
  await page.screenshot({ path: screenshotPath(`every-page-${name}`) });
}

/** The app's confirmation dialog of a destructive action: named, Cancel focused, Escape closes it. */
async function confirmDialog(title: string): Promise<ReturnType<Page['getByRole']>> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  await expect(dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), `${title}: Cancel has the focus`).resolves.toBe(true);
  return dialog;
}

async function escapeCloses(title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: title }).waitFor({ state: 'hidden' });
}

describe('every page', () => {
  it('shows every page of the app without an error, a failed request or a browser pop-up', async () => {
    await signUpAdmin(page, app.url, { name: 'Ada Admin', email: 'ada@example.com', workspace: 'Acme' });
    // The tour opens on the first visit of the demo workspace.
    await page.getByTestId('tour').getByRole('heading', { name: 'Your two sample flows' }).waitFor();
    await settle('tour');
    await page.getByTestId('tour').getByRole('button', { name: 'End the tour' }).click();

    // A change in the demo CRM, so that there is a run, a mapping and a record to trace.
    const created = await fetch(`${crm.url}/api/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALICE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', phone: '+1 555 0100' }),
    });
    expect(created.status).toBe(201);
    const contact = (await created.json()) as { id: string };

    await visit('/flows', 'flows');
    await page.getByRole('link', { name: 'CRM → Helpdesk contacts' }).first().click();
    await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
    await page.locator('.react-flow__node').first().waitFor();
    await settle('flow-editor');
    await page.locator('.react-flow__node').first().click();
    await settle('flow-editor-step-panel');

    await visit('/runs', 'runs');
    const run = page.getByTestId('run-row').filter({ hasText: 'CRM → Helpdesk contacts' }).filter({ hasText: /succeeded/i });
    await eventually(async () => ((await run.count()) > 0 ? true : (await page.reload(), undefined)), 'the succeeded run on the Runs page');
    await settle('runs');
    await run.first().getByRole('link').first().click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await settle('run-detail');

    await visit('/dashboard', 'dashboard');
    await visit('/connections', 'connections');
    await visit('/mappings', 'mappings');
    await visit('/alerts', 'alerts');
    await visit('/bulk', 'bulk');
    await visit('/lineage', 'lineage');
    await page.getByLabel('Record id').fill(contact.id);
    await page.getByRole('button', { name: 'Find runs' }).click();
    await page.getByRole('region', { name: 'Known as' }).waitFor();
    await settle('lineage-search');
    await visit('/settings', 'settings');
    await visit('/learn', 'learn');

    // Onboarding: another workspace, empty, where the Bulk page has nothing to choose from yet.
    await visit('/onboarding', 'onboarding');
    await page.getByLabel('Workspace name').fill('Empty corner');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(`${app.url}/flows`);
    await settle('flows-empty-workspace');
    await visit('/bulk', 'bulk-empty-workspace');
    for (const name of ['Object', 'Source connection', 'Target connection']) {
      const select = page.getByLabel(name, { exact: true });
      expect((await select.boundingBox())!.width, `${name} keeps its width`).toBeGreaterThan(150);
      await expect(select.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.text), `${name} says why it is empty`).resolves.toMatch(/\w{4,}/);
    }
    await visit('/dashboard', 'dashboard-empty-workspace');

    expect(failedRequests).toEqual([]);
  }, 300_000);

  it('asks before every destructive action in its own dialog', async () => {
    // Back in the demo workspace (the walk above ended in a new, empty one).
    await visit('/flows', 'flows-before-switch');
    await page.getByLabel('Workspace', { exact: true }).selectOption({ label: 'Demo: CRM ⇄ Helpdesk' });
    await page.getByTestId('demo-banner').waitFor();

    // Archive a flow that has run: said in words, Escape and Cancel leave it alone.
    await visit('/flows', 'flows-before-archive');
    const demoRow = page.getByRole('row', { name: /CRM → Helpdesk contacts/ }).filter({ hasNotText: '(copy)' });
    await demoRow.getByLabel(/Actions for/).click();
    await demoRow.getByRole('button', { name: 'Archive' }).click();
    const archive = await confirmDialog('Archive this flow?');
    await expect(archive.textContent()).resolves.toMatch(/stops running .* run history is kept/);
    await page.screenshot({ path: screenshotPath('every-page-confirm-archive-flow') });
    await escapeCloses('Archive this flow?');
    await expect(demoRow.count()).resolves.toBe(1);

    // A copy that never ran is deleted for good, after the dialog's own button.
    await demoRow.getByLabel(/Actions for/).click();
    await demoRow.getByRole('button', { name: 'Duplicate' }).click();
    const copy = page.getByRole('row', { name: /CRM → Helpdesk contacts \(copy\)/ });
    await copy.waitFor();
    await copy.getByLabel(/Actions for/).click();
    await copy.getByRole('button', { name: 'Delete' }).click();
    const del = await confirmDialog('Delete this flow?');
    await del.getByRole('button', { name: 'Delete flow' }).click();
    await copy.waitFor({ state: 'detached' });

    // Retire a connection: the dialog says what goes with it; cancelled here (the sample flows use it).
    await visit('/connections', 'connections-before-retire');
    await page.getByRole('button', { name: 'Retire' }).first().click();
    const retire = await confirmDialog('Retire this connection?');
    await expect(retire.textContent()).resolves.toMatch(/record mappings/);
    await page.screenshot({ path: screenshotPath('every-page-confirm-retire-connection') });
    await retire.getByRole('button', { name: 'Cancel' }).click();
    await retire.waitFor({ state: 'hidden' });

    // Delete a mapping: cancelled.
    await visit('/mappings', 'mappings-before-delete');
    await page.getByRole('row').filter({ has: page.getByRole('button', { name: 'Delete' }) }).first().getByRole('button', { name: 'Delete' }).click();
    await confirmDialog('Delete this mapping?');
    await page.screenshot({ path: screenshotPath('every-page-confirm-delete-mapping') });
    await escapeCloses('Delete this mapping?');

    // Delete the default alert rule, for real.
    await visit('/alerts', 'alerts-before-delete');
    const rules = page.getByRole('region', { name: 'Rules', exact: true });
    const rulesBefore = await rules.getByRole('row').count();
    await rules.getByRole('button', { name: 'Delete' }).first().click();
    const rule = await confirmDialog('Delete this alert rule?');
    await page.screenshot({ path: screenshotPath('every-page-confirm-delete-rule') });
    await rule.getByRole('button', { name: 'Delete rule' }).click();
    await expect.poll(() => rules.getByRole('row').count()).toBeLessThan(rulesBefore);

    // Remove a member: a colleague added straight to the database (joining is platform.e2e's subject) loses access.
    const handle = openDb(demo.database.url, { max: 1 });
    try {
      const colleague = await insertUser(handle.db, 'Bob Builder');
      const [workspace] = await handle.db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, 'Demo: CRM ⇄ Helpdesk'));
      await handle.db.insert(memberships).values({ userId: colleague.id, workspaceId: workspace!.id, role: 'analyst' });
    } finally {
      await handle.close();
    }
    await visit('/settings', 'settings-before-remove');
    const colleagueRow = page.getByRole('row', { name: /Bob Builder/ });
    await colleagueRow.getByRole('button', { name: 'Remove' }).click();
    const remove = await confirmDialog('Remove this member?');
    await expect(remove.textContent()).resolves.toMatch(/Bob Builder .* loses access to this workspace/);
    await page.screenshot({ path: screenshotPath('every-page-confirm-remove-member') });
    await remove.getByRole('button', { name: 'Remove member' }).click();
    await colleagueRow.waitFor({ state: 'detached' });

    expect(failedRequests).toEqual([]);
  }, 300_000);
});
