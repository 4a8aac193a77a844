/**
 * postgres.js pools for PostgreSQL connections (kinds `postgres` and `demo-helpdesk`), one per
 * connection and secret version: a rotated URL opens a new pool and the old one is closed. The
 * connection's schema becomes the `search_path`, so queries name tables without a schema.
 */
import postgres from 'postgres';
import { TransientError, UserError } from '../../flows-engine/index';
import type { PostgresSettings } from './kinds';
import type { ResolvedConnection } from './resolve';

const pools = new Map<string, { version: string; sql: postgres.Sql }>();

export function openPostgres(connection: ResolvedConnection, options: { max?: number; connectTimeoutS?: number } = {}): postgres.Sql {
  if (!connection.secret) throw new Error(`Connection "${connection.name}" has no database URL set.`);
  const schema = (connection.settings as PostgresSettings).schema;
  return postgres(connection.secret, {
    max: options.max ?? 4,
    connect_timeout: options.connectTimeoutS ?? 10,
    idle_timeout: 60,
    onnotice: () => {},
    connection: { search_path: schema, application_name: 'syncline' },
  });
}

/** The shared pool of a connection (worker side). */
export function poolFor(connection: ResolvedConnection): postgres.Sql {
  const existing = pools.get(connection.id);
  if (existing?.version === connection.secretVersion) return existing.sql;
  if (existing) void existing.sql.end({ timeout: 5 });
  const sql = openPostgres(connection);
  pools.set(connection.id, { version: connection.secretVersion, sql });
  return sql;
}

export async function closeAllPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.sql.end({ timeout: 5 })));
}

/** A PostgreSQL error in words an admin can act on. */
export function explainPostgresError(error: unknown): string {
  const err = error as Error & { code?: string };
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'The database refused the connection: nothing listens on that host and port, or a firewall blocks it.';
    case 'ENOTFOUND':
      return 'The database host could not be found (DNS).';
    case 'CONNECT_TIMEOUT':
      return 'The database did not answer within 10 s.';
    case '28P01':
      return 'The database refused the user name or password.';
    case '28000':
      return 'The database does not allow this user to connect from here (pg_hba.conf).';
    case '3D000':
      return `The database does not exist: ${err.message}`;
    case '42501':
      return `The database user lacks a permission: ${err.message}`;
    default:
      return `The database answered with an error: ${err.message}${err.code ? ` (${err.code})` : ''}`;
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** Serialization failures, deadlocks, lock and statement timeouts, too many connections, admin shutdown, network. */
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '57014', '53300', '57P01', 'ECONNREFUSED', 'ECONNRESET', 'CONNECT_TIMEOUT']);

/** A table or column name from a flow's settings, refused unless it is a plain identifier (never quoted into SQL). */
export function postgresIdent(name: string, field: string): string {
  if (!IDENT.test(name)) throw new UserError(`"${name}" is not a usable PostgreSQL name (letters, digits, underscore).`, { field });
  return name;
}

/** A database error as the engine's retry classes: transient (retried) or a user error (not retried). */
export function classifyPostgresError(error: unknown): Error {
  if (error instanceof UserError || error instanceof TransientError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = explainPostgresError(error);
  return TRANSIENT_CODES.has(code) || code.startsWith('08') ? new TransientError(message) : new UserError(message);
}
