import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../tests/support/database';
import { insertUser, insertWorkspace } from '../tests/support/app-context';
import { openDb, type DbHandle } from './client';
import { insertJsonRows } from './json-rows';
import { itemBatches, recordLineage } from './schema';

let database: TestDatabase;
let handle: DbHandle;
let workspaceId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 2 });
  const user = await insertUser(handle.db, 'Rows');
  workspaceId = await insertWorkspace(handle.db, 'Rows', [{ userId: user.id, role: 'admin' }]);
});
afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const runId = '00000000-0000-4000-8000-000000000001';

describe('insertJsonRows', () => {
  it('writes every row with its values as given: JSON as it is (nulls included), dates, integers, text', async () => {
    const expiresAt = new Date('2031-01-02T03:04:05.678Z');
    const data = { main: [{ json: { name: 'Zoë "quoted"', n: 1.5, nested: { empty: null, list: [1, 'two'] } } }] };
    await handle.db.execute(
      insertJsonRows(itemBatches, [
        { workspaceId, runId, kind: 'node-output', nodeId: 'a', data, bytes: 10, expiresAt },
        { workspaceId, runId, kind: 'node-output', nodeId: 'b', data: 'a string', bytes: 20, expiresAt },
      ]),
    );
    const rows = await handle.db.select().from(itemBatches).where(eq(itemBatches.runId, runId)).orderBy(itemBatches.nodeId);
    expect(rows.map((r) => [r.nodeId, r.data, r.bytes, r.expiresAt.toISOString(), r.kind])).toEqual([
      ['a', data, 10, expiresAt.toISOString(), 'node-output'],
      ['b', 'a string', 20, expiresAt.toISOString(), 'node-output'],
    ]);
    expect(rows.every((r) => r.id.length === 36)).toBe(true); // the column's default where no row gives it
  });

  it('applies the conflict clause given after it', async () => {
    const row = { workspaceId, runId, kind: 'node-output' as const, nodeId: 'a', data: { replaced: true }, bytes: 1, expiresAt: new Date() };
    await handle.db.execute(insertJsonRows(itemBatches, [row], sql`on conflict (run_id, node_id, kind) do update set data = excluded.data`));
    const [stored] = await handle.db.select({ data: itemBatches.data }).from(itemBatches).where(eq(itemBatches.nodeId, 'a'));
    expect(stored?.data).toEqual({ replaced: true });
    const lineage = { workspaceId, runId, flowId: runId, nodeId: 'n', access: 'write' as const, connectionId: 'c', objectType: 'contact', externalId: 'x', recordKey: '', at: new Date() };
    await handle.db.execute(insertJsonRows(recordLineage, [lineage, lineage], sql`on conflict do nothing`));
    const [{ n } = { n: 0 }] = await handle.sql<{ n: number }[]>`select count(*)::int as n from record_lineage where run_id = ${runId}`;
    expect(n).toBe(1);
  });

  it('refuses rows of which some leave out a column that has a default (it would be NULL, not the default)', () => {
    const base = { workspaceId, runId, kind: 'node-output' as const, data: {}, bytes: 1, expiresAt: new Date() };
    expect(() => insertJsonRows(itemBatches, [{ ...base, nodeId: 'x' }, base])).toThrow(/item_batches\.node_id has a default; give it in every row or in none/);
  });
});
