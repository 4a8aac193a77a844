/**
 * mysql2 pools for MySQL / MariaDB connections (kind `mysql`), one per connection and secret version: a
 * changed password or setting opens a new pool and the old one is closed. Sessions run in UTC
 * (`time_zone = '+00:00'`) and read dates, big integers and decimals as strings, so timestamps keep their
 * microseconds and numbers their digits.
 *
 * The credential guard: the password goes only to the `user@host:port` it was entered for (`passwordFor`,
 * stamped by connection-service when the password is stored), and, like every connection, not to a private
 * or loopback address unless an admin allowed private networks for this connection.
 *
 * Identifiers (tables, columns) are checked against a plain-name pattern and quoted with backticks;
 * values always travel as placeholders.
 */
import mysql from 'mysql2/promise';
import { TransientError, UserError } from '../../flows-engine/index';
import { mysqlPasswordTarget, type MysqlSettings } from './kinds';
import { assertPublicHost, PrivateNetworkError } from './network-guard';
import type { ResolvedConnection } from './resolve';

const pools = new Map<string, { version: string; pool: mysql.Pool }>();

function settingsOf(connection: ResolvedConnection): MysqlSettings {
  return connection.settings as MysqlSettings;
}

/** Refuses (naming the connection) to send the password anywhere it was not entered for. */
async function assertPasswordTarget(connection: ResolvedConnection): Promise<void> {
  const settings = settingsOf(connection);
  if (!connection.secret) throw new UserError(`Connection “${connection.name}” has no database password set.`, { field: 'connectionId' });
  if (settings.passwordFor !== mysqlPasswordTarget(settings)) {
    throw new UserError(
      `Connection “${connection.name}”: its password was entered for ${settings.passwordFor ?? 'another server'}, not ${mysqlPasswordTarget(settings)}. An admin must enter the password again.`,
      { field: 'connectionId' },
    );
  }
  try {
    await assertPublicHost(new URL(`mysql://${settings.host}:${settings.port}`), connection.allowPrivateNetwork);
  } catch (error) {
    if (error instanceof PrivateNetworkError) throw new UserError(`Connection “${connection.name}”: ${error.message}`, { field: 'connectionId' });
    throw new TransientError(`Connection “${connection.name}”: the host ${settings.host} could not be looked up (${(error as Error).message}).`);
  }
}

function tlsOption(settings: MysqlSettings): mysql.PoolOptions['ssl'] {
  if (settings.tls === 'off') return undefined;
  return { rejectUnauthorized: settings.tls === 'verified' };
}

/** A pool of its own (Test connection opens one and ends it); checks the credential guard first. */
export async function openMysql(connection: ResolvedConnection, options: { max?: number; connectTimeoutMs?: number } = {}): Promise<mysql.Pool> {
  await assertPasswordTarget(connection);
  const settings = settingsOf(connection);
  const pool = mysql.createPool({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: connection.secret ?? '',
    database: settings.database,
    ssl: tlsOption(settings),
    connectionLimit: options.max ?? 4,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    idleTimeout: 60_000,
    charset: 'utf8mb4',
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    multipleStatements: false,
  });
  // `timezone: 'Z'` only affects how the driver converts Dates; TIMESTAMP columns are read in the session's zone.
  // The event hands over the driver's callback connection (typed as the promise one); the SET is queued before
  // any query of the session. A session that cannot be set to UTC is thrown away rather than used.
  pool.on('connection', (connection) => {
    const core = connection as unknown as { query(sql: string, done: (error: Error | null) => void): void; destroy(): void };
    core.query("SET SESSION time_zone = '+00:00'", (error) => {
      if (error) core.destroy();
    });
  });
  return pool;
}

/** The shared pool of a connection (worker side). */
export async function mysqlPoolFor(connection: ResolvedConnection): Promise<mysql.Pool> {
  const existing = pools.get(connection.id);
  if (existing?.version === connection.secretVersion) return existing.pool;
  if (existing) void existing.pool.end().catch(() => {});
  const pool = await openMysql(connection);
  pools.set(connection.id, { version: connection.secretVersion, pool });
  return pool;
}

export async function closeAllMysqlPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.pool.end().catch(() => {})));
}

/** Runs `work` in ONE transaction on one pooled session; errors come out classified (see {@link classifyMysqlError}). */
export async function inMysqlTransaction<T>(connection: ResolvedConnection, place: MysqlPlace, work: (session: mysql.PoolConnection) => Promise<T>): Promise<T> {
  let session: mysql.PoolConnection | undefined;
  try {
    session = await (await mysqlPoolFor(connection)).getConnection();
    await session.beginTransaction();
    const result = await work(session);
    await session.commit();
    session.release();
    return result;
  } catch (error) {
    if (session) {
      // A session whose socket broke, or whose rollback fails, is thrown away rather than reused.
      await session.rollback().then(
        () => session!.release(),
        () => session!.destroy(),
      );
    }
    throw classifyMysqlError(error, { ...place, connection: connection.name });
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A table or column name from a flow's settings, refused unless it is a plain identifier; returned quoted in backticks. */
export function mysqlIdent(name: string, field: string): string {
  if (!IDENT.test(name)) throw new UserError(`"${name}" is not a usable MySQL name (letters, digits, underscore; at most 64).`, { field });
  return `\`${name}\``;
}

/** Where a database error happened, for messages an analyst can act on. */
export interface MysqlPlace {
  readonly connection?: string;
  readonly table?: string;
  /** The settings field that names the table (objectType for sync steps). */
  readonly tableField?: string;
}

/** Driver and network codes of a lost or refused connection. */
const TRANSIENT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'POOL_CLOSED',
]);
/**
 * Server errors worth a retry: 1205 lock wait timeout, 1213 deadlock, 1040 too many connections, 1053 server
 * shutdown, 1927 connection killed, 2006 / 2013 server gone / lost during a query, 1317 query interrupted,
 * 3024 / 1969 statement time limit (MySQL / MariaDB).
 */
const TRANSIENT_ERRNOS = new Set([1205, 1213, 1040, 1053, 1927, 2006, 2013, 1317, 3024, 1969]);

/** A MySQL error in words an admin can act on (Test connection, and the base of every classified error). */
export function explainMysqlError(error: unknown): string {
  const err = error as Error & { code?: string; errno?: number; sqlMessage?: string };
  const message = err.sqlMessage ?? err.message;
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'The database refused the connection: nothing listens on that host and port, or a firewall blocks it.';
    case 'ENOTFOUND':
      return 'The database host could not be found (DNS).';
    case 'ETIMEDOUT':
      return 'The database did not answer within 10 s.';
    case 'PROTOCOL_CONNECTION_LOST':
    case 'ECONNRESET':
      return 'The connection to the database was lost.';
    case 'HANDSHAKE_SSL_ERROR':
    case 'HANDSHAKE_NO_SSL_SUPPORT':
      return `The TLS handshake with the database failed (${message}). Check the connection's TLS setting.`;
    case 'ER_ACCESS_DENIED_ERROR':
      return 'The database refused the user name or password.';
    case 'ER_BAD_DB_ERROR':
      return `The database does not exist: ${message}`;
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
      return `The database user lacks a permission: ${message}`;
    default:
      return `The database answered with an error: ${message}${err.code ? ` (${err.code})` : ''}`;
  }
}

function columnIn(message: string): string | null {
  // "Unknown column 'x' in 'field list'", "Data too long for column 'x'", "Column 'x' cannot be null", "Field 'x' doesn't have a default value".
  return /(?:column|field) '([^']+)'/i.exec(message)?.[1] ?? null;
}

/**
 * A database error as the engine's retry classes: transient (retried) or a user error (not retried), the
 * latter naming the connection, the table and the column where the server says which.
 */
export function classifyMysqlError(error: unknown, place: MysqlPlace = {}): Error {
  if (error instanceof UserError || error instanceof TransientError) return error;
  const err = error as { code?: string; errno?: number; sqlMessage?: string; message?: string };
  const where = [place.connection ? `MySQL “${place.connection}”` : 'MySQL', place.table ? `table ${place.table}` : null].filter(Boolean).join(' · ');
  if (TRANSIENT_CODES.has(err.code ?? '') || TRANSIENT_ERRNOS.has(err.errno ?? 0)) {
    return new TransientError(`${where}: ${explainMysqlError(error)}`);
  }
  const message = err.sqlMessage ?? err.message ?? String(error);
  const column = columnIn(message);
  switch (err.code) {
    case 'ER_BAD_FIELD_ERROR':
      return new UserError(`${where}: the column “${column ?? '?'}” does not exist.`, { field: column ?? 'fields' });
    case 'ER_DATA_TOO_LONG':
      return new UserError(`${where}: the value for column “${column ?? '?'}” is too long for it.`, { field: column ?? 'fields' });
    case 'ER_BAD_NULL_ERROR':
    case 'ER_NO_DEFAULT_FOR_FIELD':
      return new UserError(`${where}: the column “${column ?? '?'}” needs a value (it cannot be empty).`, { field: column ?? 'fields' });
    case 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD':
    case 'ER_TRUNCATED_WRONG_VALUE':
    case 'WARN_DATA_TRUNCATED':
    case 'ER_WARN_DATA_OUT_OF_RANGE':
      return new UserError(`${where}: the value for column “${column ?? '?'}” does not fit its type (${message}).`, { field: column ?? 'fields' });
    case 'ER_DUP_ENTRY':
      return new UserError(`${where}: a record with the same unique value already exists (${message}).`, { field: 'fields' });
    case 'ER_NO_SUCH_TABLE':
      return new UserError(`${where}: the table does not exist (${message}).`, { field: place.tableField ?? 'objectType' });
    default:
      return new UserError(`${where}: ${explainMysqlError(error)}`);
  }
}
