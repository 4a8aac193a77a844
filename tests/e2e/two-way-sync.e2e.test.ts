/**
 * The two-way demo as a person sees it: the demo workspace's CRM -> Helpdesk flow shows its conflict
 * policy on the canvas, a contact created in the demo CRM reaches the helpdesk, a concurrent edit of its
 * email shows its conflict decision in the run detail, and the Privacy panel of the mappings page
 * anonymises that person in both systems.
 */
import type { Browser } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCrm, type DemoCrm } from '../../examples/demo-crm/service';
import { startDemoHelpdesk, type DemoHelpdesk } from '../../examples/demo-helpdesk/service';
import { createDemoDatabases } from '../../examples/shared/test-databases';
import { startApp, type RunningApp } from '../support/app-server';
import { launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpAdmin } from '../support/sign-up';

const SYNC_KEY = 'e2e-two-way-sync-key';
const ALICE_KEY = 'e2e-two-way-alice-key';
let database: TestDatabase;
let demoDbs: Awaited<ReturnType<typeof createDemoDatabases>>;
let crm: DemoCrm;
let helpdesk: DemoHelpdesk;
let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase();
  demoDbs = await createDemoDatabases();
  crm = await startDemoCrm({ databaseUrl: demoDbs.crmUrl, port: 0, apiKeys: new Map([[SYNC_KEY, 'svc-sync'], [ALICE_KEY, 'alice']]), webhooks: { retryBaseMs: 200, pollMs: 100 }, log: () => {} });
  helpdesk = await startDemoHelpdesk({ databaseUrl: demoDbs.helpdeskUrl, port: 0, log: () => {} });
  app = await startApp({ databaseUrl: database.url, env: { DEMO_CRM_URL: crm.url, DEMO_CRM_API_KEY: SYNC_KEY, DEMO_HELPDESK_DATABASE_URL: demoDbs.helpdeskUrl } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await crm?.stop();
  await helpdesk?.stop();
  await demoDbs?.drop();
  await database?.drop();
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('two-way sync and privacy in the demo workspace', () => {
  it('shows the conflict policy on the canvas and anonymises a synced person from the Privacy panel', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signUpAdmin(page, app.url, { name: 'Dana Admin', email: 'dana@example.com', workspace: 'Acme Integrations' });

    await page.getByRole('link', { name: 'CRM → Helpdesk contacts' }).first().click();
    const upsert = page.locator('[data-testid="flow-node"][data-node-label="Write name and email to the helpdesk"]');
    // The whole flow fits a laptop canvas only zoomed out, where cards show their labels alone: zoom in on the card.
    // (The canvas opens at a readable zoom from the trigger; fit the whole flow first to find the card.)
    await page.locator('.react-flow__controls-fitview').click();
    await upsert.waitFor();
    const box = (await upsert.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
    await upsert.getByText('email: newest wins ±2 s · 2 fields').waitFor();
    await page.screenshot({ path: screenshotPath('two-way-01-crm-to-helpdesk-canvas') });
    await upsert.screenshot({ path: screenshotPath('two-way-01b-upsert-card') });

    const res = await fetch(`${crm.url}/api/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALICE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Margaret', lastName: 'Hamilton', email: 'margaret@apollo.example', phone: '+1 617 555 0110' }),
    });
    const contact = (await res.json()) as { id: string };
    const sql = postgres(demoDbs.helpdeskUrl, { max: 1, onnotice: () => {} });
    try {
      const { id: helpdeskId } = await eventually('the helpdesk customer', async () => (await sql<{ id: string }[]>`select id from customers where email = 'margaret@apollo.example'`)[0]);

      // Both sides edit the email, the CRM last: its run records why its email wins.
      await fetch(`${helpdesk.url}/ui/customers/${helpdeskId}`, { method: 'PATCH', body: JSON.stringify({ email: 'margaret.hd@apollo.example' }) });
      await new Promise((r) => setTimeout(r, 2600));
      await fetch(`${crm.url}/api/contacts/${contact.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${ALICE_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'margaret.crm@apollo.example' }),
      });
      await eventually('the CRM email in the helpdesk', async () => (await sql`select id from customers where email = 'margaret.crm@apollo.example'`)[0]);
      const syncline = postgres(database.url, { max: 1, onnotice: () => {} });
      const [decided] = await eventually('the run with a conflict decision', async () => {
        const rows = await syncline<{ id: string }[]>`select s.run_id as id from run_steps s where s.node_id = 'upsert' and s.output::text like '%"winner": "source"%'`;
        return rows.length > 0 ? rows : undefined;
      }).finally(() => syncline.end());
      await page.goto(`${app.url}/runs/${decided!.id}`);
      await page.getByTestId('step-timeline').getByRole('button', { name: /Write name and email to the helpdesk/ }).click();
      const decisions = page.getByRole('region', { name: 'Conflict decisions' });
      await decisions.getByText('email: the source won').waitFor();
      await expect(decisions.textContent()).resolves.toMatch(/newest change wins/);
      await page.screenshot({ path: screenshotPath('two-way-03-run-conflict-decision'), fullPage: true });

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mappings' }).click();
      await page.waitForURL(`${app.url}/mappings`);
      const privacy = page.getByRole('region', { name: 'Privacy' });
      await privacy.getByLabel('Email or record id').fill('margaret.crm@apollo.example');
      await privacy.getByRole('button', { name: 'Anonymise', exact: true }).click();
      await page.getByRole('dialog', { name: 'Anonymise this person everywhere?' }).getByRole('button', { name: 'Anonymise everywhere' }).click();
      await expect(privacy.getByTestId('privacy-result').textContent()).resolves.toMatch(/^1 contacts in Demo CRM · 1 customers in Demo helpdesk · 2 mapping\(s\) forgotten · \d+ stored sample\(s\) scrubbed$/);
      await page.screenshot({ path: screenshotPath('two-way-02-privacy'), fullPage: true });

      const [customer] = await sql<{ name: string; email: string | null }[]>`select name, email from customers where id in (select id from customers where name = 'anonymised')`;
      expect(customer).toEqual({ name: 'anonymised', email: null });
      const after = (await (await fetch(`${crm.url}/api/contacts/${contact.id}`, { headers: { authorization: `Bearer ${SYNC_KEY}` } })).json()) as Record<string, unknown>;
      expect(after).toMatchObject({ firstName: null, lastName: null, email: null, phone: null });
    } finally {
      await sql.end();
    }
    await context.close();
  }, 300_000);
});
