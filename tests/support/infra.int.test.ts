import { Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database';
import { temporalAddress } from './temporal';

describe('test infrastructure', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('gives each test file a fresh PostgreSQL database', async () => {
    const sql = postgres(database.url, { max: 1 });
    try {
      const [row] = await sql`SELECT 1 AS one, current_database() AS name`;
      expect(row).toEqual({ one: 1, name: database.name });
    } finally {
      await sql.end();
    }
  });

  it('connects to the Temporal dev server and its default namespace', async () => {
    const connection = await Connection.connect({ address: temporalAddress() });
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(ns.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });
});
