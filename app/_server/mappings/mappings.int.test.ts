import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../../db/client';
import { externalIds } from '../../../db/schema';
import { callerFor, insertUser, insertWorkspace } from '../../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

let database: TestDatabase;
let handle: DbHandle;
let acme: string;
let globex: string;
let crm: string;
let helpdesk: string;
const people = {} as Record<'admin' | 'analyst' | 'other', { id: string; email: string; name: string }>;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  people.admin = await insertUser(handle.db, 'Ada Admin');
  people.analyst = await insertUser(handle.db, 'Ana Analyst');
  people.other = await insertUser(handle.db, 'Gus Globex');
  acme = await insertWorkspace(handle.db, 'Acme', [{ userId: people.admin.id, role: 'admin' }, { userId: people.analyst.id, role: 'analyst' }]);
  globex = await insertWorkspace(handle.db, 'Globex', [{ userId: people.other.id, role: 'admin' }]);
  const admin = callerFor(handle.db, people.admin, acme);
  const base = { integrationIdentity: '', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: false };
  crm = (await admin.connections.create({ ...base, name: 'CRM', kind: 'demo-crm', settings: { baseUrl: 'https://crm.example.com', auth: { type: 'none' } } })).id;
  helpdesk = (await admin.connections.create({ ...base, name: 'Helpdesk', kind: 'webhook', settings: {}, secret: 'a-long-shared-secret-123' })).id;
  await handle.db.insert(externalIds).values([
    { workspaceId: acme, objectType: 'contact', connectionId: crm, externalId: 'crm-1', recordKey: 'rk-1' },
    { workspaceId: acme, objectType: 'contact', connectionId: helpdesk, externalId: 'hd-9', recordKey: 'rk-1' },
    { workspaceId: acme, objectType: 'contact', connectionId: crm, externalId: 'crm-2', recordKey: 'rk-2' },
    { workspaceId: acme, objectType: 'company', connectionId: crm, externalId: 'co-1', recordKey: 'rk-c1' },
    { workspaceId: globex, objectType: 'contact', connectionId: 'other', externalId: 'crm-1', recordKey: 'rk-1' },
  ]);
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const admin = () => callerFor(handle.db, people.admin, acme);

describe('mappings', () => {
  it('counts per object type and connection, within the workspace only', async () => {
    const counts = await admin().mappings.counts();
    expect(counts.map((c) => [c.objectType, c.connectionName, c.total])).toEqual([
      ['company', 'CRM', 1],
      ['contact', 'CRM', 2],
      ['contact', 'Helpdesk', 1],
    ]);
  });

  it('browses by object type and connection, searches by either id, and shows a record side by side', async () => {
    const byType = await admin().mappings.browse({ objectType: 'contact', connectionId: crm });
    expect(byType.rows.map((r) => r.externalId).sort()).toEqual(['crm-1', 'crm-2']);
    expect((await admin().mappings.browse({ search: 'hd-9' })).rows.map((r) => r.recordKey)).toEqual(['rk-1']);
    expect((await admin().mappings.browse({ search: 'rk-1' })).rows).toHaveLength(2);
    const record = await admin().mappings.record({ recordKey: 'rk-1' });
    expect(record.map((r) => [r.connectionName, r.externalId])).toEqual([['CRM', 'crm-1'], ['Helpdesk', 'hd-9']]);
  });

  it('edits and deletes with audit entries, refuses duplicates and other workspaces', async () => {
    const [row] = (await admin().mappings.browse({ search: 'crm-2' })).rows;
    await admin().mappings.update({ id: row!.id, externalId: 'crm-2b', recordKey: 'rk-2' });
    await expect(admin().mappings.update({ id: row!.id, externalId: 'crm-1', recordKey: 'rk-2' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(callerFor(handle.db, people.other, globex).mappings.delete({ id: row!.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await admin().mappings.delete({ id: row!.id });
    const audit = await admin().audit.list({ targetType: 'mapping' });
    expect(audit.entries.map((e) => e.action)).toEqual(['mapping.deleted', 'mapping.updated']);
    expect(audit.entries[1]?.details).toMatchObject({ before: { externalId: 'crm-2' }, after: { externalId: 'crm-2b' } });
  });

  it('exports CSV and imports it back; a bad line is refused with its number', async () => {
    const csv = await admin().mappings.exportCsv({ objectType: 'contact' });
    expect(csv.split('\r\n')[0]).toBe('objectType,connectionId,connectionName,externalId,recordKey,createdAt,updatedAt,lastSeenAt,deletedAt');
    await handle.db.delete(externalIds).where(eq(externalIds.workspaceId, acme));
    expect(await admin().mappings.importCsv({ csv })).toEqual({ imported: 2 });
    expect((await admin().mappings.browse({})).rows.map((r) => r.externalId).sort()).toEqual(['crm-1', 'hd-9']);
    await expect(admin().mappings.importCsv({ csv: `objectType,connectionId,externalId,recordKey\ncontact,${crm},x,\n` })).rejects.toThrow(/line 2 has no recordKey/);
    await expect(admin().mappings.importCsv({ csv: `objectType,connectionId,externalId,recordKey\ncontact,not-ours,x,y\n` })).rejects.toThrow(/line 2: connection not-ours/);
    await expect(admin().mappings.importCsv({ csv: 'a,b\n1,2\n' })).rejects.toThrow(/lacks the column/);
  });

  it('is admin-only', async () => {
    await expect(callerFor(handle.db, people.analyst, acme).mappings.browse({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
