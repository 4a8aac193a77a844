/**
 * Issue 14's first "Done when", as a new user does it in Chromium: sign up; connect the HubSpot contract
 * fake by OAuth (Connect → sign in and consent at a real oidc-provider → "Connected") and the Zendesk
 * contract fake by API token (Test connection passes); build a two-way sync of HubSpot Contacts ⇄ Zendesk
 * Users by hand (no template fits: the shipped examples are the demo CRM's), picking the objects and the
 * fields from lists; publish and activate both directions; then a change made in HubSpot arrives in Zendesk
 * once and a change made in Zendesk arrives in HubSpot once, each bounce stopped.
 *
 * Loop prevention, as the two documented APIs allow it:
 * - HubSpot stamps `hs_updated_by_user_id` with the user behind a change; the HubSpot connection's
 *   integration identity is the user its token acts for, and the HubSpot → Zendesk flow continues only for
 *   changes by someone else (its runs of Syncline's own writes show "Skipped as echo").
 * - Zendesk's users carry no "modified by" field, so the Zendesk → HubSpot direction cannot tell
 *   Syncline's writes apart by author: the echo of a HubSpot change reaches the HubSpot upsert, which matches
 *   the contact by email, finds it holding every value already and sends nothing ("Unchanged").
 *
 * Zendesk's incremental export leaves out changes of the last minute (documented, and so does the fake):
 * a Zendesk change reaches the poll a minute later at the earliest, which sets this test's length.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubSpotFake, type HubSpotFake } from '../fakes/hubspot-fake';
import { startOAuthProvider, type OAuthProvider } from '../fakes/oauth-provider';
import { startZendeskFake, type ZendeskFake } from '../fakes/zendesk-fake';
import { startApp, type RunningApp } from '../support/app-server';
import { allowBrowserErrors, launchBrowser, screenshotPath } from '../support/browser';
import { canvasOf } from '../support/canvas';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpAdmin } from '../support/sign-up';

/** The HubSpot user the OAuth grant acts for: the fake stamps API writes with it. */
const INTEGRATION_USER = '7700';
/** A person editing in HubSpot's own pages. */
const PERSON_USER = '1234';
const ZENDESK_TOKEN = 'zd-e2e14-token';

let database: TestDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;
let provider: OAuthProvider;
let hubspot: HubSpotFake;
let zendesk: ZendeskFake;
let canvas: ReturnType<typeof canvasOf>;
let shot = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startApp({ databaseUrl: database.url });
  provider = await startOAuthProvider({ redirectUris: [`${app.url}/api/oauth/callback`] });
  hubspot = await startHubSpotFake({ token: 'pat-not-used', introspect: (token) => provider.introspect(token), apiUserId: INTEGRATION_USER });
  zendesk = await startZendeskFake({ email: 'admin@acme.example', token: ZENDESK_TOKEN });
  // Two people both systems already hold alike (samples are captured from them), changed an hour ago by people.
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const [name, email, phone] of [['Ada', 'ada@acme.example', '+44 20 7946 0001'], ['Grace', 'grace@acme.example', '+1 555 0101']] as const) {
    hubspot.seed({ email, firstname: name, phone, hs_updated_by_user_id: PERSON_USER }, anHourAgo);
    zendesk.seed({ name, email, phone }, anHourAgo);
  }
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  canvas = canvasOf(page);
});

afterAll(async () => {
  await browser?.close();
  await hubspot?.close();
  await zendesk?.close();
  await provider?.close();
  await app?.stop();
  await database?.drop();
});

async function screenshot(step: string): Promise<void> {
  shot += 1;
  await page.screenshot({ path: screenshotPath(`hubspot-zendesk-${String(shot).padStart(2, '0')}-${step}`), fullPage: true });
}

/** Opens a picker by clicking into its box and picks a choice from the list (no typing). */
async function pick(box: Locator, choice: RegExp): Promise<void> {
  await box.click();
  await page.getByRole('listbox', { name: 'Choices' }).getByRole('option', { name: choice }).first().click();
}

const panel = () => page.getByTestId('side-panel');
const openStep = (label: string) => canvas.nodeCard(label).click({ position: { x: 60, y: 20 } });

async function newConnection(): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
  await page.waitForURL(`${app.url}/connections`);
  await page.getByRole('button', { name: 'New connection' }).click();
  await page.getByLabel('Kind').selectOption('connector');
}

/** A new flow: poll trigger on `source`, optionally a loop guard, then an Upsert. Returns when the graph is drawn. */
async function draftFlow(name: string, withGuard: boolean): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }).click();
  await page.getByRole('button', { name: 'New flow' }).first().click();
  const naming = page.getByRole('dialog', { name: 'New flow' });
  await naming.getByLabel('Flow name').fill(name);
  await naming.getByRole('button', { name: 'Create flow' }).click();
  await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
  await canvas.dropStep('core.poll-trigger', { x: 200, y: 80 });
  await canvas.nodeCard('Poll for changes').waitFor();
  if (withGuard) {
    await canvas.dropStep('core.continue-if', { x: 200, y: 260 });
    await canvas.nodeCard('Continue if').waitFor();
  }
  await canvas.dropStep('sync.upsert-record', { x: 200, y: withGuard ? 440 : 300 });
  await canvas.nodeCard('Upsert record').waitFor();
  if (withGuard) {
    await canvas.connect('Poll for changes', 'main', 'Continue if');
    await canvas.connect('Continue if', 'main', 'Upsert record');
  } else {
    await canvas.connect('Poll for changes', 'main', 'Upsert record');
  }
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(withGuard ? 2 : 1);
}

/**
 * The poll trigger: the connection, its object from the list, checked every 5 s (the smallest allowed), and a live
 * sample. (A declared connector's id and modified-at fields come from its declaration.)
 */
async function configurePoll(connection: string, object: RegExp): Promise<void> {
  await openStep('Poll for changes');
  await panel().getByTestId('field-connectionId').getByRole('combobox').selectOption({ label: connection });
  await pick(panel().getByTestId('field-objectType').getByRole('combobox'), object);
  // 5 s is the least "Check every (seconds)" accepts.
  await panel().getByTestId('field-intervalSeconds').getByRole('spinbutton').fill('5');
  await panel().getByRole('button', { name: 'Capture a live sample' }).click();
  await panel().getByTestId('sample-summary').waitFor();
}

/** The Upsert: target connection and object from lists, each mapping's target and source picked, matched by email. */
async function configureUpsert(connection: string, object: RegExp, mappings: [RegExp, RegExp][]): Promise<void> {
  await openStep('Upsert record');
  await panel().getByTestId('field-connectionId').getByRole('combobox').selectOption({ label: connection });
  await pick(panel().getByTestId('field-objectType').getByRole('combobox'), object);
  for (const [i, [target, source]] of mappings.entries()) {
    await panel().getByRole('button', { name: 'Add mapping' }).click();
    await pick(panel().getByLabel(`Mapping ${i + 1} target`), target);
    await pick(panel().getByLabel(`Mapping ${i + 1} source field`), source);
  }
  const match = panel().getByTestId('field-matchBy');
  await match.getByLabel('Match on a field both records have').check();
  await pick(match.getByLabel('Target field'), /^email/);
  await pick(match.getByLabel('Equals the item field'), /^email/);
}

async function publishAndActivate(): Promise<void> {
  await expect.poll(() => page.locator('[data-testid="problem-badge"][data-severity="error"]').count()).toBe(0);
  await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
  await page.getByRole('button', { name: 'Publish flow' }).click();
  const dialog = page.getByRole('dialog', { name: 'Publish' });
  await dialog.getByLabel(/What changed/).fill('Two-way sync, first version');
  await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByText('Published version 1').waitFor();
  await page.getByRole('button', { name: 'Activate' }).click();
  await expect.poll(() => page.getByTestId('flow-status').textContent()).toBe('Active');
}

/** Syncline's writes to a fake (creates and updates of the synced object). */
const hubspotWrites = () => hubspot.log.filter((r) => (r.method === 'POST' && r.url === '/crm/v3/objects/contacts') || r.method === 'PATCH');
const zendeskWrites = () => zendesk.log.filter((r) => (r.method === 'POST' && r.url === '/api/v2/users.json') || r.method === 'PUT');

describe('HubSpot ⇄ Zendesk two-way sync, built by a new user', () => {
  it('connects HubSpot by OAuth sign-in', async () => {
    // The provider's development pages load a web font this network cannot reach (as in oauth-connect.e2e.test.ts).
    allowBrowserErrors(new RegExp(`^console error on ${provider.issuer.replace(/[.]/g, '\\.')}/`));
    await signUpAdmin(page, app.url, { name: 'Hana Analyst', email: 'hana@example.com', workspace: 'Acme Support' });
    await newConnection();
    await page.getByLabel('System', { exact: true }).selectOption('hubspot');
    await page.getByLabel('Name').fill('HubSpot');
    await page.getByLabel('Sign in with').selectOption('oauth');
    await page.getByLabel('OAuth app client id').fill(provider.client.id);
    await page.getByLabel('Other base URL').fill(hubspot.url);
    await page.getByLabel('Other sign-in page').fill(provider.authorizeUrl);
    await page.getByLabel('Other token URL').fill(provider.tokenUrl);
    await page.getByLabel('Client secret').fill(provider.client.secret);
    await page.getByLabel('Integration identity').fill(INTEGRATION_USER);
    await page.getByLabel('Allow private and loopback network addresses').check();
    await screenshot('hubspot-form');
    await page.getByRole('button', { name: 'Create connection' }).click();
    const row = page.getByTestId('connection-HubSpot');
    await row.getByRole('button', { name: 'Connect' }).click();
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name="login"]').fill('hana@acme.example');
    await page.locator('input[name="password"]').fill('hubspot password');
    await screenshot('provider-sign-in');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === app.url && url.pathname === '/connections');
    await row.getByText('Connected', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText('HubSpot: GET /crm/v3/objects/contacts answered HTTP 200.').first().waitFor();
    await screenshot('hubspot-connected');
  });

  it('connects Zendesk by API token', async () => {
    await newConnection();
    await page.getByLabel('System', { exact: true }).selectOption('zendesk');
    await page.getByLabel('Name').fill('Zendesk');
    await page.getByLabel('Zendesk subdomain').fill('acme');
    await page.getByLabel('Agent email').fill('admin@acme.example');
    await page.getByLabel('Other base URL').fill(zendesk.url);
    await page.getByLabel('API token', { exact: true }).fill(ZENDESK_TOKEN);
    await page.getByLabel('Integration identity').fill('admin@acme.example');
    await page.getByLabel('Allow private and loopback network addresses').check();
    await page.getByRole('button', { name: 'Create connection' }).click();
    const row = page.getByTestId('connection-Zendesk');
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText('Zendesk Support: GET /api/v2/users/me.json answered HTTP 200.').first().waitFor();
    await screenshot('zendesk-connected');
  });

  it('builds HubSpot → Zendesk with a loop guard on “updated by”, from lists, and activates it', async () => {
    await draftFlow('HubSpot contacts → Zendesk users', true);
    await configurePoll('HubSpot (connector)', /contacts/i);
    await screenshot('hubspot-poll');
    await openStep('Continue if');
    await panel().getByRole('button', { name: 'Not changed by the integration' }).click();
    await pick(panel().getByLabel('Condition 1 field'), /^hs_updated_by_user_id/);
    await panel().getByLabel('Condition 1 connection').selectOption({ label: 'HubSpot (connector)' });
    await screenshot('loop-guard');
    await configureUpsert('Zendesk (connector)', /users/i, [
      [/^email/, /^email/],
      [/^name/, /^firstname/],
      [/^phone/, /^phone/],
    ]);
    await screenshot('upsert-to-zendesk');
    await publishAndActivate();
  });

  it('builds Zendesk → HubSpot from lists and activates it', async () => {
    await draftFlow('Zendesk users → HubSpot contacts', false);
    await configurePoll('Zendesk (connector)', /users/i);
    await configureUpsert('HubSpot (connector)', /contacts/i, [
      [/^email/, /^email/],
      [/^firstname/, /^name/],
      [/^phone/, /^phone/],
    ]);
    await screenshot('upsert-to-hubspot');
    await publishAndActivate();
  });

  it('a change on either side arrives once, and its bounce is stopped', async () => {
    const ada = [...hubspot.contacts.values()].find((c) => c.properties.email === 'ada@acme.example')!;
    const grace = [...zendesk.users.values()].find((u) => u.email === 'grace@acme.example')!;
    const adaInZendesk = () => [...zendesk.users.values()].find((u) => u.email === 'ada@acme.example');
    const graceInHubSpot = () => [...hubspot.contacts.values()].find((c) => c.properties.email === 'grace@acme.example');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await page.waitForURL(`${app.url}/runs`);
    /** The outcome of every run in Runs, with its direction, sorted. */
    const outcomes = async () => {
      await page.reload();
      await page.getByTestId('runs-table').or(page.getByText('No runs yet')).first().waitFor();
      const rows = await page.getByTestId('run-row').evaluateAll((trs) =>
        trs.map((tr) => `${tr.querySelector('[data-testid="run-outcome"]')?.getAttribute('data-outcome')} · ${tr.textContent?.includes('HubSpot contacts → Zendesk') ? 'to Zendesk' : 'to HubSpot'}`),
      );
      return rows.sort();
    };
    // The first polls read both people on both sides and find the other side holding them already.
    await expect.poll(outcomes, { timeout: 90_000, interval: 1_000 }).toEqual(['unchanged · to HubSpot', 'unchanged · to Zendesk']);
    await screenshot('runs-first-polls');
    const zendeskBefore = zendeskWrites().length;
    const hubspotBefore = hubspotWrites().length;

    // A person edits Ada's phone in HubSpot: it arrives in Zendesk.
    hubspot.touch(ada.id, { phone: '+44 20 7946 0999' }, PERSON_USER);
    await expect.poll(() => adaInZendesk()?.phone, { timeout: 30_000, interval: 250 }).toBe('+44 20 7946 0999');
    // An agent edits Grace's phone in Zendesk, a little later (so the two reach the Zendesk poll apart):
    // a minute on, past Zendesk's export horizon, Grace arrives in HubSpot, written by the integration user.
    await new Promise((r) => setTimeout(r, 10_000));
    zendesk.touch(grace.id, { phone: '+1 555 0199' }, new Date());
    await expect.poll(() => graceInHubSpot()?.properties.phone, { timeout: 120_000, interval: 500 }).toBe('+1 555 0199');
    expect(graceInHubSpot()?.properties.hs_updated_by_user_id).toBe(INTEGRATION_USER);

    // Runs says what happened: each change written once; Ada's write to Zendesk came back from the Zendesk poll
    // and found HubSpot holding those values ("Unchanged", nothing sent); Grace's write to HubSpot came back from
    // the HubSpot poll and met the loop guard ("Skipped as echo").
    const settled = ['echo · to Zendesk', 'unchanged · to HubSpot', 'unchanged · to HubSpot', 'unchanged · to Zendesk', 'written · to HubSpot', 'written · to Zendesk'];
    await expect.poll(outcomes, { timeout: 30_000, interval: 1_000 }).toEqual(settled);
    // Three more checks of each poll: nothing further bounces.
    await new Promise((r) => setTimeout(r, 15_000));
    await expect(outcomes()).resolves.toEqual(settled);
    await screenshot('runs');

    expect(zendeskWrites().length - zendeskBefore).toBe(1); // Ada's phone
    expect(hubspotWrites().length - hubspotBefore).toBe(1); // Grace's phone
    // Ada's record in HubSpot still shows the person's change, not the integration's echo of it.
    expect(hubspot.contacts.get(ada.id)?.properties).toMatchObject({ phone: '+44 20 7946 0999', hs_updated_by_user_id: PERSON_USER });
    expect(zendesk.users.get(grace.id)?.phone).toBe('+1 555 0199');
  }, 240_000);
});
