/**
 * A fresh, migrated database per test file: `CREATE DATABASE test_<random> TEMPLATE syncline_template`
 * on the cluster started by tests/setup/global-setup.ts (fast: a file copy, no migrations).
 *
 *   const database = await createTestDatabase();   // in beforeAll
 *   ... openDb(database.url) ...
 *   await database.drop();                           // in afterAll, after closing your pools
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { quoteIdent, withDatabase } from '../../db/embedded';

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, closing any sessions still connected to it. */
  drop(): Promise<void>;
}

function admin() {
  return postgres(inject('databaseAdminUrl'), { max: 1, onnotice: () => {} });
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('databaseAdminUrl');
  const template = inject('databaseTemplate');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const sql = admin();
  try {
    await sql.unsafe(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  let dropped = false;
  return {
    url: withDatabase(adminUrl, name),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      const s = admin();
      try {
        await s.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } finally {
        await s.end({ timeout: 5 });
      }
    },
  };
}
