/**
 * The MySQL / MariaDB connector (kind `mysql`) against a REAL MariaDB server (Debian's mariadb-server, started
 * by tests/setup/mariadb.ts on its own port and data dir): poll with keyset pagination and a cursor that
 * survives a restart, create, update, upsert by natural key (batched), delete, discovery of tables and columns,
 * errors classified (a bad column names connection, table and column; a dropped connection is transient), the
 * credential guard, and a published flow (webhook → Upsert to MySQL) run by a real worker.
 */
import { randomBytes } from 'node:crypto';
import type mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollCursors } from '../../db/schema';
import { TransientError, UserError } from '../../flows-engine/index';
import type { FlowInput } from '../../flows-engine/index';
import { createConnection, updateConnection } from '../../domain/connections/connection-service';
import { closeAllMysqlPools } from '../../domain/connections/mysql-pool';
import { resolveConnection } from '../../domain/connections/resolve';
import { testConnection } from '../../domain/connections/test-connection';
import { listConnectionObjects, listObjectFields } from '../../domain/connectors/connection-schema';
import { listMysqlTables, mysqlTableFields } from '../../domain/connectors/mysql-gateway';
import { startMariaDb, type MariaDb } from '../setup/mariadb';
import { insertUser } from '../support/app-context';
import { startConnectorTest, type ConnectorTestContext } from '../support/declared-connectors';
import { createPublishedFlow } from '../support/flows';
import { startOutageProxy, type OutageProxy } from '../support/outage-proxy';
import { startRunHarness, type RunHarness } from '../support/run-harness';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

const CUSTOMERS = `create table customers (
  id int auto_increment primary key,
  email varchar(120) not null unique,
  name varchar(10),
  plan enum('free','pro') not null default 'free',
  active tinyint(1) not null default 1,
  deleted_at datetime(6) null,
  flagged_for_deletion tinyint(1) null,
  updated_by varchar(80) null,
  updated_at datetime(6) not null default current_timestamp(6) on update current_timestamp(6)
)`;

let maria: MariaDb;
let admin: mysql.Connection;
let ctx: ConnectorTestContext;
let actor: { workspaceId: string; userId: string };
let connectionId: string;

function mysqlInput(database: string, overrides: { name?: string; port?: number; allowPrivateNetwork?: boolean } = {}) {
  return {
    name: overrides.name ?? `Shop ${randomBytes(3).toString('hex')}`,
    kind: 'mysql' as const,
    settings: { host: '127.0.0.1', port: overrides.port ?? maria.port, database, user: maria.user, tls: 'off' },
    secret: maria.password,
    integrationIdentity: 'svc-sync',
    owner: '',
    description: '',
    scopes: [],
    credentialExpiresAt: null,
    allowPrivateNetwork: overrides.allowPrivateNetwork ?? true,
  };
}

beforeAll(async () => {
  maria = await startMariaDb();
  await maria.createDatabase('shop');
  admin = await maria.connect('shop');
  await admin.query(CUSTOMERS);
  ctx = await startConnectorTest();
  const user = await insertUser(ctx.handle.db, 'Mia MySQL');
  actor = { workspaceId: ctx.workspaceId, userId: user.id };
  connectionId = (await createConnection(ctx.handle.db, actor, mysqlInput('shop', { name: 'Shop' }))).id;
});

afterAll(async () => {
  await closeAllMysqlPools();
  await admin?.end();
  await ctx?.close();
  await maria?.stop();
});

const records = () => ctx.connectors().records;
const upsert = (list: Parameters<ReturnType<ConnectorTestContext['connectors']>['records']['upsertMany']>[0]['records'], objectType = 'customers') =>
  records().upsertMany({ connectionId, objectType, records: list, idempotencyKey: 'run-1:upsert' });
async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await admin.query<RowDataPacket[]>(sql, params);
  return result;
}

describe('MySQL connector against a real MariaDB server', () => {
  it('says what it connected to, and lists tables and typed columns for the pickers', async () => {
    const outcome = await testConnection(ctx.handle.db, { workspaceId: actor.workspaceId, connectionId });
    expect(outcome).toMatchObject({ ok: true, message: expect.stringMatching(/^Connected: MariaDB 10\.\d+.*database "shop" \(without TLS\)/) });
    const connection = await resolveConnection(ctx.handle.db, { workspaceId: actor.workspaceId, connectionId });
    expect(await listMysqlTables(connection)).toContainEqual({ name: 'customers', label: 'customers' });
    const fields = await mysqlTableFields(connection, 'customers');
    expect(fields).toEqual([
      { name: 'id', type: 'number', readOnly: true },
      { name: 'email', type: 'string', required: true },
      { name: 'name', type: 'string' },
      { name: 'plan', type: 'enum', options: ['free', 'pro'] },
      { name: 'active', type: 'boolean' },
      { name: 'deleted_at', type: 'datetime' },
      { name: 'flagged_for_deletion', type: 'boolean' },
      { name: 'updated_by', type: 'string' },
      { name: 'updated_at', type: 'datetime' },
    ]);
    // What the editor's pickers get for the connection (connectionSchema.objects / fields).
    const query = { workspaceId: actor.workspaceId, connectionId };
    expect((await listConnectionObjects(ctx.handle.db, query)).objects).toContainEqual({ name: 'customers', label: 'customers' });
    const picked = await listObjectFields(ctx.handle.db, { ...query, objectType: 'customers' });
    expect(picked.fields.slice(0, 2)).toEqual([
      { name: 'id', type: 'number', readOnly: true },
      { name: 'email', type: 'string', required: true },
    ]);
    // The connection has an integration identity, so every write fills updated_by with it (the pickers say so).
    expect(picked.fields.find((f) => f.name === 'updated_by')).toEqual({ name: 'updated_by', type: 'string', stamp: true });
    expect((await listObjectFields(ctx.handle.db, { ...query, objectType: 'no_such_table' })).problem).toMatch(/no_such_table/);
  });

  it('polls in (modified-at, id) order across pages, ties included, and resumes from its cursor after a restart', async () => {
    await admin.query('create table tickets (id int primary key, subject varchar(50), updated_at datetime(6) not null)');
    // 90 tickets share one instant (a bulk update), 30 are spread after it: pages of 40 cut through the tie.
    const values = Array.from({ length: 120 }, (_, i) => [120 - i, `T${120 - i}`, i < 90 ? '2026-01-01 10:00:00.123456' : `2026-01-01 10:00:${String(i - 89).padStart(2, '0')}.000001`]);
    await admin.query('insert into tickets (id, subject, updated_at) values ?', [values]);
    const flowId = await ctx.pollFlow(connectionId, 'tickets', { pageSize: 40, modifiedField: 'updated_at' });
    const first = await ctx.poll(flowId);
    expect(first.events.map((e) => e.length)).toEqual([40, 40, 40]);
    const expected = [...values].sort((a, b) => String(a[2]).localeCompare(String(b[2])) || Number(a[0]) - Number(b[0])).map((v) => v[0]);
    expect(first.events.flat().map((t) => t.id)).toEqual(expected);
    expect(first.events[0]![0]).toMatchObject({ id: 31, subject: 'T31', updated_at: '2026-01-01T10:00:00.123456Z' });

    // A "restart": every pool closed; the cursor lives in Syncline's database, not in the process.
    await closeAllMysqlPools();
    const [cursor] = await ctx.handle.db.select().from(pollCursors).where(and(eq(pollCursors.flowId, flowId), eq(pollCursors.nodeId, 'poll')));
    expect(cursor).toBeDefined();
    await admin.query("update tickets set subject = 'Edited', updated_at = '2026-01-01 11:00:00' where id = 7");
    const second = await ctx.poll(flowId);
    expect(second.events.slice(3)).toEqual([[expect.objectContaining({ id: 7, subject: 'Edited' })]]);
    const third = await ctx.poll(flowId);
    expect(third.events).toHaveLength(4);
  });

  it('creates, updates by id, upserts by natural key in one batch, and stamps the integration identity', async () => {
    const created = await upsert([
      { naturalKey: { field: 'email', value: 'ada@shop.example' }, fields: { email: 'ada@shop.example', name: 'Ada' } },
      { naturalKey: { field: 'email', value: 'bob@shop.example' }, fields: { email: 'bob@shop.example', name: 'Bob' } },
      { fields: { email: 'cy@shop.example', name: 'Cy', plan: 'pro', active: false } },
    ]);
    expect(created.map((r) => r.created)).toEqual([true, true, true]);
    const stored = await rows('select id, email, name, plan, active, updated_by from customers order by id');
    expect(stored.map((r) => String(r.id))).toEqual(created.map((r) => r.externalId));
    expect(stored).toEqual([
      expect.objectContaining({ email: 'ada@shop.example', name: 'Ada', updated_by: 'svc-sync' }),
      expect.objectContaining({ email: 'bob@shop.example', name: 'Bob' }),
      expect.objectContaining({ email: 'cy@shop.example', plan: 'pro', active: 0 }),
    ]);

    const [ada, bob, cy] = created.map((r) => r.externalId);
    const second = await upsert([
      { naturalKey: { field: 'email', value: 'ADA@shop.example' }, fields: { name: 'Ada L.' } }, // matched by email, case-insensitively
      { externalId: cy, fields: { name: 'Cyrus' } }, // by id
      { naturalKey: { field: 'email', value: 'dee@shop.example' }, fields: { email: 'dee@shop.example', name: 'Dee' } }, // new
      { naturalKey: { field: 'email', value: 'dee@shop.example' }, fields: { name: 'Dee D.' } }, // the same new one again in the page
    ]);
    expect(second[0]).toEqual({ externalId: ada, created: false });
    expect(second[1]).toEqual({ externalId: cy, created: false });
    expect(second[2]!.created).toBe(true);
    expect(second[3]).toEqual({ externalId: second[2]!.externalId, created: false });
    expect(await rows('select name from customers where id in (?) order by id', [[ada, cy, second[2]!.externalId]])).toEqual([{ name: 'Ada L.' }, { name: 'Cyrus' }, { name: 'Dee D.' }]);
    expect(await ctx.connectors().finder.findIds({ connectionId, objectType: 'customers', field: 'email', value: 'BOB@shop.example' })).toEqual([bob]);
    const read = await records().readMany({ connectionId, objectType: 'customers', externalIds: [ada!, 'missing'] });
    expect([...read.keys()]).toEqual([ada]);
    expect(read.get(ada!)).toMatchObject({ email: 'ada@shop.example', name: 'Ada L.' });
  });

  it('deletes softly, flags, anonymises and deletes for good', async () => {
    const [one, two] = await upsert([{ fields: { email: 'gone@shop.example', name: 'Gone' } }, { fields: { email: 'flag@shop.example', name: 'Flag' } }]);
    await admin.query("update customers set updated_by = 'someone' where id in (?)", [[one!.externalId, two!.externalId]]);
    await records().deleteMany({ connectionId, objectType: 'customers', externalIds: [one!.externalId], mode: 'soft', idempotencyKey: 'd1' });
    await records().deleteMany({ connectionId, objectType: 'customers', externalIds: [two!.externalId], mode: 'flag', idempotencyKey: 'd2' });
    expect(await rows('select deleted_at is not null as deleted, flagged_for_deletion as flagged, updated_by from customers where id in (?) order by id', [[one!.externalId, two!.externalId]])).toEqual([
      { deleted: 1, flagged: null, updated_by: 'svc-sync' },
      { deleted: 0, flagged: 1, updated_by: 'svc-sync' },
    ]);
    await records().anonymiseMany({ connectionId, objectType: 'customers', externalIds: [two!.externalId], fields: ['email', 'name'], idempotencyKey: 'a1' });
    expect(await rows('select email, name from customers where id = ?', [two!.externalId])).toEqual([{ email: 'anonymised', name: null }]);
    await records().deleteMany({ connectionId, objectType: 'customers', externalIds: [one!.externalId, two!.externalId], mode: 'hard', idempotencyKey: 'd3' });
    expect(await rows('select id from customers where id in (?)', [[one!.externalId, two!.externalId]])).toEqual([]);
  });

  it('turns a bad column, a too long value and a missing required value into user errors naming connection, table and column', async () => {
    const unknown = await upsert([{ fields: { email: 'x@shop.example', nickname: 'X' } }]).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UserError);
    expect((unknown as UserError).message).toBe('MySQL “Shop” · table customers: the column “nickname” does not exist.');
    expect((unknown as UserError).location.field).toBe('nickname');
    const tooLong = await upsert([{ fields: { email: 'long@shop.example', name: 'Bartholomew the Third' } }]).catch((e: unknown) => e);
    expect((tooLong as UserError).message).toBe('MySQL “Shop” · table customers: the value for column “name” is too long for it.');
    const missing = await upsert([{ fields: { name: 'Nobody' } }]).catch((e: unknown) => e);
    expect((missing as UserError).message).toBe('MySQL “Shop” · table customers: the column “email” needs a value (it cannot be empty).');
    expect((missing as UserError).location.field).toBe('email');
    // Nothing of the failed batches was written (one transaction per call).
    expect(await rows("select id from customers where email in ('x@shop.example', 'long@shop.example')")).toEqual([]);
  });

  it('refuses names that are not plain identifiers, before any SQL', async () => {
    const bad = await upsert([{ fields: { name: 'x' } }], 'customers`; drop table customers; --').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(UserError);
    expect((bad as UserError).message).toMatch(/is not a usable MySQL name/);
    expect((bad as UserError).location.field).toBe('objectType');
    const badField = await upsert([{ fields: { 'name`=1,email': 'x' } }]).catch((e: unknown) => e);
    expect((badField as UserError).location.field).toBe('fields');
    expect(await rows('select count(*) as n from customers')).toEqual([{ n: expect.any(Number) }]);
  });

  it('classifies a dropped connection as transient, and the retry goes through once the database is back', async () => {
    const proxy: OutageProxy = await startOutageProxy(maria.port);
    try {
      const viaProxy = (await createConnection(ctx.handle.db, actor, mysqlInput('shop', { port: proxy.port }))).id;
      const write = (email: string) =>
        records().upsertMany({ connectionId: viaProxy, objectType: 'customers', records: [{ naturalKey: { field: 'email', value: email }, fields: { email, name: 'Pat' } }], idempotencyKey: 'k' });
      await write('pat@shop.example');
      await proxy.refuse(); // every open connection dropped, new ones refused
      const failed = await write('pat2@shop.example').catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(TransientError);
      expect((failed as Error).message).toMatch(/^MySQL “Shop \w+” · table customers: The (connection to the database was lost|database refused the connection)/);
      await proxy.restore();
      const [retried] = await write('pat2@shop.example');
      expect(retried!.created).toBe(true);
      expect(await rows("select count(*) as n from customers where email = 'pat2@shop.example'")).toEqual([{ n: 1 }]);
    } finally {
      await proxy.stop();
    }
  });

  it('sends the password only to the user, host and port it was entered for, and not to private addresses unless allowed', async () => {
    const moved = updateConnection(ctx.handle.db, actor, { id: connectionId, ...mysqlInput('shop', { name: 'Shop' }), settings: { host: 'db.evil.example', port: maria.port, database: 'shop', user: maria.user, tls: 'off' }, secret: '' });
    await expect(moved).rejects.toThrow(/enter the password again/);
    // Tampering with the stored settings directly does not help either: the pool refuses before connecting.
    const tampered = (await createConnection(ctx.handle.db, actor, mysqlInput('shop'))).id;
    const { connections } = await import('../../db/schema');
    const [row] = await ctx.handle.db.select().from(connections).where(eq(connections.id, tampered));
    await ctx.handle.db.update(connections).set({ config: { ...row!.config, port: maria.port + 1 } }).where(eq(connections.id, tampered));
    const refused = await records().readMany({ connectionId: tampered, objectType: 'customers', externalIds: ['1'] }).catch((e: unknown) => e);
    expect((refused as Error).message).toMatch(/its password was entered for syncline@127\.0\.0\.1:\d+, not syncline@127\.0\.0\.1:\d+/);

    const privateOff = (await createConnection(ctx.handle.db, actor, mysqlInput('shop', { allowPrivateNetwork: false }))).id;
    const blocked = await records().readMany({ connectionId: privateOff, objectType: 'customers', externalIds: ['1'] }).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(UserError);
    expect((blocked as Error).message).toMatch(/private or loopback address/);
  });
});

describe('a published flow writing to MySQL through a real worker', () => {
  let harness: RunHarness;
  let mysqlConnection: string;

  beforeAll(async () => {
    await maria.createDatabase('crm');
    const crm = await maria.connect('crm');
    await crm.query(CUSTOMERS);
    await crm.end();
    harness = await startRunHarness({ prefix: 'mysql-flow', targetUrl: 'http://127.0.0.1:9' });
    mysqlConnection = (await createConnection(harness.handle.db, { workspaceId: harness.workspaceId, userId: harness.user.id }, mysqlInput('crm', { name: 'CRM database' }))).id;
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('webhook → Upsert to MySQL creates the customer, and a second delivery updates it by email', async () => {
    const lit = (value: unknown) => ({ kind: 'literal' as const, value });
    const graph: Omit<FlowInput, 'id' | 'name'> = {
      schemaVersion: 1,
      nodes: [
        { id: 'hook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Customer changed', config: {} },
        {
          id: 'upsert',
          type: 'sync.upsert-record',
          typeVersion: 1,
          label: 'Upsert to MySQL',
          config: {
            connectionId: lit(mysqlConnection),
            objectType: lit('customers'),
            fields: lit([
              { target: 'email', sourcePath: 'email' },
              { target: 'name', sourcePath: 'name' },
            ]),
            matchBy: lit({ naturalKey: { target: 'email', sourcePath: 'email' } }),
          },
        },
      ],
      edges: [{ id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'upsert', port: 'main' } }],
      layout: {},
    };
    const { token } = await createPublishedFlow(harness.handle.db, { workspaceId: harness.workspaceId, userId: harness.user.id }, graph);
    expect(await harness.finished(await harness.deliver(token, { email: 'eve@crm.example', name: 'Eve' }))).toMatchObject({ status: 'succeeded' });
    expect(await harness.finished(await harness.deliver(token, { email: 'eve@crm.example', name: 'Eve K.' }))).toMatchObject({ status: 'succeeded' });
    const crm = await maria.connect('crm');
    try {
      const [stored] = await crm.query<RowDataPacket[]>('select email, name, updated_by from customers');
      expect(stored).toEqual([{ email: 'eve@crm.example', name: 'Eve K.', updated_by: 'svc-sync' }]);
    } finally {
      await crm.end();
    }
  });
});
