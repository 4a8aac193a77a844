import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Db = PostgresJsDatabase<typeof schema>;

export interface DbHandle {
  db: Db;
  /** The underlying postgres.js client, for LISTEN/NOTIFY. */
  sql: postgres.Sql;
  close(): Promise<void>;
}

/**
 * Opens a Drizzle client over postgres.js. The one driver serves the embedded
 * PostgreSQL and any external `DATABASE_URL` alike. `connect_timeout` and `connection` (server settings
 * such as `statement_timeout`) bound how long a caller can wait (the webhook intake does).
 */
export function openDb(url: string, options: Pick<postgres.Options<Record<string, never>>, 'max' | 'connect_timeout' | 'connection'> = {}): DbHandle {
  const sql = postgres(url, { ...options, max: options.max ?? 10, onnotice: () => {} });
  return { db: drizzle(sql, { schema }), sql, close: () => sql.end({ timeout: 5 }) };
}

const dialect = new PgDialect();

/**
 * Runs a statement as a prepared statement: one round trip (Bind, Execute) once postgres.js has prepared
 * its text on the connection. Drizzle's `execute` never prepares, and postgres.js then asks PostgreSQL
 * for the parameter types first (Parse, Describe, wait; then Bind, Execute): two round trips and a Parse
 * per call. For hot statements whose text does not vary. Inside a transaction (which has no postgres.js
 * client of its own here) it runs through Drizzle as usual.
 */
export async function executePrepared<T extends Record<string, unknown>>(db: Pick<Db, 'execute'>, query: SQL): Promise<T[]> {
  const client = (db as { $client?: postgres.Sql }).$client;
  if (!client) return (await db.execute<T>(query)) as T[];
  const { sql: text, params } = dialect.sqlToQuery(query);
  return client.unsafe<T[]>(text, params as postgres.ParameterOrJSON<never>[], { prepare: true });
}

const cache = globalThis as unknown as { __synclineDb?: DbHandle };

/**
 * The process-wide client for `DATABASE_URL`, cached on `globalThis` so that
 * Next.js hot reloads in development do not open a new pool each time.
 */
export function getDb(): Db {
  if (!cache.__synclineDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set. Start Syncline with `npm start`, or set DATABASE_URL.');
    cache.__synclineDb = openDb(url);
  }
  return cache.__synclineDb.db;
}
