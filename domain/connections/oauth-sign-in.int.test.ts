/**
 * OAuth2 sign-in ("Connect") of a HubSpot connection against a REAL authorization server
 * (oidc-provider, tests/fakes/oauth-provider.ts) and the HubSpot contract fake validating access
 * tokens by the server's introspection: PKCE sign-in with the tokens stored encrypted, refresh before
 * expiry, one refresh after a 401, rotated refresh tokens persisted (a new process carries on with
 * them), a revoked grant marking the connection "reconnect needed" and failing a run with a clear
 * error, and the grant's tokens never sent to addresses other than those it was issued for.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthGrants } from '../../db/schema';
import { UserError } from '../../flows-engine/index';
import { createPublishedFlow } from '../../tests/support/flows';
import { startRunHarness, type RunHarness } from '../../tests/support/run-harness';
import { startHubSpotFake, type HubSpotFake } from '../../tests/fakes/hubspot-fake';
import { startOAuthProvider, signInOverHttp, type OAuthProvider } from '../../tests/fakes/oauth-provider';
import { createConnectors } from '../connectors/connectors';
import { signRequest } from '../connectors/kit/auth';
import { authOf, type ConnectorSettings } from '../connectors/kit/connector-settings';
import { signingValuesOf } from '../connectors/kit/oauth-client';
import { createConnection, listConnections, updateConnection } from './connection-service';
import type { GrantTokens } from './oauth-grants';
import { completeSignIn, startSignIn } from './oauth-sign-in';
import { resolveConnection } from './resolve';
import { decryptSecret, keyRingFromEnv } from './secret-box';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

const REDIRECT = 'http://127.0.0.1:9/api/oauth/callback'; // never followed: the test reads the code from the redirect
const HOUR = 3_600_000;
let provider: OAuthProvider;
let hubspot: HubSpotFake;
let h: RunHarness;
let actor: { workspaceId: string; userId: string };

beforeAll(async () => {
  provider = await startOAuthProvider({ redirectUris: [REDIRECT] });
  hubspot = await startHubSpotFake({ token: 'pat-unused', introspect: (token) => provider.introspect(token) });
  h = await startRunHarness({ prefix: 'oauth', targetUrl: hubspot.url, userName: 'Ada Admin', role: 'admin' });
  actor = { workspaceId: h.workspaceId, userId: h.user.id };
});

afterAll(async () => {
  await h?.stop();
  await hubspot?.close();
  await provider?.close();
});

async function hubspotConnection(name: string, overrides: Partial<ConnectorSettings> = {}): Promise<string> {
  const created = await createConnection(h.handle.db, actor, {
    name,
    kind: 'connector',
    settings: { connector: 'hubspot', authMethod: 'oauth', params: { clientId: provider.client.id }, baseUrl: hubspot.url, authorizeUrl: provider.authorizeUrl, tokenUrl: provider.tokenUrl, ...overrides },
    secret: provider.client.secret,
    integrationIdentity: '',
    owner: '',
    description: '',
    scopes: [],
    credentialExpiresAt: null,
    allowPrivateNetwork: true,
  });
  return created.id;
}

async function connect(connectionId: string): Promise<void> {
  const { authorizeUrl } = await startSignIn(h.handle.db, actor, { connectionId, redirectUri: REDIRECT });
  const back = await signInOverHttp(authorizeUrl);
  await completeSignIn(h.handle.db, actor.userId, { state: back.get('state') ?? '', code: back.get('code') ?? '' });
}

async function storedTokens(connectionId: string): Promise<GrantTokens | null> {
  const [row] = await h.handle.db.select().from(oauthGrants).where(eq(oauthGrants.connectionId, connectionId));
  return row?.tokensCiphertext ? (JSON.parse(decryptSecret(row.tokensCiphertext, keyRingFromEnv())) as GrantTokens) : null;
}

/** Signs one request as the runtime does, at a chosen time (an access token's expiry without waiting for it). */
async function tokenAt(connectionId: string, now: number): Promise<string> {
  const connection = await resolveConnection(h.handle.db, { workspaceId: actor.workspaceId, connectionId });
  const signed = await signRequest(connection, authOf(connection.settings as ConnectorSettings), signingValuesOf(connection), 'HubSpot', () => now);
  return signed.headers.authorization!.replace(/^Bearer /, '');
}

/** The test database's URL (postgres.js keeps the parts it was opened with). */
function databaseUrlOf(harness: RunHarness): string {
  const o = harness.handle.sql.options as unknown as { host: string[]; port: number[]; database: string; user: string; pass?: string | null };
  return `postgres://${encodeURIComponent(o.user)}:${encodeURIComponent(o.pass ?? '')}@${o.host[0]}:${o.port[0]}/${o.database}`;
}

const refreshes = () => provider.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
const readContact = (connectionId: string, id: string) => createConnectors(h.handle.db, { workspaceId: actor.workspaceId }).records.readMany({ connectionId, objectType: 'contacts', externalIds: [id] });

describe('Connect (OAuth2 authorization code + PKCE) against a real authorization server', () => {
  it('signs in with S256 PKCE and a one-time state, stores the tokens encrypted, and the API accepts the access token', async () => {
    const id = await hubspotConnection('HubSpot (signed in)');
    await expect(readContact(id, '1')).rejects.toThrow('HubSpot connection “HubSpot (signed in)” is not connected yet: an admin clicks Connect on the Connections page.');
    const { authorizeUrl } = await startSignIn(h.handle.db, actor, { connectionId: id, redirectUri: REDIRECT });
    const asked = new URL(authorizeUrl).searchParams;
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(asked.get('scope')).toBe('crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.read');
    const back = await signInOverHttp(authorizeUrl);
    expect(back.get('state')).toBe(asked.get('state'));

    // Another user cannot finish someone else's sign-in, and a state works once.
    await expect(completeSignIn(h.handle.db, 'someone-else', { state: back.get('state')!, code: back.get('code')! })).rejects.toThrow(/expired or was already used|started by another user/);
    const second = await signInOverHttp((await startSignIn(h.handle.db, actor, { connectionId: id, redirectUri: REDIRECT })).authorizeUrl);
    await expect(completeSignIn(h.handle.db, 'someone-else', { state: second.get('state')!, code: second.get('code')! })).rejects.toThrow('This sign-in was started by another user');
    const third = await signInOverHttp((await startSignIn(h.handle.db, actor, { connectionId: id, redirectUri: REDIRECT })).authorizeUrl);
    await completeSignIn(h.handle.db, actor.userId, { state: third.get('state')!, code: third.get('code')! });
    await expect(completeSignIn(h.handle.db, actor.userId, { state: third.get('state')!, code: third.get('code')! })).rejects.toThrow('This sign-in has expired or was already used');

    const [row] = await h.handle.db.select().from(oauthGrants).where(eq(oauthGrants.connectionId, id));
    const tokens = await storedTokens(id);
    expect(row).toMatchObject({ status: 'connected', tokenUrl: provider.tokenUrl, resourceBaseUrl: hubspot.url });
    expect(tokens?.refreshToken).toBeTruthy();
    expect(row!.tokensCiphertext).toMatch(/^sl1\./);
    expect(row!.tokensCiphertext).not.toContain(tokens!.accessToken);
    expect(row!.tokensCiphertext).not.toContain(tokens!.refreshToken);
    const codeExchanges = provider.tokenRequests.filter((r) => r.grantType === 'authorization_code');
    expect(codeExchanges.every((r) => r.status === 200)).toBe(true);

    const seeded = hubspot.seed({ email: 'signed-in@example.com' });
    expect((await readContact(id, seeded.id)).size).toBe(1);
    const listed = await listConnections(h.handle.db, actor.workspaceId, 'admin');
    const view = listed.role === 'admin' ? listed.connections.find((c) => c.id === id) : undefined;
    expect(view?.signIn).toMatchObject({ status: 'connected' });
    expect(JSON.stringify(listed)).not.toContain(tokens!.accessToken);
  });

  it('refreshes the access token before it expires, and persists the rotated refresh token', async () => {
    const id = await hubspotConnection('HubSpot (expiry)');
    await connect(id);
    const first = await storedTokens(id);
    const before = refreshes();
    expect(await tokenAt(id, Date.now())).toBe(first!.accessToken);
    expect(refreshes()).toBe(before);
    // 55 minutes into a one-hour token: refreshed, 5 minutes before it expires.
    const fresh = await tokenAt(id, Date.now() + 55 * 60_000);
    expect(refreshes()).toBe(before + 1);
    expect(fresh).not.toBe(first!.accessToken);
    expect(await provider.introspect(fresh)).toBe(true);
    const rotated = await storedTokens(id);
    expect(rotated).toMatchObject({ accessToken: fresh });
    expect(rotated!.refreshToken).not.toBe(first!.refreshToken);
  });

  it('gets a fresh token once after a 401, then carries on', async () => {
    const id = await hubspotConnection('HubSpot (401)');
    await connect(id);
    const seeded = hubspot.seed({ email: 'after-401@example.com' });
    expect((await readContact(id, seeded.id)).size).toBe(1);
    const first = await storedTokens(id);
    // The API stops accepting the access token before it expires (HubSpot's 401 INVALID_AUTHENTICATION).
    hubspot.throttleNext(1, { status: 401, body: { status: 'error', message: 'The OAuth token used to make this call expired.', category: 'EXPIRED_AUTHENTICATION' } });
    const before = refreshes();
    const unauthorised = () => hubspot.log.filter((r) => r.status === 401).length;
    const refused = unauthorised();
    expect((await readContact(id, seeded.id)).size).toBe(1);
    expect(refreshes()).toBe(before + 1);
    expect(unauthorised()).toBe(refused + 1);
    expect((await storedTokens(id))!.accessToken).not.toBe(first!.accessToken);
  });

  it('carries on in a new process with the rotated refresh token it persisted (a reused one would revoke the grant)', async () => {
    const id = await hubspotConnection('HubSpot (restart)');
    await connect(id);
    await tokenAt(id, Date.now() + 55 * 60_000); // rotation #1 in this process
    const persisted = await storedTokens(id);
    const script = path.join(tmpdir(), `oauth-new-process-${process.pid}.mts`);
    const root = path.resolve(__dirname, '../..');
    await writeFile(
      script,
      `import { openDb } from '${root}/db/client';
import { resolveConnection } from '${root}/domain/connections/resolve';
import { signRequest } from '${root}/domain/connectors/kit/auth';
import { authOf } from '${root}/domain/connectors/kit/connector-settings';
import { signingValuesOf } from '${root}/domain/connectors/kit/oauth-client';
const handle = openDb(process.env.DATABASE_URL!, { max: 2 });
const connection = await resolveConnection(handle.db, { workspaceId: process.env.WS!, connectionId: process.env.CONN! });
const signed = await signRequest(connection, authOf(connection.settings as never), signingValuesOf(connection), 'HubSpot', () => Date.now() + 2 * ${HOUR});
console.log(signed.headers.authorization ? 'signed' : 'unsigned');
await handle.close();
`,
    );
    const before = refreshes();
    const child = await promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), [script], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrlOf(h), WS: actor.workspaceId, CONN: id },
    }).finally(() => rm(script, { force: true }));
    expect(child.stdout.trim()).toBe('signed');
    expect(refreshes()).toBe(before + 1);
    expect(provider.tokenRequests.at(-1)).toMatchObject({ grantType: 'refresh_token', status: 200 });
    const after = await storedTokens(id);
    expect(after!.refreshToken).not.toBe(persisted!.refreshToken);
    expect(await provider.introspect(after!.accessToken)).toBe(true);
  });

  it('marks a revoked grant "reconnect needed", and the run it fails says the connection needs to be reconnected', async () => {
    const id = await hubspotConnection('HubSpot (revoked)');
    await connect(id);
    const tokens = await storedTokens(id);
    await provider.revoke(tokens!.refreshToken); // the user removed the app in HubSpot
    await fetch(`${provider.issuer}/token/revocation`, { method: 'POST', body: new URLSearchParams({ token: tokens!.accessToken, client_id: provider.client.id, client_secret: provider.client.secret }) });

    const { token } = await createPublishedFlow(h.handle.db, actor, {
      schemaVersion: 1,
      nodes: [
        { id: 'hook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Contact changed', config: {} },
        {
          id: 'upsert', type: 'sync.upsert-record', typeVersion: 1, label: 'Write to HubSpot',
          config: {
            connectionId: { kind: 'literal', value: id },
            objectType: { kind: 'literal', value: 'contacts' },
            fields: { kind: 'literal', value: [{ target: 'email', sourcePath: 'email' }] },
            matchBy: { kind: 'literal', value: { naturalKey: { target: 'email', sourcePath: 'email' } } },
          },
        },
      ],
      edges: [{ id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'upsert', port: 'main' } }],
      layout: {},
    });
    const runId = await h.deliver(token, { email: 'revoked@example.com' });
    const run = await h.finished(runId);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toContain('HubSpot connection “HubSpot (revoked)” needs to be reconnected: the sign-in was revoked or expired (invalid_grant)');

    const listed = await listConnections(h.handle.db, actor.workspaceId, 'admin');
    const view = listed.role === 'admin' ? listed.connections.find((c) => c.id === id) : undefined;
    expect(view?.signIn).toMatchObject({ status: 'reconnect_needed', reason: expect.stringContaining('revoked') });
    expect(await storedTokens(id)).toBeNull();
    // Later steps fail at once, without asking the token endpoint again.
    const before = provider.tokenRequests.length;
    const again = await readContact(id, '1').catch((e: unknown) => e);
    expect(again).toBeInstanceOf(UserError);
    expect(provider.tokenRequests.length).toBe(before);

    await connect(id); // Reconnect
    const seeded = hubspot.seed({ email: 'reconnected@example.com' });
    expect((await readContact(id, seeded.id)).size).toBe(1);
  });

  it('never sends the grant’s tokens to another API or token address than the ones it was issued for', async () => {
    const id = await hubspotConnection('HubSpot (moved)');
    await connect(id);
    const elsewhere = await startHubSpotFake({ token: 'pat-other' });
    try {
      const current = (await listConnections(h.handle.db, actor.workspaceId, 'admin')).connections.find((c) => c.id === id) as unknown as { settings: Record<string, unknown>; name: string };
      await updateConnection(h.handle.db, actor, {
        id, name: current.name, integrationIdentity: '', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: true,
        settings: { ...current.settings, baseUrl: elsewhere.url },
      });
      const moved = await readContact(id, '1').catch((e: unknown) => e);
      expect((moved as UserError).message).toContain('HubSpot connection “HubSpot (moved)” needs to be reconnected: its sign-in or API address changed');
      expect(elsewhere.log).toHaveLength(0);

      await updateConnection(h.handle.db, actor, {
        id, name: current.name, integrationIdentity: '', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: true,
        settings: { ...current.settings, tokenUrl: `${elsewhere.url}/oauth/v1/token` },
      });
      const before = elsewhere.log.length;
      await expect(readContact(id, '1')).rejects.toThrow(/needs to be reconnected/);
      expect(elsewhere.log.length).toBe(before);
    } finally {
      await elsewhere.close();
    }
  });
});
