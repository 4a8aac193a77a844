/**
 * "Test connection": one real request or query per connection, the outcome explained in words and
 * recorded as the connection's health (last check time, ok, error). The same check runs on a timer
 * in the worker (`temporal/jobs/connection-health-loop.ts`).
 */
import type { RowDataPacket } from 'mysql2/promise';
import { and, asc, eq, isNull, lt, or, sql as raw } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections } from '../../db/schema';
import { HttpFailure, explainStatus, sendHttp } from './http-client';
import { checkDeclared } from '../connectors/kit/runtime';
import { isConnectorKind, isMysqlKind, isPostgresKind, isRestKind, type MysqlSettings, type PostgresSettings, type RestSettings } from './kinds';
import { explainMysqlError, openMysql } from './mysql-pool';
import { explainPostgresError, openPostgres } from './postgres-pool';
import { resolveConnection, type ResolvedConnection } from './resolve';
import { authHeaders, forgetToken } from './rest-auth';
import { assertInsideBaseUrl } from './base-url';

export interface CheckOutcome {
  readonly ok: boolean;
  readonly message: string;
  readonly latencyMs: number;
  readonly checkedAt: Date;
}

/** Runs the check and records it; never throws for a failing system (that is an outcome). */
export async function testConnection(db: Db, query: { workspaceId: string; connectionId: string }): Promise<CheckOutcome> {
  const started = Date.now();
  let ok = false;
  let message: string;
  try {
    const connection = await resolveConnection(db, query);
    message = await check(connection);
    ok = true;
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  const checkedAt = new Date();
  await db
    .update(connections)
    .set({ lastCheckedAt: checkedAt, lastCheckOk: ok, lastCheckError: ok ? null : message.slice(0, 1000) })
    .where(and(eq(connections.id, query.connectionId), eq(connections.workspaceId, query.workspaceId)));
  return { ok, message, latencyMs: checkedAt.getTime() - started, checkedAt };
}

async function check(connection: ResolvedConnection): Promise<string> {
  if (isRestKind(connection.kind)) return checkRest(connection);
  if (isPostgresKind(connection.kind)) return checkPostgres(connection);
  if (isMysqlKind(connection.kind)) return checkMysql(connection);
  if (isConnectorKind(connection.kind)) return checkDeclared(connection);
  // Inbound webhooks: nothing to call; what can be checked is that a shared secret exists.
  if (!connection.secret) throw new Error('No shared secret is set: senders cannot sign their requests.');
  return 'Inbound webhook source: the shared secret is set. Senders sign requests with HMAC-SHA256.';
}

async function checkRest(connection: ResolvedConnection): Promise<string> {
  const settings = connection.settings as RestSettings;
  const url = new URL(settings.healthPath || '', settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`);
  assertInsideBaseUrl(connection, settings.baseUrl, url.toString());
  let headers: Record<string, string>;
  try {
    forgetToken(connection); // a test must prove the credentials work now, not that a token was cached
    headers = await authHeaders(connection);
  } catch (error) {
    throw new Error(error instanceof HttpFailure ? error.message : `Could not authenticate: ${(error as Error).message}`, { cause: error });
  }
  const response = await sendHttp({ method: 'GET', url: url.toString(), headers, allowPrivateNetwork: connection.allowPrivateNetwork, timeoutMs: 10_000 });
  if (response.status >= 200 && response.status < 300) {
    return `GET ${url.pathname} answered HTTP ${response.status}${settings.auth.type === 'oauth2' ? ' with a fresh OAuth2 token' : ''}.`;
  }
  throw new Error(`GET ${url.toString()} — ${explainStatus(response.status)}`);
}

async function checkPostgres(connection: ResolvedConnection): Promise<string> {
  const schema = (connection.settings as PostgresSettings).schema;
  const sql = openPostgres(connection, { max: 1 });
  try {
    const [row] = await sql<{ version: string; found: boolean }[]>`
      select current_setting('server_version') as version,
             exists(select 1 from information_schema.schemata where schema_name = ${schema}) as found`;
    if (!row?.found) throw Object.assign(new Error(`The schema "${schema}" does not exist in that database.`), { code: 'SCHEMA' });
    return `Connected: PostgreSQL ${row.version}, schema "${schema}" found.`;
  } catch (error) {
    throw new Error((error as { code?: string }).code === 'SCHEMA' ? (error as Error).message : explainPostgresError(error), { cause: error });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function checkMysql(connection: ResolvedConnection): Promise<string> {
  const settings = connection.settings as MysqlSettings;
  const pool = await openMysql(connection, { max: 1 }); // the credential guard refuses here, before any connection
  try {
    const [rows] = await pool.query<RowDataPacket[]>('select version() as version, database() as db');
    const row = rows[0];
    // MariaDB reports e.g. `10.11.19-MariaDB-0+deb12u1`, MySQL `8.4.3`.
    const version = String(row?.version ?? '');
    const product = version.includes('MariaDB') ? `MariaDB ${version.split('-MariaDB')[0]}` : `MySQL ${version}`;
    return `Connected: ${product}, database "${settings.database}"${settings.tls === 'off' ? ' (without TLS)' : ' over TLS'}.`;
  } catch (error) {
    throw new Error(explainMysqlError(error), { cause: error });
  } finally {
    await pool.end().catch(() => {});
  }
}

/**
 * Checks every connection whose last check is older than `intervalMs`, oldest first, a few at a
 * time. Returns how many were checked. Safe in several workers at once: at worst a connection is
 * checked twice.
 */
export async function runDueHealthChecks(db: Db, options: { intervalMs: number; batch?: number }): Promise<number> {
  const due = await db
    .select({ id: connections.id, workspaceId: connections.workspaceId })
    .from(connections)
    .where(or(isNull(connections.lastCheckedAt), lt(connections.lastCheckedAt, raw`now() - make_interval(secs => ${options.intervalMs / 1000})`)))
    .orderBy(asc(connections.lastCheckedAt))
    .limit(options.batch ?? 20);
  for (const row of due) await testConnection(db, { workspaceId: row.workspaceId, connectionId: row.id });
  return due.length;
}
