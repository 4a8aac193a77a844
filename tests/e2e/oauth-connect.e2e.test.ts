/**
 * "Connect" as a user does it, in Chromium: an admin creates a HubSpot connection that signs in with
 * OAuth, clicks Connect, signs in and consents on the authorization server's OWN pages (a real
 * oidc-provider, tests/fakes/oauth-provider.ts), lands back on the connection as "Connected", and Test
 * connection passes against the HubSpot contract fake, which validates the access token by the
 * server's introspection. Then the user removes the app at the provider: Test connection says the
 * connection needs to be reconnected, the list shows "Reconnect needed", and Reconnect brings it back.
 * No token ever reaches the browser.
 */
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { oauthGrants } from '../../db/schema';
import type { GrantTokens } from '../../domain/connections/oauth-grants';
import { decryptSecret, keyRingFromEnv } from '../../domain/connections/secret-box';
import { startHubSpotFake, type HubSpotFake } from '../fakes/hubspot-fake';
import { startOAuthProvider, type OAuthProvider } from '../fakes/oauth-provider';
import { startApp, type RunningApp } from '../support/app-server';
import { allowBrowserErrors, launchBrowser, screenshotPath } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpAdmin } from '../support/sign-up';

let database: TestDatabase;
let handle: DbHandle;
let app: RunningApp;
let browser: Browser;
let provider: OAuthProvider;
let hubspot: HubSpotFake;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startApp({ databaseUrl: database.url });
  handle = openDb(database.url, { max: 2 });
  provider = await startOAuthProvider({ redirectUris: [`${app.url}/api/oauth/callback`] });
  hubspot = await startHubSpotFake({ token: 'pat-not-used', introspect: (token) => provider.introspect(token) });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await hubspot?.close();
  await provider?.close();
  await handle?.close();
  await app?.stop();
  await database?.drop();
});

/** The provider's own pages: its sign-in form (skipped while its session lasts), then its consent page. */
async function signInAtProvider(page: Page): Promise<void> {
  await page.waitForURL((url) => url.origin === provider.issuer);
  if (await page.locator('input[name="login"]').isVisible()) {
    await page.screenshot({ path: screenshotPath('oauth-02-provider-sign-in'), fullPage: true });
    await page.locator('input[name="login"]').fill('ada@acme.example');
    await page.locator('input[name="password"]').fill('hubspot password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
  }
  await page.getByRole('button', { name: 'Continue' }).waitFor();
  await page.screenshot({ path: screenshotPath('oauth-03-provider-consent'), fullPage: true });
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.origin === app.url && url.pathname === '/connections');
}

async function storedTokens(): Promise<GrantTokens | null> {
  const [row] = await handle.db.select().from(oauthGrants);
  return row?.tokensCiphertext ? (JSON.parse(decryptSecret(row.tokensCiphertext, keyRingFromEnv(app.env as NodeJS.ProcessEnv))) as GrantTokens) : null;
}

describe('Connect a system by OAuth sign-in', () => {
  it('connects HubSpot through the provider’s own sign-in and consent pages, tests it, and reconnects after the grant is revoked', async () => {
    // The provider's development pages load a web font this network cannot reach.
    // Only errors on the provider's pages are allowed, never on Syncline's.
    allowBrowserErrors(new RegExp(`^console error on ${provider.issuer.replace(/[.]/g, '\\.')}/`));
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const bodies: string[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(app.url)) void r.text().then((t) => bodies.push(t), () => {});
    });
    await signUpAdmin(page, app.url, { name: 'Ada Admin', email: 'ada@example.com', workspace: 'Acme Integrations' });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await page.waitForURL(`${app.url}/connections`);
    await page.getByRole('button', { name: 'New connection' }).click();
    await page.getByLabel('Kind').selectOption('connector');
    await page.getByLabel('System', { exact: true }).selectOption('hubspot');
    await page.getByLabel('Name').fill('HubSpot CRM');
    await page.getByLabel('Sign in with').selectOption('oauth');
    await page.getByLabel('OAuth app client id').fill(provider.client.id);
    await page.getByLabel('Other base URL').fill(hubspot.url);
    await page.getByLabel('Other sign-in page').fill(provider.authorizeUrl);
    await page.getByLabel('Other token URL').fill(provider.tokenUrl);
    await page.getByLabel('Client secret').fill(provider.client.secret);
    await page.getByLabel('Allow private and loopback network addresses').check();
    await page.getByText(`${app.url}/api/oauth/callback`).waitFor(); // the redirect URL to register
    await page.screenshot({ path: screenshotPath('oauth-01-form'), fullPage: true });
    await page.getByRole('button', { name: 'Create connection' }).click();

    const row = page.getByTestId('connection-HubSpot CRM');
    await row.getByText('not connected').waitFor();
    await row.getByRole('button', { name: 'Connect' }).click();
    await signInAtProvider(page);

    await page.getByText('Signed in: the connection is connected.').waitFor();
    await row.getByText('Connected', { exact: true }).waitFor();
    expect(new URL(page.url()).search).toBe(''); // the outcome is not left in the address bar
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText('HubSpot: GET /crm/v3/objects/contacts answered HTTP 200.').first().waitFor();
    await row.getByText('healthy').waitFor();
    await page.screenshot({ path: screenshotPath('oauth-04-connected'), fullPage: true });
    const tokens = await storedTokens();
    expect(tokens?.accessToken).toBeTruthy();
    expect(hubspot.log.some((r) => r.url.startsWith('/crm/v3/objects/contacts') && r.status === 200)).toBe(true);

    // The user removes the app at the provider: the grant is revoked.
    await provider.revoke(tokens!.refreshToken);
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText(/HubSpot connection “HubSpot CRM” needs to be reconnected/).first().waitFor();
    await row.getByText('Reconnect needed').waitFor();
    await page.getByRole('alert').filter({ hasText: 'HubSpot CRM needs to be reconnected' }).waitFor();
    await page.screenshot({ path: screenshotPath('oauth-05-reconnect-needed'), fullPage: true });
    // The connection's form (its detail) says so too, with the same Reconnect.
    await row.getByRole('button', { name: 'Edit' }).click();
    const section = page.getByLabel('Sign-in');
    await section.getByText('Reconnect needed').waitFor();
    await section.getByText(/revoked or expired/).waitFor();
    await page.screenshot({ path: screenshotPath('oauth-06-detail-reconnect'), fullPage: true });
    await section.getByRole('button', { name: 'Reconnect' }).click();
    await signInAtProvider(page);
    await row.getByText('Connected', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText('HubSpot: GET /crm/v3/objects/contacts answered HTTP 200.').first().waitFor();

    const latest = await storedTokens();
    for (const secret of [tokens!.accessToken, tokens!.refreshToken, latest!.accessToken, latest!.refreshToken, provider.client.secret]) {
      for (const body of bodies) expect(body).not.toContain(secret);
    }
    await expect(page.content()).resolves.not.toContain(latest!.accessToken);
    const [row0] = await handle.db.select().from(oauthGrants).where(eq(oauthGrants.status, 'connected'));
    expect(row0?.tokensCiphertext).not.toContain(latest!.accessToken);
    await context.close();
  });
});
