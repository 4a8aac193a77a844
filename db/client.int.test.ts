import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../tests/support/database';
import { openDb, type DbHandle } from './client';
import { workspaces } from './schema';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** The prepared statements of the pool's one connection that read `workspaces` by name. */
async function preparedWorkspaceReads(handle: DbHandle): Promise<number> {
  const [row] = await handle.sql<{ n: number }[]>`select count(*)::int as n from pg_prepared_statements where statement like '%"workspaces"."name" = $1%' and statement not like '%pg_prepared_statements%'`;
  return row!.n;
}

describe('openDb with prepareRepeats', () => {
  it('runs a statement seen before as a prepared statement, in and out of transactions, and leaves a one-off unnamed', async () => {
    const handle = openDb(database.url, { max: 1, prepareRepeats: true });
    try {
      const byName = (name: string) => handle.db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, name));
      await byName('first');
      expect(await preparedWorkspaceReads(handle)).toBe(0);
      await byName('second');
      await byName('third');
      expect(await preparedWorkspaceReads(handle)).toBe(1);

      await handle.db.transaction(async (tx) => {
        for (const n of [1, 2]) await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, `00000000-0000-4000-8000-00000000000${n}`));
      });
      const [inTransaction] = await handle.sql<{ n: number }[]>`select count(*)::int as n from pg_prepared_statements where statement like '%"workspaces"."id" = $1%' and statement not like '%pg_prepared_statements%'`;
      expect(inTransaction!.n).toBe(1);

      // Results are the same either way.
      const [created] = await handle.db.insert(workspaces).values({ name: 'prepared' }).returning();
      expect((await byName('prepared')).map((w) => w.id)).toEqual([created!.id]);
    } finally {
      await handle.close();
    }
  });

  it('prepares nothing without it', async () => {
    const handle = openDb(database.url, { max: 1 });
    try {
      for (const name of ['a', 'b', 'c']) await handle.db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, name));
      expect(await preparedWorkspaceReads(handle)).toBe(0);
    } finally {
      await handle.close();
    }
  });
});
