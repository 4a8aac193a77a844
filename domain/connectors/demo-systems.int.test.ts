/** The connectors against the real demo systems of examples/: the demo CRM over REST, the demo helpdesk over SQL. */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { startDemoCrm, type DemoCrm } from '../../examples/demo-crm/service';
import { DEFAULT_INTEGRATION_KEY } from '../../examples/demo-crm/auth';
import { createDemoDatabases } from '../../examples/shared/test-databases';
import { startDemoHelpdesk, type DemoHelpdesk } from '../../examples/demo-helpdesk/service';
import { createConnection } from '../connections/connection-service';
import { closeAllPools } from '../connections/postgres-pool';
import { testConnection } from '../connections/test-connection';
import { createConnectors } from './connectors';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

let database: TestDatabase;
let demo: Awaited<ReturnType<typeof createDemoDatabases>>;
let handle: DbHandle;
let crm: DemoCrm;
let helpdesk: DemoHelpdesk;
let actor: { workspaceId: string; userId: string };

beforeAll(async () => {
  database = await createTestDatabase();
  demo = await createDemoDatabases();
  handle = openDb(database.url, { max: 4 });
  crm = await startDemoCrm({ databaseUrl: demo.crmUrl, port: 0 });
  helpdesk = await startDemoHelpdesk({ databaseUrl: demo.helpdeskUrl, port: 0 });
  const user = await insertUser(handle.db, 'Ada');
  actor = { workspaceId: await insertWorkspace(handle.db, 'Acme', [{ userId: user.id, role: 'admin' }]), userId: user.id };
});

afterAll(async () => {
  await crm?.stop();
  await helpdesk?.stop();
  await closeAllPools();
  await handle?.close();
  await demo?.drop();
  await database?.drop();
});

const base = { integrationIdentity: 'svc-sync', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: true };

describe('the demo systems through connections', () => {
  it('writes contacts to the demo CRM: create, update, delete', async () => {
    const conn = await createConnection(handle.db, actor, {
      ...base, name: 'Demo CRM', kind: 'demo-crm', settings: { baseUrl: `${crm.url}/api`, healthPath: 'contacts?limit=1', auth: { type: 'bearer' } }, secret: DEFAULT_INTEGRATION_KEY,
    });
    expect(await testConnection(handle.db, { workspaceId: actor.workspaceId, connectionId: conn.id })).toMatchObject({ ok: true });
    const { records } = createConnectors(handle.db, actor);
    const [created] = await records.upsertMany({ connectionId: conn.id, objectType: 'contacts', records: [{ fields: { firstName: 'Ada', email: 'ada@example.com' } }], idempotencyKey: `r-${randomBytes(4).toString('hex')}:n` });
    expect(created).toMatchObject({ created: true, externalId: expect.stringMatching(/[0-9a-f-]{36}/) });
    const [updated] = await records.upsertMany({ connectionId: conn.id, objectType: 'contacts', records: [{ externalId: created!.externalId, fields: { lastName: 'Lovelace' } }], idempotencyKey: 'r2:n' });
    expect(updated).toEqual({ externalId: created!.externalId, created: false });
    const got = await fetch(`${crm.url}/api/contacts/${created!.externalId}`, { headers: { authorization: `Bearer ${DEFAULT_INTEGRATION_KEY}` } }).then((r) => r.json());
    expect(got).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', modifiedBy: 'svc-sync' });
    await records.deleteMany({ connectionId: conn.id, objectType: 'contacts', externalIds: [created!.externalId], mode: 'soft', idempotencyKey: 'r3:n' });
    const gone = await fetch(`${crm.url}/api/contacts/${created!.externalId}`, { headers: { authorization: `Bearer ${DEFAULT_INTEGRATION_KEY}` } }).then((r) => r.json());
    expect(gone.deletedAt).toEqual(expect.any(String));
  });

  it('writes customers to the demo helpdesk database and flags them for deletion', async () => {
    const conn = await createConnection(handle.db, actor, { ...base, name: 'Demo helpdesk', kind: 'demo-helpdesk', settings: { schema: 'public' }, secret: demo.helpdeskUrl });
    expect(await testConnection(handle.db, { workspaceId: actor.workspaceId, connectionId: conn.id })).toMatchObject({ ok: true });
    const { records } = createConnectors(handle.db, actor);
    const [created, matched] = await records.upsertMany({
      connectionId: conn.id, objectType: 'customers', idempotencyKey: 'k',
      records: [
        { fields: { name: 'Ada Lovelace', email: 'ada@example.com', updated_by: 'svc-sync' } },
        { naturalKey: { field: 'email', value: 'ada@example.com' }, fields: { support_tier: 'gold', updated_by: 'svc-sync' } },
      ],
    });
    expect(created).toMatchObject({ created: true });
    expect(matched).toEqual({ externalId: created!.externalId, created: false });
    await records.deleteMany({ connectionId: conn.id, objectType: 'customers', externalIds: [created!.externalId], mode: 'flag', idempotencyKey: 'k' });
    const sql = postgres(demo.helpdeskUrl, { max: 1, onnotice: () => {} });
    const [row] = await sql`select support_tier, flagged_for_deletion, updated_by from customers where id = ${created!.externalId}`;
    await sql.end();
    expect(row).toMatchObject({ support_tier: 'gold', flagged_for_deletion: true, updated_by: 'svc-sync' });
  });
});
