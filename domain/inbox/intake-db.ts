/**
 * The webhook intake's own PostgreSQL pool, with every wait bounded so that during an outage a sender
 * gets a 503 within about two seconds instead of a hung request (and requests do not pile up):
 *
 * - `connect_timeout` 1.5 s: a PostgreSQL that is frozen or unreachable fails the connection attempt;
 *   one that refuses connections fails at once;
 * - `statement_timeout` 1.5 s, enforced by the server: a statement that waits too long (a lock, a
 *   stalled disk) is cancelled and rolled back, so "not stored" is the truth;
 * - the group commit drops events still queued after 1.5 s without sending them (hook-store.ts), and
 *   `acceptWebhook` answers 503 after 2.5 s whatever happens (accept-webhook.ts).
 *
 * Its connections are named `syncline-intake` in `pg_stat_activity`.
 */
import { DrizzleQueryError } from 'drizzle-orm';
import { openDb, type DbHandle } from '../../db/client';
import { env } from '../platform/env';
import { errorMessage } from '../platform/logger';

export const INTAKE_APPLICATION_NAME = 'syncline-intake';

export function openIntakeDb(url: string, options: { max?: number } = {}): DbHandle {
  return openDb(url, {
    // The intake's statements have fixed texts (hook-store.ts, enqueue.ts): prepared once seen, each is
    // one round trip (Bind, Execute) with no Parse, instead of Drizzle's describe-then-execute.
    prepareRepeats: true,
    max: options.max ?? 8,
    connect_timeout: 1.5,
    connection: { application_name: INTAKE_APPLICATION_NAME, statement_timeout: 1500 },
  });
}

const cache = globalThis as unknown as { __synclineIntakeDb?: DbHandle };

/** The process-wide intake pool for `DATABASE_URL` (shared by the listener and the Next.js route of one process). */
export function intakeDb(): DbHandle {
  if (!cache.__synclineIntakeDb) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set. Start Syncline with `npm start`, or set DATABASE_URL.');
    cache.__synclineIntakeDb = openIntakeDb(url);
  }
  return cache.__synclineIntakeDb;
}

/**
 * Why a database call failed, for the log: the database's code and reason only. Drizzle's query errors
 * ("Failed query: … params: …") and postgres.js errors carry the statement and its parameters (the
 * payload, the hook token): those are never logged, and quoted values in a reason (`invalid input
 * syntax …: "…"`) are elided.
 */
export function describeFailure(error: unknown): string {
  const cause = error instanceof DrizzleQueryError && error.cause ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  const reason = errorMessage(cause).replace(/"[^"]*"/g, '"…"').slice(0, 200);
  return typeof code === 'string' && !reason.includes(code) ? `${code}: ${reason}` : reason;
}
