import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { auditLog, connections, externalIds, flows } from '../../db/schema';
import { callerFor, insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { loadIntegrationIdentities } from './usage';

process.env.SYNCLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');
const SECRET = `sekret-${randomBytes(8).toString('hex')}`;

let database: TestDatabase;
let handle: DbHandle;
let server: Server;
let baseUrl: string;
let acme: string;
const people = {} as Record<'admin' | 'analyst' | 'viewer', { id: string; email: string; name: string }>;
const seen: string[] = []; // every tRPC response, serialised, to search for the secret

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  people.admin = await insertUser(handle.db, 'Ada Admin');
  people.analyst = await insertUser(handle.db, 'Ana Analyst');
  people.viewer = await insertUser(handle.db, 'Vic Viewer');
  acme = await insertWorkspace(handle.db, 'Acme', [
    { userId: people.admin.id, role: 'admin' },
    { userId: people.analyst.id, role: 'analyst' },
    { userId: people.viewer.id, role: 'viewer' },
  ]);
  server = createServer((req, res) => {
    const ok = req.headers.authorization === `Bearer ${SECRET}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  server?.close();
  await handle?.close();
  await database?.drop();
});

const as = (who: keyof typeof people) => callerFor(handle.db, people[who], acme);
async function record<T>(p: Promise<T>): Promise<T> {
  const value = await p;
  seen.push(JSON.stringify(value));
  return value;
}
const restInput = (over: Record<string, unknown> = {}) => ({
  name: 'Billing API',
  kind: 'rest' as const,
  integrationIdentity: 'svc-sync',
  owner: 'Finance IT',
  description: 'Invoices',
  scopes: ['invoices:write'],
  credentialExpiresAt: new Date(Date.now() + 5 * 86_400_000),
  allowPrivateNetwork: false,
  settings: { baseUrl, auth: { type: 'bearer' } },
  secret: SECRET,
  ...over,
});

describe('connections', () => {
  let id: string;

  it('lets an admin create a REST connection; the answer says the secret is set, never what it is', async () => {
    const created = await record(as('admin').connections.create(restInput()));
    id = created.id;
    expect(created).toMatchObject({ name: 'Billing API', secretSet: true, expiry: 'soon', integrationIdentity: 'svc-sync' });
    expect(created).not.toHaveProperty('secretCiphertext');
  });

  it('shapes the list by role: analysts get picker fields, viewers names only', async () => {
    const admin = await record(as('admin').connections.list());
    expect(admin.connections[0]).toMatchObject({ id, secretSet: true });
    const analyst = await record(as('analyst').connections.list());
    expect(analyst.connections).toEqual([{ id, name: 'Billing API', kind: 'rest', integrationIdentity: 'svc-sync' }]);
    const viewer = await record(as('viewer').connections.list());
    expect(viewer.connections).toEqual([{ id, name: 'Billing API' }]);
    await expect(as('analyst').connections.get({ id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses bad input with a message naming the field', async () => {
    await expect(as('admin').connections.create(restInput({ name: 'X', settings: { baseUrl: 'ftp://x', auth: { type: 'none' } } }))).rejects.toThrow(/baseUrl/);
    await expect(as('admin').connections.create(restInput({ name: 'Y', secret: '' }))).rejects.toThrow(/secret: enter the bearer token/);
    await expect(as('admin').connections.create(restInput())).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^name:/) });
    await expect(
      as('admin').connections.create({ ...restInput({ name: 'PG', kind: 'postgres', settings: { schema: 'public' } }), secret: 'not a url' }),
    ).rejects.toThrow(/secret: the database URL/);
  });

  it('refuses loopback addresses unless the admin allows them, then tests for real', async () => {
    const refused = await record(as('admin').connections.test({ id }));
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/private or loopback address \(127\.0\.0\.1\)/);
    await record(as('admin').connections.update({ ...restInput({ allowPrivateNetwork: true }), id, secret: undefined }));
    const passed = await record(as('admin').connections.test({ id }));
    expect(passed).toMatchObject({ ok: true });
    const row = await record(as('admin').connections.get({ id }));
    expect(row).toMatchObject({ lastCheckOk: true, lastCheckError: null, secretSet: true });
  });

  it('explains a refused credential, and rotation takes effect', async () => {
    await record(as('admin').connections.rotateSecret({ id, secret: 'wrong-token' }));
    const failed = await record(as('admin').connections.test({ id }));
    expect(failed.message).toMatch(/HTTP 401: the credentials were refused/);
    await record(as('admin').connections.rotateSecret({ id, secret: SECRET }));
    expect((await record(as('admin').connections.test({ id }))).ok).toBe(true);
  });

  it('tests a PostgreSQL connection against a real database and explains failures', async () => {
    const pg = await record(
      as('admin').connections.create({ ...restInput({ name: 'Warehouse', kind: 'postgres', settings: { schema: 'public' } }), secret: database.url }),
    );
    expect(pg.settings).toMatchObject({ schema: 'public' });
    expect(JSON.stringify(pg)).not.toContain(new URL(database.url).password || '\u0000');
    expect(await record(as('admin').connections.test({ id: pg.id }))).toMatchObject({ ok: true, message: expect.stringMatching(/schema "public" found/) });
    const badUrl = new URL(database.url);
    badUrl.pathname = '/no_such_db';
    await as('admin').connections.rotateSecret({ id: pg.id, secret: badUrl.toString() });
    expect((await record(as('admin').connections.test({ id: pg.id }))).message).toMatch(/database does not exist/);
    await as('admin').connections.update({ ...restInput({ name: 'Warehouse', settings: { schema: 'nope' } }), id: pg.id, secret: database.url });
    expect((await record(as('admin').connections.test({ id: pg.id }))).message).toMatch(/schema "nope" does not exist/);
  });

  it('never stores the secret in clear text anywhere in the database, nor returns it', async () => {
    const tables = await handle.db.execute<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'public'`);
    let scanned = 0;
    for (const { table_name } of tables) {
      const rows = await handle.db.execute<{ t: string }>(sql`select t::text as t from ${sql.identifier(table_name)} t`);
      for (const row of rows) {
        scanned++;
        expect(row.t, `table ${table_name}`).not.toContain(SECRET);
      }
    }
    expect(scanned).toBeGreaterThan(5);
    expect(seen.length).toBeGreaterThan(8);
    for (const response of seen) expect(response).not.toContain(SECRET);
  });

  it('refuses to retire a connection a flow uses, naming the flow; retires it otherwise with its mappings', async () => {
    const [flow] = await handle.db
      .insert(flows)
      .values({ workspaceId: acme, name: 'Invoice sync', draft: { nodes: [{ config: { connectionId: { kind: 'literal', value: id } } }] }, webhookToken: randomBytes(8).toString('hex') })
      .returning();
    await expect(as('admin').connections.retire({ id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('“Invoice sync”') });
    expect((await as('admin').connections.get({ id })).usedBy).toEqual([{ id: flow!.id, name: 'Invoice sync' }]);
    await handle.db.delete(flows).where(sql`${flows.id} = ${flow!.id}`);
    await handle.db.insert(externalIds).values({ workspaceId: acme, objectType: 'invoice', connectionId: id, externalId: 'i1', recordKey: 'rk1' });
    expect(await loadIntegrationIdentities(handle.db, acme)).toMatchObject({ [id]: 'svc-sync' });
    expect(await as('admin').connections.retire({ id })).toEqual({ id, mappingsDeleted: 1 });
    expect(await handle.db.select().from(connections).where(sql`${connections.id} = ${id}`)).toEqual([]);
  });

  it('audits who created, changed, rotated and retired, without secrets in the details', async () => {
    const entries = await as('admin').audit.list({ targetType: 'connection' });
    const actions = entries.entries.map((e) => e.action);
    for (const a of ['connection.created', 'connection.updated', 'connection.secret-rotated', 'connection.retired']) expect(actions).toContain(a);
    expect(entries.entries[0]?.actorName).toBe('Ada Admin');
    const all = await handle.db.select().from(auditLog);
    expect(JSON.stringify(all)).not.toContain(SECRET);
    await expect(as('analyst').audit.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
