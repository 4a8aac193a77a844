import { and, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAlertSignature } from '../../domain/alerts/alert-signature';
import { openDb, type DbHandle } from '../../db/client';
import { flows, runs, users, workspaces, memberships } from '../../db/schema';
import { runWorkflowId } from '../../temporal/api/ids';
import { startApp, type RunningApp } from '../support/app-server';
import { launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { contactIntakeFlow, createPublishedFlow } from '../support/flows';
import { signUpAdmin } from '../support/sign-up';

const SECRET = 'e2e-alert-secret-5b1f0c9d2e';
let database: TestDatabase;
let handle: DbHandle;
let app: RunningApp;
let browser: Browser;
let receiver: Server;
let receiverUrl: string;
const received: { raw: string; timestamp: string; signature: string }[] = [];

async function eventually(check: () => Promise<void> | void, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 3 });
  app = await startApp({ databaseUrl: database.url, env: { SYNCLINE_DEMO: 'off' } });
  process.env.SYNCLINE_ENCRYPTION_KEY = app.env.SYNCLINE_ENCRYPTION_KEY; // the test's own connection rows must be readable by the app
  browser = await launchBrowser();
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      received.push({ raw, timestamp: String(req.headers['x-syncline-timestamp']), signature: String(req.headers['x-syncline-signature']) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
});

afterAll(async () => {
  receiver?.close();
  await browser?.close();
  await app?.stop();
  await handle?.close();
  await database?.drop();
});

describe('alerts, as an admin sets them up and everyone sees them', () => {
  it('creates a channel and a rule, then a failed run rings the bell once and reaches the webhook signed', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const bodies: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/trpc')) void r.text().then((t) => bodies.push(t), () => {});
    });
    await signUpAdmin(page, app.url, { name: 'Ada Admin', email: 'ada@example.com', workspace: 'Acme Integrations' });

    const [owner] = await handle.db
      .select({ userId: users.id, workspaceId: workspaces.id })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .innerJoin(workspaces, and(eq(workspaces.id, memberships.workspaceId), eq(workspaces.name, 'Acme Integrations')))
      .where(eq(users.email, 'ada@example.com'));
    const { flowId } = await createPublishedFlow(handle.db, owner!, contactIntakeFlow());
    const [flow] = await handle.db.select().from(flows).where(eq(flows.id, flowId));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await page.waitForURL(`${app.url}/alerts`);
    // Every new workspace starts with this rule (issue 16): it fires for the same failed run below.
    await page.getByRole('cell', { name: /^Any run failed/ }).waitFor();
    await page.getByRole('button', { name: 'New channel' }).click();
    const channelForm = page.getByRole('form', { name: 'New webhook channel' });
    await channelForm.getByLabel('Name').fill('On-call');
    await channelForm.getByLabel('URL').fill(receiverUrl);
    await channelForm.getByLabel('Signing secret').fill(SECRET);
    await channelForm.getByLabel('Allow private network addresses').check();
    await channelForm.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('cell', { name: 'On-call' }).waitFor();

    await page.getByRole('button', { name: 'New rule' }).click();
    const ruleForm = page.getByRole('form', { name: 'New alert rule' });
    await ruleForm.getByLabel('Name').fill('Sync failing');
    await ruleForm.getByLabel('When').selectOption('failure_count');
    await ruleForm.getByLabel('Failures (N)').fill('1');
    await ruleForm.getByLabel('Within (minutes, M)').fill('15');
    await ruleForm.getByLabel('Webhook “On-call”').check();
    await page.screenshot({ path: screenshotPath('alerts-01-rule-form'), fullPage: true });
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('cell', { name: /^Sync failing/ }).waitFor();

    const runId = randomUUID();
    await handle.db.insert(runs).values({
      id: runId,
      workspaceId: owner!.workspaceId,
      flowId,
      flowVersionId: flow!.activeVersionId!,
      version: 1,
      trigger: 'webhook',
      workflowId: runWorkflowId(runId),
      status: 'failed',
      finishedAt: new Date(),
      error: { message: 'The CRM answered HTTP 503.', category: 'transient' },
    });
    // The worker's alert loop evaluates every 20 s.
    await eventually(() => expect(received).toHaveLength(1));
    const message = received[0]!;
    expect(verifyAlertSignature(SECRET, message.timestamp, message.raw, message.signature)).toBe(true);
    expect(JSON.parse(message.raw)).toMatchObject({ event: 'firing', flow: { id: flowId } });

    await page.reload();
    const bell = page.getByRole('button', { name: /Notifications: 2 unread/ }); // "Sync failing" and the default "Any run failed"
    await eventually(async () => expect(await bell.isVisible()).toBe(true), 45_000);
    await bell.click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText(/Sync failing/).first().waitFor();
    await page.getByRole('cell', { name: 'Firing', exact: true }).first().waitFor();
    await page.getByRole('cell', { name: 'delivered', exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('alerts-02-bell-open'), fullPage: false });
    await panel.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await page.screenshot({ path: screenshotPath('alerts-03-page'), fullPage: true });

    // The condition holds (the failure is still in the window): no second message meanwhile.
    expect(received).toHaveLength(1);

    await page.goto(`${app.url}/settings`);
    await page.getByRole('heading', { name: 'Data retention' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('alerts-04-retention'), fullPage: true });
    await page.goto(`${app.url}/flows/${flowId}`);
    await page.getByRole('button', { name: 'Item data: samples kept' }).click();
    await page.getByLabel('Never store item data').click(); // the box follows the saved setting, not the click
    await page.getByRole('button', { name: 'Item data: not stored' }).waitFor();
    await page.screenshot({ path: screenshotPath('alerts-05-item-data'), fullPage: false });
    const [stored] = await handle.db.select({ neverStoreItemData: flows.neverStoreItemData }).from(flows).where(eq(flows.id, flowId));
    expect(stored!.neverStoreItemData).toBe(true);

    for (const body of bodies) expect(body).not.toContain(SECRET);
    await context.close();
  });
});
