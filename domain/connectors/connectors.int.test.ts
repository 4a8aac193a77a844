import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { connections, externalIds } from '../../db/schema';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { createConnection } from '../connections/connection-service';
import { closeAllPools } from '../connections/postgres-pool';
import { resolveConnection } from '../connections/resolve';
import { authHeaders, oauthStats } from '../connections/rest-auth';
import { runDueHealthChecks, testConnection } from '../connections/test-connection';
import { createExternalIdStore } from './external-id-store';
import { createConnectors } from './connectors';
import { realEffectRunner } from './real-effects';
import { NodeSettingsSchema, UserError, type EffectRequest } from '../../flows-engine/index';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

let database: TestDatabase;
let handle: DbHandle;
let server: Server;
let base: string;
let actor: { workspaceId: string; userId: string };
const issued = new Set<string>();
const records = new Map<string, Record<string, unknown>>();

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 8 });
  const user = await insertUser(handle.db, 'Ada Admin');
  actor = { workspaceId: await insertWorkspace(handle.db, 'Acme', [{ userId: user.id, role: 'admin' }]), userId: user.id };
  // A token endpoint (client credentials, Basic auth) and an API that only accepts issued tokens.
  server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.url === '/oauth/token') {
        const ok = req.headers.authorization === `Basic ${Buffer.from('client-1:client-secret-1').toString('base64')}` && body.includes('grant_type=client_credentials');
        if (!ok) return json(401, { error: 'invalid_client' });
        const token = randomBytes(8).toString('hex');
        issued.add(token);
        return json(200, { access_token: token, token_type: 'Bearer', expires_in: 100 });
      }
      if (!issued.has((req.headers.authorization ?? '').replace('Bearer ', ''))) return json(401, { error: 'bad token' });
      const m = /^\/api\/contacts(?:\/([^?]+))?(?:\?(.*))?$/.exec(req.url ?? '');
      if (!m) return json(404, {});
      const [, id, query] = m;
      if (req.method === 'GET' && !id) return json(200, { items: [...records.entries()].filter(([, r]) => `email=${encodeURIComponent(String(r.email))}` === query).map(([k, r]) => ({ id: k, ...r })) });
      if (req.method === 'GET') return json(200, { ok: true });
      if (req.method === 'POST') {
        const newId = `c${records.size + 1}`;
        records.set(newId, JSON.parse(body));
        return json(201, { id: newId });
      }
      if (req.method === 'DELETE' && id && records.has(id)) {
        records.set(id, { ...records.get(id), deletedAt: new Date().toISOString() });
        return json(200, { id });
      }
      if (req.method === 'PATCH' && id && records.has(id)) {
        records.set(id, { ...records.get(id), ...JSON.parse(body) });
        return json(200, { id });
      }
      return json(404, {});
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  await closeAllPools();
  await handle?.close();
  await database?.drop();
});

const oauthConnection = (allowPrivateNetwork = true) =>
  createConnection(handle.db, actor, {
    name: `CRM ${randomBytes(3).toString('hex')}`,
    kind: 'rest',
    integrationIdentity: 'svc-sync',
    owner: '',
    description: '',
    scopes: [],
    credentialExpiresAt: null,
    allowPrivateNetwork,
    settings: { baseUrl: `${base}/api`, healthPath: 'contacts/ping', auth: { type: 'oauth2', tokenUrl: `${base}/oauth/token`, clientId: 'client-1', scope: 'contacts' } },
    secret: 'client-secret-1',
  });

describe('external-ID store', () => {
  it('turns 20 concurrent saves of the same mapping into one row', async () => {
    const store = createExternalIdStore(handle.db);
    const row = { workspaceId: actor.workspaceId, objectType: 'contact', connectionId: 'crm', externalId: 'x-1', recordKey: 'rk-1' };
    await Promise.all(Array.from({ length: 20 }, () => store.saveMany([row, row])));
    const rows = await handle.db.select().from(externalIds).where(and(eq(externalIds.workspaceId, actor.workspaceId), eq(externalIds.externalId, 'x-1')));
    expect(rows).toHaveLength(1);
  });

  it('hides mappings marked deleted from lookups and revives them on save', async () => {
    const store = createExternalIdStore(handle.db);
    const q = { workspaceId: actor.workspaceId, objectType: 'contact', connectionId: 'crm', externalIds: ['x-1'] };
    expect(await store.markDeleted(q)).toBe(1);
    expect((await store.lookupMany(q)).size).toBe(0);
    await store.saveMany([{ workspaceId: actor.workspaceId, objectType: 'contact', connectionId: 'crm', externalId: 'x-1', recordKey: 'rk-1' }]);
    expect((await store.lookupMany(q)).get('x-1')).toEqual({ recordKey: 'rk-1' });
  });
});

describe('REST connections with OAuth2 client credentials', () => {
  it('fetches a token once, reuses it, and refreshes it before it expires', async () => {
    const created = await oauthConnection();
    const connection = await resolveConnection(handle.db, { workspaceId: actor.workspaceId, connectionId: created.id });
    const before = oauthStats.tokenRequests;
    const t0 = Date.now();
    const first = await authHeaders(connection, () => t0);
    expect(await authHeaders(connection, () => t0 + 10_000)).toEqual(first);
    expect(oauthStats.tokenRequests - before).toBe(1);
    // 100 s lifetime: refreshed once less than 20 s are left, i.e. before expiry, not after.
    const refreshed = await authHeaders(connection, () => t0 + 85_000);
    expect(refreshed).not.toEqual(first);
    expect(oauthStats.tokenRequests - before).toBe(2);
  });

  it('tests the connection for real and explains a wrong client secret', async () => {
    const created = await oauthConnection();
    expect(await testConnection(handle.db, { workspaceId: actor.workspaceId, connectionId: created.id })).toMatchObject({ ok: true });
    const refused = await oauthConnection(false);
    expect((await testConnection(handle.db, { workspaceId: actor.workspaceId, connectionId: refused.id })).message).toMatch(/private or loopback/);
  });

  it('upserts through the REST gateway: create, then update by external id and by natural key', async () => {
    const created = await oauthConnection();
    const { records: gateway, http } = createConnectors(handle.db, actor);
    const [a] = await gateway.upsertMany({ connectionId: created.id, objectType: 'contacts', records: [{ fields: { email: 'a@x.test', name: 'A' } }], idempotencyKey: 'r1:n1' });
    expect(a).toMatchObject({ created: true });
    const again = await gateway.upsertMany({
      connectionId: created.id,
      objectType: 'contacts',
      records: [{ externalId: a!.externalId, fields: { name: 'A2' } }, { naturalKey: { field: 'email', value: 'a@x.test' }, fields: { name: 'A3' } }],
      idempotencyKey: 'r1:n2',
    });
    expect(again).toEqual([{ externalId: a!.externalId, created: false }, { externalId: a!.externalId, created: false }]);
    expect(records.get(a!.externalId)).toMatchObject({ name: 'A3' });
    await gateway.deleteMany({ connectionId: created.id, objectType: 'contacts', externalIds: [a!.externalId], mode: 'soft', idempotencyKey: 'r1:n3' });
    expect(records.get(a!.externalId)).toMatchObject({ deletedAt: expect.any(String) });
    await expect(http.request({ connectionId: created.id, method: 'GET', url: 'https://example.com/steal', headers: {}, timeoutMs: 1000, idempotencyKey: 'k' })).rejects.toThrow(/outside the base URL/);
    await expect(http.request({ method: 'GET', url: `${base}/api/contacts/x`, headers: {}, timeoutMs: 1000, idempotencyKey: 'k' })).rejects.toThrow(/private or loopback/);
  });
});

describe('workspace scoping', () => {
  it("refuses another workspace's connection with “not found”, in effects and in real test runs, and never sends its secret", async () => {
    const theirs = await oauthConnection(); // belongs to Acme
    const other = await insertUser(handle.db, 'Olga Outsider');
    const outsiders = { workspaceId: await insertWorkspace(handle.db, 'Outsiders', [{ userId: other.id, role: 'admin' }]), userId: other.id };
    const before = oauthStats.tokenRequests;
    const { records: gateway, http } = createConnectors(handle.db, outsiders);
    const upsert = gateway.upsertMany({ connectionId: theirs.id, objectType: 'contacts', records: [{ fields: { email: 'x@x.test' } }], idempotencyKey: 'o:1' });
    await expect(upsert).rejects.toThrow(/not found/);
    await expect(upsert).rejects.toBeInstanceOf(UserError);
    await expect(http.request({ connectionId: theirs.id, method: 'GET', url: `${base}/api/contacts/x`, headers: {}, timeoutMs: 1000, idempotencyKey: 'o:2' })).rejects.toThrow(/not found/);
    const runEffect = realEffectRunner(handle.db, { workspaceId: outsiders.workspaceId, runId: 'test-run-1' });
    const request: EffectRequest = {
      nodeId: 'upsert', type: 'sync.upsert-record', typeVersion: 1, settings: NodeSettingsSchema.parse({}),
      config: { connectionId: theirs.id, objectType: 'contacts', fields: [{ target: 'email', sourcePath: 'email' }] },
      items: [{ json: { email: 'x@x.test' } }],
    };
    await expect(runEffect(request)).rejects.toThrow(/not found/);
    expect(oauthStats.tokenRequests - before).toBe(0);
  });
});

describe('PostgreSQL connections', () => {
  it('upserts, soft-deletes and anonymises rows in the connection schema', async () => {
    const admin = postgres(database.url, { max: 1, onnotice: () => {} });
    await admin.unsafe('create schema crm; create table crm.contacts (id serial primary key, email text unique, name text, deleted_at timestamptz)');
    await admin.end();
    const created = await createConnection(handle.db, actor, {
      name: 'Helpdesk DB', kind: 'demo-helpdesk', integrationIdentity: '', owner: '', description: '', scopes: [],
      credentialExpiresAt: null, allowPrivateNetwork: false, settings: { schema: 'crm' }, secret: database.url,
    });
    const { records: gateway } = createConnectors(handle.db, actor);
    const [a, b] = await gateway.upsertMany({
      connectionId: created.id, objectType: 'contacts', idempotencyKey: 'k',
      records: [{ fields: { email: 'a@x.test', name: 'A' } }, { naturalKey: { field: 'email', value: 'a@x.test' }, fields: { name: 'B' } }],
    });
    expect(a).toMatchObject({ created: true });
    expect(b).toEqual({ externalId: a!.externalId, created: false });
    await gateway.anonymiseMany({ connectionId: created.id, objectType: 'contacts', externalIds: [a!.externalId], fields: ['email', 'name'], idempotencyKey: 'k' });
    await gateway.deleteMany({ connectionId: created.id, objectType: 'contacts', externalIds: [a!.externalId], mode: 'soft', idempotencyKey: 'k' });
    const check = postgres(database.url, { max: 1, onnotice: () => {} });
    const [row] = await check`select email, name, deleted_at from crm.contacts where id = ${Number(a!.externalId)}`;
    await check.end();
    expect(row).toMatchObject({ email: null, name: null });
    expect(row?.deleted_at).toBeInstanceOf(Date);
    await expect(gateway.upsertMany({ connectionId: created.id, objectType: 'nope', records: [{ fields: { x: 1 } }], idempotencyKey: 'k' })).rejects.toThrow(/does not exist/);
  });
});

describe('scheduled health checks', () => {
  it('checks every connection not checked within the interval, then none until it passes', async () => {
    await oauthConnection(); // never checked
    const checked = await runDueHealthChecks(handle.db, { intervalMs: 60_000, batch: 100 });
    expect(checked).toBeGreaterThan(0);
    expect(await runDueHealthChecks(handle.db, { intervalMs: 60_000, batch: 100 })).toBe(0);
    const rows = await handle.db.select().from(connections);
    expect(rows.every((r) => r.lastCheckedAt !== null && r.lastCheckOk !== null)).toBe(true);
  });
});
