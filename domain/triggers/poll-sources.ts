/**
 * Reading changed records from a poll trigger's source, one source page at a time, ordered by
 * (modified-at, id): a REST API (kinds `rest`, `demo-crm`: the demo CRM's contract
 * `GET {base}/{objectType}?modifiedSince=&limit=&cursor=` -> `{ data, nextCursor }`) or a PostgreSQL
 * table (kinds `postgres`, `demo-helpdesk`, keyset-paginated),
 * a MySQL / MariaDB table (kind `mysql`, keyset-paginated the same way), or a system declared with
 * `defineConnector` (kind `connector`: its declared change listing and pagination; its object's
 * declared id and modified-at fields take the place of the trigger's). Timestamps are normalised to UTC
 * microseconds: a JS Date would drop them, so they travel as ISO strings.
 */
import type postgres from 'postgres';
import { TransientError, UserError } from '../../flows-engine/index';
import { explainStatus } from '../connections/http-client';
import { isConnectorKind, isMysqlKind, isPostgresKind, isRestKind } from '../connections/kinds';
import { explainPostgresError, poolFor } from '../connections/postgres-pool';
import type { ResolvedConnection } from '../connections/resolve';
import { microsToIso, toMicros } from './poll-cursor';
import type { PollTriggerConfig } from './trigger-settings';
import { sendWithConnection } from '../connectors/http-connector';
import { declaredObject, readDeclaredPage } from '../connectors/kit/runtime';
import { readMysqlChanges, readMysqlKeys } from '../connectors/mysql-gateway';

export interface ChangedRecord {
  id: string;
  /** UTC microseconds since the epoch. */
  micros: bigint;
  record: Record<string, unknown>;
}

export interface SourcePage {
  records: ChangedRecord[];
  /** Opaque position of the next source page; null: this was the last. */
  next: string | null;
}

function toChanged(record: Record<string, unknown>, config: PollTriggerConfig, modifiedText?: unknown): ChangedRecord {
  const rawId = record[config.idField];
  if (rawId === undefined || rawId === null || rawId === '') throw new UserError(`A ${config.objectType} record has no “${config.idField}” (the trigger's id field).`, { field: 'idField' });
  const micros = toMicros(modifiedText ?? record[config.modifiedField]);
  if (micros === null) {
    throw new UserError(`${config.objectType} ${String(rawId)}: “${config.modifiedField}” is not a timestamp (${JSON.stringify(record[config.modifiedField])}).`, { field: 'modifiedField' });
  }
  return { id: String(rawId), micros, record };
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

async function restPage(connection: ResolvedConnection, config: PollTriggerConfig, since: string | null, cursor: string | null, limit: number): Promise<SourcePage> {
  if (!SEGMENT.test(config.objectType)) throw new UserError(`Object type "${config.objectType}" cannot be used in a URL (letters, digits, _ . - only).`, { field: 'objectType' });
  const query = new URLSearchParams({ limit: String(Math.min(limit, 500)) });
  if (since) query.set('modifiedSince', since);
  if (cursor) query.set('cursor', cursor);
  const response = await sendWithConnection(connection, { method: 'GET', url: `${config.objectType}?${query}` });
  if (response.status < 200 || response.status >= 300) {
    const message = `GET ${config.objectType}: ${explainStatus(response.status)}${response.body ? ` ${JSON.stringify(response.body).slice(0, 300)}` : ''}`;
    if (response.status === 408 || response.status === 429 || response.status >= 500) throw new TransientError(message);
    throw new UserError(message);
  }
  const body = response.body as { data?: unknown; nextCursor?: unknown } | unknown[] | null;
  const data = Array.isArray(body) ? body : body?.data;
  if (!Array.isArray(data)) throw new UserError(`GET ${config.objectType}: the answer is not { data: [...], nextCursor }.`);
  const next = !Array.isArray(body) && typeof body?.nextCursor === 'string' && body.nextCursor ? body.nextCursor : null;
  return { records: data.map((r) => toChanged(r as Record<string, unknown>, config)), next };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '57014', '53300', '57P01', 'ECONNREFUSED', 'ECONNRESET', 'CONNECT_TIMEOUT']);

function ident(name: string, field: string): string {
  if (!IDENT.test(name)) throw new UserError(`"${name}" is not a usable PostgreSQL name (letters, digits, underscore).`, { field });
  return name;
}

async function postgresPage(connection: ResolvedConnection, config: PollTriggerConfig, since: string | null, cursor: string | null, limit: number): Promise<SourcePage> {
  const table = ident(config.objectType, 'objectType');
  const modified = ident(config.modifiedField, 'modifiedField');
  const id = ident(config.idField, 'idField');
  const sql: postgres.Sql = poolFor(connection);
  const after = cursor ? (JSON.parse(cursor) as { m: string; id: string }) : null;
  const stamp = sql`to_char(${sql(modified)}::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  try {
    const rows = await sql`
      select *, ${stamp} as "__syncline_modified", ${sql(id)}::text as "__syncline_id"
      from ${sql(table)}
      where ${since ? sql`${sql(modified)} >= ${since}::text::timestamptz` : sql`${sql(modified)} is not null`}
        ${after ? sql`and (${sql(modified)}::timestamptz, ${sql(id)}::text) > (${after.m}::text::timestamptz, ${after.id})` : sql``}
      order by ${sql(modified)}, ${sql(id)}::text
      limit ${limit}`;
    const records = rows.map((row) => {
      const { __syncline_modified: stampText, __syncline_id: _id, ...record } = row as Record<string, unknown>;
      return toChanged({ ...record, [config.modifiedField]: stampText }, config, stampText);
    });
    const last = records.at(-1);
    return { records, next: records.length === limit && last ? JSON.stringify({ m: microsToIso(last.micros), id: last.id }) : null };
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as { code?: string }).code ?? '';
    const message = explainPostgresError(error);
    throw TRANSIENT_CODES.has(code) || code.startsWith('08') ? new TransientError(message) : new UserError(message);
  }
}

async function mysqlPage(connection: ResolvedConnection, config: PollTriggerConfig, since: string | null, cursor: string | null, limit: number): Promise<SourcePage> {
  const after = cursor ? (JSON.parse(cursor) as { m: string; id: string }) : null;
  const rows = await readMysqlChanges(connection, { table: config.objectType, idField: config.idField, modifiedField: config.modifiedField, since, after, limit });
  const records = rows.map((row) => toChanged(row.record, config, row.modifiedIso));
  const last = records.at(-1);
  return { records, next: records.length === limit && last ? JSON.stringify({ m: microsToIso(last.micros), id: last.id }) : null };
}

async function mysqlKeys(connection: ResolvedConnection, config: PollTriggerConfig, after: string | null, limit: number): Promise<KeyPage> {
  const ids = await readMysqlKeys(connection, { table: config.objectType, idField: config.idField, after, limit });
  return { ids, next: ids.length === limit ? ids.at(-1)! : null };
}

/**
 * The trigger's settings as they apply to this connection: a declared connector's object names its
 * own id and modified-at fields (the analyst does not have to know them).
 */
export function pollConfigFor(connection: ResolvedConnection, config: PollTriggerConfig): PollTriggerConfig {
  if (!isConnectorKind(connection.kind)) return config;
  const { declaration } = declaredObject(connection, config.objectType);
  return { ...config, idField: declaration.idField, modifiedField: declaration.modifiedAtField };
}

async function declaredPage(connection: ResolvedConnection, config: PollTriggerConfig, since: string | null, cursor: string | null, limit: number): Promise<SourcePage> {
  const object = declaredObject(connection, config.objectType);
  const effective = pollConfigFor(connection, config);
  const page = await readDeclaredPage(object, { since, changesOnly: true, position: cursor, limit });
  return { records: page.records.map((record) => toChanged(record, effective)), next: page.next };
}

async function declaredKeys(connection: ResolvedConnection, config: PollTriggerConfig, cursor: string | null, limit: number): Promise<KeyPage> {
  const object = declaredObject(connection, config.objectType);
  const page = await readDeclaredPage(object, { since: null, changesOnly: false, position: cursor, limit });
  return { ids: page.records.map((record) => String(record[object.declaration.idField])), next: page.next };
}

/** One page of a full key scan: the ids present in the source now, in a stable order. */
export interface KeyPage {
  ids: string[];
  next: string | null;
}

async function restKeys(connection: ResolvedConnection, config: PollTriggerConfig, cursor: string | null, limit: number): Promise<KeyPage> {
  // The same listing without modifiedSince: every live record, (modifiedAt, id)-keyset paginated.
  const page = await restPage(connection, config, null, cursor, limit);
  return { ids: page.records.map((r) => r.id), next: page.next };
}

async function postgresKeys(connection: ResolvedConnection, config: PollTriggerConfig, after: string | null, limit: number): Promise<KeyPage> {
  const table = ident(config.objectType, 'objectType');
  const id = ident(config.idField, 'idField');
  const sql: postgres.Sql = poolFor(connection);
  try {
    const rows = await sql<{ id: string }[]>`
      select ${sql(id)}::text as id from ${sql(table)}
      ${after !== null ? sql`where ${sql(id)}::text > ${after}` : sql``}
      order by ${sql(id)}::text limit ${limit}`;
    return { ids: rows.map((r) => r.id), next: rows.length === limit ? rows.at(-1)!.id : null };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const message = explainPostgresError(error);
    throw TRANSIENT_CODES.has(code) || code.startsWith('08') ? new TransientError(message) : new UserError(message);
  }
}

/** One page of the ids the source holds now (hard-delete detection compares them with the register). */
export function fetchSourceKeys(connection: ResolvedConnection, config: PollTriggerConfig, cursor: string | null, limit: number): Promise<KeyPage> {
  if (isRestKind(connection.kind)) return restKeys(connection, config, cursor, limit);
  if (isPostgresKind(connection.kind)) return postgresKeys(connection, config, cursor, limit);
  if (isMysqlKind(connection.kind)) return mysqlKeys(connection, config, cursor, limit);
  if (isConnectorKind(connection.kind)) return declaredKeys(connection, config, cursor, limit);
  throw new UserError(`Connection “${connection.name}” is a ${connection.kind} connection: it has no records to scan.`, { field: 'connectionId' });
}

/** One page of the source's records modified at or after `since` (ISO, inclusive), after `cursor`. */
export function fetchSourcePage(connection: ResolvedConnection, config: PollTriggerConfig, since: string | null, cursor: string | null, limit: number): Promise<SourcePage> {
  if (isRestKind(connection.kind)) return restPage(connection, config, since, cursor, limit);
  if (isPostgresKind(connection.kind)) return postgresPage(connection, config, since, cursor, limit);
  if (isMysqlKind(connection.kind)) return mysqlPage(connection, config, since, cursor, limit);
  if (isConnectorKind(connection.kind)) return declaredPage(connection, config, since, cursor, limit);
  throw new UserError(`Connection “${connection.name}” is a ${connection.kind} connection: it has no records to poll.`, { field: 'connectionId' });
}
