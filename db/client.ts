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

export interface OpenDbOptions extends Pick<postgres.Options<Record<string, never>>, 'max' | 'connect_timeout' | 'connection'> {
  /** Run repeated statements as prepared statements (see `preparingRepeats`). For hot paths: the worker's, the webhook intake's. */
  prepareRepeats?: boolean;
}

/**
 * Opens a Drizzle client over postgres.js. The one driver serves the embedded
 * PostgreSQL and any external `DATABASE_URL` alike. `connect_timeout` and `connection` (server settings
 * such as `statement_timeout`) bound how long a caller can wait (the webhook intake does).
 */
export function openDb(url: string, { prepareRepeats = false, ...options }: OpenDbOptions = {}): DbHandle {
  const sql = postgres(url, { ...options, max: options.max ?? 10, onnotice: () => {} });
  return { db: drizzle(prepareRepeats ? preparingRepeats(sql) : sql, { schema }), sql, close: () => sql.end({ timeout: 5 }) };
}

/** Texts seen so far (bounded: forgotten all at once when full, then learnt again). */
const seenTexts = new Set<string>();
const SEEN_TEXTS_MAX = 5_000;

/**
 * Drizzle runs every query as an unnamed statement, so PostgreSQL parses and plans it on every call
 * (planning over the partitioned run history was about a third of PostgreSQL's CPU per run) and
 * postgres.js first waits for a describe round trip. Here a text seen before runs as a named prepared
 * statement instead: postgres.js keeps it per connection (connections are recycled every 30-60 minutes,
 * its `max_lifetime`, which bounds what a connection keeps) and the server reuses the parse and, once it
 * settles on one, the plan. A text seen once (an IN list of an unusual length) stays unnamed. Not for a
 * transaction-pooling proxy in front of PostgreSQL (it cannot keep prepared statements).
 */
function preparingRepeats(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (text: string, parameters?: postgres.ParameterOrJSON<never>[], queryOptions?: postgres.UnsafeQueryOptions) => {
          const repeated = seenTexts.has(text);
          if (!repeated) {
            if (seenTexts.size >= SEEN_TEXTS_MAX) seenTexts.clear();
            seenTexts.add(text);
          }
          return target.unsafe(text, parameters, repeated ? { ...queryOptions, prepare: true } : queryOptions);
        };
      }
      // A transaction's client is another postgres.js client: it prepares repeats too.
      if (property === 'begin') {
        return (...args: unknown[]) => {
          const callback = args.pop() as (transaction: postgres.TransactionSql) => unknown;
          return (target.begin as (...a: unknown[]) => unknown)(...args, (transaction: postgres.TransactionSql) => callback(preparingRepeats(transaction as unknown as postgres.Sql) as unknown as postgres.TransactionSql));
        };
      }
      if (property === 'savepoint') {
        return (...args: unknown[]) => {
          const callback = args.pop() as (transaction: postgres.TransactionSql) => unknown;
          const savepoint = (target as unknown as { savepoint: (...a: unknown[]) => unknown }).savepoint;
          return savepoint(...args, (transaction: postgres.TransactionSql) => callback(preparingRepeats(transaction as unknown as postgres.Sql) as unknown as postgres.TransactionSql));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
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
