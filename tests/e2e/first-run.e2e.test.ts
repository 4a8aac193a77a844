/**
 * A newcomer's first minutes, in real Chromium against the production build, the worker, Temporal and the
 * real demo CRM and helpdesk (started here, as `npm start` runs them): sign up, land in the demo workspace,
 * follow the tour, edit a contact by hand on the demo CRM's own page, then see it arrive in the helpdesk
 * and find the run that carried it in Syncline.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshotPath } from '../support/browser';
import { startDemoInstallation, type DemoInstallation } from '../support/demo-installation';
import { eventually } from '../support/processes';
import { signUpAdmin } from '../support/sign-up';

const SYNC_KEY = 'first-run-integration-key';
const ALICE_KEY = 'first-run-alice-key';

let demo: DemoInstallation;
let app: DemoInstallation['app'];
let crm: DemoInstallation['crm'];
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  demo = await startDemoInstallation({ syncKey: SYNC_KEY, personKey: ALICE_KEY });
  ({ app, crm } = demo);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const tour = (page: Page) => page.getByTestId('tour');

async function tourStep(page: Page, title: string, position: string) {
  await tour(page).getByRole('heading', { name: title }).waitFor();
  await expect(tour(page).getByText(`Tour · ${position}`).isVisible()).resolves.toBe(true);
}

describe('the first run', () => {
  it('takes a newcomer from sign-up through the tour to a contact edited by hand arriving in the helpdesk', async () => {
    // A contact that already exists in the CRM before Syncline is connected.
    const res = await fetch(`${crm.url}/api/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALICE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', phone: '+1 555 0100' }),
    });
    expect(res.status).toBe(201);

    const page = await context.newPage();
    await signUpAdmin(page, app.url, { name: 'Nina Newcomer', email: 'nina@example.com', workspace: 'Nina’s company' });

    // Landed in the demo workspace, both sample flows active, the tour open on its first step.
    await expect(page.getByLabel('Workspace', { exact: true }).evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.text)).resolves.toBe('Demo: CRM ⇄ Helpdesk');
    await tourStep(page, 'Your two sample flows', '1 of 5');
    for (const name of ['CRM → Helpdesk contacts', 'Helpdesk → CRM phone and tier']) {
      const row = page.getByRole('row', { name: new RegExp(name) });
      await expect(row.getByText('Active', { exact: true }).isVisible(), name).resolves.toBe(true);
    }
    await expect(page.getByTestId('demo-banner').getByRole('status').count()).resolves.toBe(0); // no "not active" warning
    await page.screenshot({ path: screenshotPath('first-run-01-tour-flows') });

    // Step 2: the webhook flow on the canvas, with the editor's link to the Learn page.
    await tour(page).getByRole('button', { name: 'Next' }).click();
    await tourStep(page, 'CRM → Helpdesk on the canvas', '2 of 5');
    await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
    await page.locator('.react-flow__node').first().waitFor();
    await expect(page.getByRole('link', { name: 'How syncing works' }).getAttribute('href')).resolves.toBe('/learn');
    await page.screenshot({ path: screenshotPath('first-run-02-tour-canvas') });

    // Step 3: the demo CRM's page, from the banner.
    await tour(page).getByRole('button', { name: 'Next' }).click();
    await tourStep(page, 'Try it: edit a contact by hand', '3 of 5');
    await page.waitForURL(`${app.url}/flows`);
    await page.getByTestId('tour-spotlight').waitFor();
    await page.screenshot({ path: screenshotPath('first-run-03-tour-crm-link') });
    const [crmPage] = await Promise.all([context.waitForEvent('page'), page.getByTestId('demo-banner').getByRole('link', { name: /demo CRM/ }).click()]);
    await crmPage.waitForLoadState();
    expect(crmPage.url()).toBe(`${crm.url}/`);

    // Edited by hand on the CRM's page, as a person (alice) would.
    await crmPage.getByRole('row', { name: /Grace Hopper/ }).getByRole('button', { name: 'Edit' }).click();
    await crmPage.getByLabel('Last name').fill('Hopper-Murray');
    await crmPage.getByLabel('Email').fill('grace.hopper@example.com');
    await crmPage.getByRole('button', { name: 'Save changes' }).click();
    await crmPage.getByRole('row', { name: /Grace Hopper-Murray/ }).waitFor();
    await crmPage.screenshot({ path: screenshotPath('first-run-04-crm-edited'), fullPage: true });

    // It arrives in the helpdesk (its own page, refreshing every 2 s), written by the integration.
    const helpdeskPage = await context.newPage();
    await helpdeskPage.goto(demo.helpdesk.url);
    const arrived = helpdeskPage.getByRole('row', { name: /Grace Hopper-Murray/ });
    await eventually(async () => ((await arrived.count()) > 0 ? true : undefined), 'the customer in the helpdesk page');
    await expect(arrived.getByText('grace.hopper@example.com').isVisible()).resolves.toBe(true);
    await expect(arrived.getByText('svc-sync').isVisible()).resolves.toBe(true);
    await helpdeskPage.screenshot({ path: screenshotPath('first-run-05-helpdesk-arrived'), fullPage: true });

    // Step 4: the run that did it, on the Runs page.
    await page.bringToFront();
    await tour(page).getByRole('button', { name: 'Next' }).click();
    await tourStep(page, 'Every run, step by step', '4 of 5');
    await page.waitForURL(`${app.url}/runs`);
    const run = page.getByTestId('run-row').filter({ hasText: 'CRM → Helpdesk contacts' }).filter({ hasText: /succeeded/i });
    await eventually(async () => ((await run.count()) > 0 ? true : (await page.reload(), undefined)), 'the succeeded run on the Runs page');
    await page.getByTestId('tour-spotlight').waitFor();
    await page.screenshot({ path: screenshotPath('first-run-06-tour-runs') });

    // Step 5: the Learn page; finishing ends the tour for good.
    await tour(page).getByRole('button', { name: 'Next' }).click();
    await tourStep(page, 'The ideas in plain words', '5 of 5');
    await page.waitForURL(`${app.url}/learn`);
    await expect(page.getByRole('heading', { name: 'Loop prevention: the integration account' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath('first-run-07-tour-learn') });
    await tour(page).getByRole('button', { name: 'Finish' }).click();
    await page.goto(`${app.url}/flows`);
    await page.getByTestId('demo-banner').waitFor();
    await expect(tour(page).count()).resolves.toBe(0);

    // Restartable from the Help menu.
    await page.getByText('Help', { exact: true }).click();
    await page.screenshot({ path: screenshotPath('first-run-08-help-menu') });
    await page.getByRole('menuitem', { name: 'Take the tour' }).click();
    await tourStep(page, 'Your two sample flows', '1 of 5');
    await page.screenshot({ path: screenshotPath('first-run-09-tour-restarted') });
    await tour(page).getByRole('button', { name: 'End the tour' }).click();
    await expect(tour(page).count()).resolves.toBe(0);
  }, 300_000);
});
