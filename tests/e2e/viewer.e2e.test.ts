/**
 * A viewer finds no control they cannot use, on every page: the admin builds the workspace (a
 * published webhook flow with a run and a refused delivery, the viewer added under Settings), then the
 * viewer signs in and walks every page of the sidebar, the flow editor (read-only canvas, no
 * restore) and a run. Two checks, on every page: no control whose name says it edits is shown
 * (EDITING_CONTROLS), and every button the viewer can press (and every button of a dialog it opens)
 * is pressed, and no answer of the app says FORBIDDEN (a control offered that the role may not use).
 * Also: the admin's webhook trigger panel (URL, curl, refused deliveries), and the browser error
 * watch every e2e test relies on (tests/support/browser.ts).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { startApp, type RunningApp } from '../support/app-server';
import { allowBrowserErrors, launchBrowser, screenshotPath, takeBrowserErrors } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { contactIntakeFlow, createPublishedFlow } from '../support/flows';
import { signUpAdmin } from '../support/sign-up';

let database: TestDatabase;
let handle: DbHandle;
let app: RunningApp;
let browser: Browser;
let admin: Page;
let viewer: Page;
let flow: { flowId: string; token: string };
/** tRPC calls the app refused the viewer (FORBIDDEN): each one is a control or a page offering what the role may not do. */
const refused: string[] = [];

const VIEWER = { name: 'Vic Viewer', email: 'vic@example.com', password: 'viewer password 1' };

/** Buttons, links and fields that change things only analysts or admins may change. */
const EDITING_CONTROLS =
  /^(New flow|Create your first flow|Import|Duplicate|Archive|Delete|Publish|Publish flow|Test run|Activate|Pause|Resume|Restore as draft|Tidy up|Undo|Redo|Add (condition|mapping|member|rule|channel)|New (connection|rule|channel)|Create (rule|channel|connection)|Start load|Full re-sync|Roll back|Retire|Rotate secret|Test connection|Anonymise|Save|Reset the cursor|Re-sync since)\b/i;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 2 });
  app = await startApp({ databaseUrl: database.url });
  browser = await launchBrowser();
  admin = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  // Copy buttons write to the clipboard, which a headless browser allows only with the permission.
  viewer = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] })).newPage();
  viewer.on('response', (response) => {
    if (!response.url().includes('/api/trpc/')) return;
    void response.text().then(
      (body) => {
        if (response.status() === 403 || body.includes('"FORBIDDEN"')) refused.push(`${new URL(response.url()).pathname} on ${viewer.url()}`);
      },
      () => {},
    );
  });
  admin.setDefaultTimeout(15_000);
  viewer.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await handle?.close();
  await database?.drop();
});

/** Every visible, enabled control on the page whose name says it edits something. */
async function editingControls(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const role of ['button', 'link', 'menuitem'] as const) {
    for (const control of await page.getByRole(role).all()) {
      if (!(await control.isVisible()) || !(await control.isEnabled())) continue;
      const name = ((await control.getAttribute('aria-label')) ?? (await control.innerText())).trim();
      if (EDITING_CONTROLS.test(name)) found.push(`${role} “${name}”`);
    }
  }
  return found;
}

/** Buttons the crawl leaves alone: signing out would end the walk. */
const NOT_PRESSED = /^(Sign out|Log out)\b/i;

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(150);
}

async function pressable(scope: Locator): Promise<Locator[]> {
  const out: Locator[] = [];
  for (const button of await scope.getByRole('button').all()) {
    if (!(await button.isVisible()) || !(await button.isEnabled())) continue;
    const name = ((await button.getAttribute('aria-label')) ?? (await button.innerText())).trim();
    if (!NOT_PRESSED.test(name)) out.push(button);
  }
  return out;
}

/**
 * Presses every visible, enabled button of the page at `url` as the viewer, one after the other from
 * a fresh load; when a press opens a dialog, presses that dialog's buttons too (its confirm button is
 * where a refusal would come); after each press the controls on screen (an open menu's items
 * included) are checked against EDITING_CONTROLS. Returns the editing controls seen.
 */
async function pressEveryButton(page: Page, url: string): Promise<string[]> {
  const seen: string[] = [];
  await page.goto(url);
  await settle(page);
  const count = (await pressable(page.locator('body'))).length;
  for (let i = 0; i < count; i++) {
    if (page.url() !== url) await page.goto(url);
    await settle(page);
    const button = (await pressable(page.locator('body')))[i];
    if (!button) continue;
    await button.click({ timeout: 5000 }).catch(() => {}); // covered or gone since: nothing to press
    await settle(page);
    seen.push(...(await editingControls(page)));
    for (let depth = 0; depth < 4; depth++) {
      const dialog = page.getByRole('dialog').last();
      if (!(await dialog.isVisible().catch(() => false))) break;
      const inner = await pressable(dialog);
      if (inner.length === 0) break;
      await inner[inner.length - 1]!.click({ timeout: 5000 }).catch(() => {});
      await settle(page);
      seen.push(...(await editingControls(page)));
    }
    await page.keyboard.press('Escape');
  }
  return [...new Set(seen)];
}

const post = (token: string, body: string) => fetch(`${app.url}/api/hooks/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('the browser error watch', () => {
  it('catches an uncaught error in a page', async () => {
    await admin.goto(`${app.url}/sign-in`);
    await admin.evaluate(() => setTimeout(() => {
      throw new Error('deliberate test error');
    }));
    await expect.poll(() => takeBrowserErrors().join('\n')).toContain('deliberate test error');
  });
});

describe('a viewer', () => {
  it("joins by the admin's invitation, as viewer; the admin also has a webhook flow with a run and a refused delivery", async () => {
    await signUpAdmin(admin, app.url, { name: 'Ada Admin', email: 'ada@example.com', workspace: 'Acme' });
    const sql = postgres(database.url, { max: 1 });
    const [ws] = await sql<{ workspace_id: string; user_id: string }[]>`select m.workspace_id, m.user_id from memberships m join "user" u on u.id = m.user_id where u.email = 'ada@example.com'`;
    await sql.end();
    flow = await createPublishedFlow(handle.db, { workspaceId: ws!.workspace_id, userId: ws!.user_id }, contactIntakeFlow());
    expect((await post(flow.token, '{"id":"1","email":"grace@example.com"}')).status).toBe(202);
    expect((await post(flow.token, '{"id": "2", "email": ')).status).toBe(400);

    await admin.goto(`${app.url}/settings`);
    await admin.getByLabel('Email', { exact: true }).fill(VIEWER.email);
    await admin.getByLabel('Role', { exact: true }).selectOption('viewer');
    await admin.getByRole('button', { name: 'Invite' }).click();
    const link = await admin.getByLabel('Invitation link').inputValue();

    // The viewer opens the link, signs up with the invited address and accepts in the app.
    await viewer.goto(link);
    await viewer.getByRole('link', { name: 'Create an account' }).click();
    await viewer.waitForURL(`${app.url}/sign-up`);
    await viewer.getByLabel('Your name').fill(VIEWER.name);
    await viewer.getByLabel('Work email').fill(VIEWER.email);
    await viewer.getByLabel('Password').fill(VIEWER.password);
    await viewer.getByLabel('Workspace name').fill('Vic’s sandbox');
    await viewer.getByRole('button', { name: 'Create account' }).click();
    await viewer.waitForURL(`${app.url}/flows`);
    await viewer.getByRole('region', { name: 'Invitations' }).getByRole('button', { name: 'Accept' }).click();
    await viewer.waitForFunction(() => document.querySelector('[data-testid="current-role"]')?.textContent === 'viewer');
  });

  it('(the admin) sees the webhook URL, a ready curl and the refused delivery on the trigger panel', async () => {
    await admin.goto(`${app.url}/flows/${flow.flowId}`);
    await admin.locator('.react-flow__node', { has: admin.locator('[data-node-label="Contact changed"]') }).click({ position: { x: 60, y: 20 } });
    const card = admin.getByRole('region', { name: 'Webhook address' });
    await expect(card.getByTestId('webhook-url').textContent()).resolves.toBe(`${app.url}/api/hooks/${flow.token}`);
    await expect(card.getByTestId('webhook-curl').textContent()).resolves.toContain(`curl -X POST '${app.url}/api/hooks/${flow.token}'`);
    await card.getByRole('button', { name: 'Copy the webhook URL' }).waitFor();
    await card.getByRole('list', { name: 'Refused deliveries' }).getByText(/HTTP 400: The body is not valid JSON/).waitFor();
    await admin.screenshot({ path: screenshotPath('viewer-00-admin-trigger-panel') });
  });

  it('finds no editing control on any page of the sidebar', async () => {
    for (const path of ['/dashboard', '/flows', '/runs', '/lineage', '/connections', '/mappings', '/alerts', '/bulk', '/settings', '/learn']) {
      await viewer.goto(`${app.url}${path}`);
      await viewer.waitForLoadState('networkidle');
      await viewer.screenshot({ path: screenshotPath(`viewer-page${path.replace(/\//g, '-')}`), fullPage: true });
      expect({ path, controls: await editingControls(viewer) }).toEqual({ path, controls: [] });
    }
  });


  it('reads a flow without being able to change it: no editing control, no restore, steps cannot be dragged', async () => {
    await viewer.goto(`${app.url}/flows/${flow.flowId}`);
    const card = viewer.locator('.react-flow__node', { has: viewer.locator('[data-node-label="Has an email"]') });
    await card.waitFor();
    expect(await editingControls(viewer)).toEqual([]);
    const trigger = viewer.locator('.react-flow__node', { has: viewer.locator('[data-node-label="Contact changed"]') });
    const before = (await card.boundingBox())!;
    const triggerBefore = (await trigger.boundingBox())!;
    await viewer.mouse.move(before.x + 40, before.y + 20);
    await viewer.mouse.down();
    await viewer.mouse.move(before.x + 140, before.y + 120, { steps: 10 });
    await viewer.mouse.up();
    const after = (await card.boundingBox())!;
    const triggerAfter = (await trigger.boundingBox())!;
    // Neither the step moved (layout) nor the view panned under the pointer (the step looks dragged).
    expect({ x: after.x - triggerAfter.x, y: after.y - triggerAfter.y }).toEqual({ x: before.x - triggerBefore.x, y: before.y - triggerBefore.y });
    expect({ x: after.x, y: after.y }).toEqual({ x: before.x, y: before.y });

    await card.click({ position: { x: 60, y: 20 } });
    const panel = viewer.getByTestId('side-panel');
    await panel.waitFor();
    await expect(panel.locator('input:enabled:not([readonly]), select:enabled, textarea:enabled').count()).resolves.toBe(0);
    expect(await editingControls(viewer)).toEqual([]);
    await viewer.screenshot({ path: screenshotPath('viewer-flow-read-only') });

    await viewer.getByRole('button', { name: 'Versions' }).click();
    const history = viewer.getByRole('dialog', { name: 'Version history' });
    await history.getByText('v1').waitFor();
    await expect(history.getByRole('button', { name: 'Restore as draft' }).count()).resolves.toBe(0);
    await history.getByRole('button', { name: 'Compare with draft' }).click();
    await viewer.screenshot({ path: screenshotPath('viewer-versions') });
    await viewer.keyboard.press('Escape');
  });

  it('opens a run of the flow without editing controls', async () => {
    await viewer.goto(`${app.url}/runs`);
    const runLink = viewer.locator('a[href^="/runs/"]').first();
    await runLink.waitFor({ timeout: 60_000 });
    await runLink.click();
    await viewer.waitForURL(/\/runs\/[0-9a-f-]{36}/);
    await viewer.waitForLoadState('networkidle');
    await viewer.screenshot({ path: screenshotPath('viewer-run'), fullPage: true });
    expect(await editingControls(viewer)).toEqual([]);
  });

  // Last: pressing everything changes what the viewer's pages remember (collapsed panels, a queued retry).
  it('presses every button on every page (and in every dialog one opens) without being refused', async () => {
    // The watch itself: a call the role may not make is seen (the browser logs its 403, on purpose here).
    allowBrowserErrors(/403/);
    await viewer.goto(`${app.url}/flows`);
    await viewer.evaluate(() => fetch('/api/trpc/flows.create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: { name: 'x' } }) }));
    await expect.poll(() => refused.length).toBe(1);
    refused.length = 0;

    await viewer.goto(`${app.url}/runs`);
    const runLink = viewer.locator('a[href^="/runs/"]').first();
    await runLink.waitFor({ timeout: 60_000 });
    const runPath = await runLink.getAttribute('href');
    const pages = ['/dashboard', '/flows', `/flows/${flow.flowId}`, '/runs', runPath!, '/lineage', '/connections', '/mappings', '/alerts', '/bulk', '/settings', '/learn'];
    for (const path of pages) {
      const controls = await pressEveryButton(viewer, `${app.url}${path}`);
      expect({ path, controls, refused }).toEqual({ path, controls: [], refused: [] });
    }
  }, 600_000);
});
