/**
 * What the editor's pickers get from a connection, through the tRPC procedures and a real PostgreSQL:
 * a database's tables and typed columns, a declared system's objects and fields, a REST API's hint,
 * a look-up that fails as a message (never a 500), and nothing for another workspace or a viewer.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../../db/client';
import { createConnection } from '../../../domain/connections/connection-service';
import { callerFor, insertUser, insertWorkspace } from '../../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

let database: TestDatabase;
let target: TestDatabase;
let handle: DbHandle;
let acme: string;
let analyst: { id: string; email: string; name: string };
let viewer: { id: string; email: string; name: string };
let outsider: { id: string; email: string; name: string };
let globex: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  target = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  const sql = postgres(target.url, { max: 1, onnotice: () => {} });
  await sql`create schema desk`;
  await sql`create table desk.contacts (id serial primary key, email text not null, full_name text, score integer default 0, created_at timestamptz not null default now())`;
  await sql`create view desk.active_contacts as select * from desk.contacts`;
  await sql`create schema support`;
  await sql`create table support.tickets (id serial primary key, subject text not null, updated_by text not null)`;
  await sql.end();
  analyst = await insertUser(handle.db, 'Ana');
  viewer = await insertUser(handle.db, 'Vic');
  outsider = await insertUser(handle.db, 'Gus');
  acme = await insertWorkspace(handle.db, 'Acme', [
    { userId: analyst.id, role: 'analyst' },
    { userId: viewer.id, role: 'viewer' },
  ]);
  globex = await insertWorkspace(handle.db, 'Globex', [{ userId: outsider.id, role: 'admin' }]);
  const actor = { workspaceId: acme, userId: analyst.id };
  const make = async (key: string, input: Parameters<typeof createConnection>[2]) => {
    ids[key] = (await createConnection(handle.db, actor, input)).id;
  };
  await make('desk', { kind: 'postgres', name: 'Desk DB', settings: { schema: 'desk' }, secret: target.url, allowPrivateNetwork: true, integrationIdentity: '', owner: '', description: '', scopes: [], credentialExpiresAt: null });
  await make('support', { kind: 'postgres', name: 'Support DB', settings: { schema: 'support' }, secret: target.url, allowPrivateNetwork: true, integrationIdentity: 'svc-sync', owner: '', description: '', scopes: [], credentialExpiresAt: null });
  await make('supportAnonymous', { kind: 'postgres', name: 'Support DB (no identity)', settings: { schema: 'support' }, secret: target.url, allowPrivateNetwork: true, integrationIdentity: '', owner: '', description: '', scopes: [], credentialExpiresAt: null });
  await make('down', { kind: 'postgres', name: 'Down DB', settings: { schema: 'public' }, secret: 'postgres://nobody:x@127.0.0.1:9/none', allowPrivateNetwork: true, integrationIdentity: '', owner: '', description: '', scopes: [], credentialExpiresAt: null });
  await make('fresh', { kind: 'connector', name: 'Freshdesk', settings: { connector: 'freshdesk', params: { domain: 'acme' } }, secret: 'key', allowPrivateNetwork: false, integrationIdentity: '', owner: '', description: '', scopes: [], credentialExpiresAt: null });
  await make('rest', { kind: 'rest', name: 'Billing API', settings: { baseUrl: 'http://127.0.0.1:9/v1', auth: { type: 'none' } }, allowPrivateNetwork: true, integrationIdentity: '', owner: '', description: '', scopes: [], credentialExpiresAt: null });
});

afterAll(async () => {
  const { closeAllPools } = await import('../../../domain/connections/postgres-pool');
  await closeAllPools();
  await handle?.close();
  await target?.drop();
  await database?.drop();
});

describe('the pickers’ look-ups of a connection', () => {
  it('lists a PostgreSQL connection’s tables and views in its schema, and a table’s columns with types and required-ness', async () => {
    const api = callerFor(handle.db, analyst, acme);
    const objects = await api.connectionSchema.objects({ connectionId: ids.desk! });
    expect(objects.objects).toEqual([
      { name: 'active_contacts', label: 'active_contacts (view)' },
      { name: 'contacts', label: 'contacts' },
    ]);
    const fields = await api.connectionSchema.fields({ connectionId: ids.desk!, objectType: 'contacts' });
    expect(fields.fields).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'email', type: 'text', required: true },
      { name: 'full_name', type: 'text' },
      { name: 'score', type: 'integer' },
      { name: 'created_at', type: 'timestamp with time zone' },
    ]);
    await expect(api.connectionSchema.fields({ connectionId: ids.desk!, objectType: 'nope' })).resolves.toMatchObject({ fields: [], problem: '“Desk DB” has no table “nope”.' });
  });

  it('marks the stamp column, which every write fills with the integration identity, only where the connection has one', async () => {
    const api = callerFor(handle.db, analyst, acme);
    const stamped = await api.connectionSchema.fields({ connectionId: ids.support!, objectType: 'tickets' });
    expect(stamped.fields).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'subject', type: 'text', required: true },
      { name: 'updated_by', type: 'text', required: true, stamp: true },
    ]);
    // Without an identity nothing fills it: a required column like any other.
    const plain = await api.connectionSchema.fields({ connectionId: ids.supportAnonymous!, objectType: 'tickets' });
    expect(plain.fields.at(-1)).toEqual({ name: 'updated_by', type: 'text', required: true });
  });

  it('lists a declared system’s objects and fields from its declaration', async () => {
    const api = callerFor(handle.db, analyst, acme);
    const objects = await api.connectionSchema.objects({ connectionId: ids.fresh! });
    expect(objects.objects.map((o) => o.name)).toContain('contacts');
    const fields = await api.connectionSchema.fields({ connectionId: ids.fresh!, objectType: 'contacts' });
    expect(fields.objectLabel).toBe('Contacts');
    expect(fields.fields).toContainEqual({ name: 'name', label: 'Name', type: 'string', required: true });
  });

  it('says what to type for a REST API, and why a look-up failed, in words', async () => {
    const api = callerFor(handle.db, analyst, acme);
    await expect(api.connectionSchema.objects({ connectionId: ids.rest! })).resolves.toMatchObject({ objects: [], hint: expect.stringMatching(/type the path segment/) });
    const rest = await api.connectionSchema.fields({ connectionId: ids.rest!, objectType: 'contacts' });
    expect(rest.fields).toEqual([]);
    expect(rest.problem).toMatch(/could not be read/);
    const down = await api.connectionSchema.objects({ connectionId: ids.down! });
    expect(down.objects).toEqual([]);
    expect(down.problem).toMatch(/^The tables of “Down DB” could not be read: The database refused the connection/);
  });

  it('gives another workspace and viewers nothing', async () => {
    const other = await callerFor(handle.db, outsider, globex).connectionSchema.objects({ connectionId: ids.desk! });
    expect(other).toMatchObject({ objects: [], problem: expect.stringMatching(/not found/) });
    await expect(callerFor(handle.db, viewer, acme).connectionSchema.fields({ connectionId: ids.desk!, objectType: 'contacts' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
