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
