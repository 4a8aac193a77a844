/**
 * An admin connects a MySQL / MariaDB database in the browser (the real MariaDB of tests/setup/mariadb.ts), tests
 * it, and never sees the password again; changing the host then asks for the password again (the credential guard).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariaDb, type MariaDb } from '../setup/mariadb';
import { startApp, type RunningApp } from '../support/app-server';
import { allowBrowserErrors, launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpAdmin } from '../support/sign-up';

let maria: MariaDb;
let database: TestDatabase;
let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  maria = await startMariaDb();
  await maria.createDatabase('shop');
  database = await createTestDatabase();
  app = await startApp({ databaseUrl: database.url });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await database?.drop();
  await maria?.stop();
});

describe('a MySQL connection, as an admin makes it', () => {
  it('connects MariaDB with host, port, database, user and password, tests it, and asks for the password again when the host changes', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const bodies: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/trpc')) void r.text().then((t) => bodies.push(t), () => {});
    });
    await signUpAdmin(page, app.url, { name: 'Mia Admin', email: 'mia@example.com', workspace: 'Shop Integrations' });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await page.waitForURL(`${app.url}/connections`);
    await page.getByRole('button', { name: 'New connection' }).click();
    await page.getByLabel('Kind').selectOption('mysql');
    await page.getByLabel('Name').fill('Shop database');
    await page.getByLabel('Host').fill(maria.host);
    await page.getByLabel('Port').fill(String(maria.port));
    await page.getByLabel('Database').fill('shop');
    await page.getByLabel('User', { exact: true }).fill(maria.user);
    await page.getByLabel('TLS').selectOption('off');
    await page.getByLabel('Password', { exact: true }).fill(maria.password);
    await page.getByLabel('Allow private and loopback network addresses').check();
    await page.screenshot({ path: screenshotPath('mysql-01-form'), fullPage: true });
    await page.getByRole('button', { name: 'Create connection' }).click();

    const row = page.getByTestId('connection-Shop database');
    await row.waitFor();
    await row.getByText('MySQL or MariaDB database').waitFor();
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText(/Connected: MariaDB 10\.\d+.* database "shop" \(without TLS\)\./).first().waitFor();
    await row.getByText('healthy').waitFor();
    await page.screenshot({ path: screenshotPath('mysql-02-tested'), fullPage: true });

    // The refused save answers 400, which the browser logs: expected here.
    allowBrowserErrors(/status of 400 \(Bad Request\) \(.*connections\.update/);
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Host').fill('localhost');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('secret: enter the password again', { exact: false }).first().waitFor();
    await page.screenshot({ path: screenshotPath('mysql-03-host-changed'), fullPage: true });
    for (const body of bodies) expect(body).not.toContain(maria.password);
    await context.close();
  });
});
