/**
 * A MySQL / MariaDB database (kind `mysql`) as a record system: a table is an object, its columns are
 * fields (read from information_schema for the pickers), its single-column primary key is the record id
 * (`id` when the table has none). Each call is ONE transaction, so a failed attempt leaves nothing
 * half-written for the retry to trip over; lost connections, lock wait timeouts and deadlocks are transient.
 *
 * Writes are batched: a page's natural keys are matched with one `SELECT … WHERE key IN (…)`, its new
 * records are written with one multi-row `INSERT` (their auto-increment ids are consecutive when the
 * server's `innodb_autoinc_lock_mode` is 0 or 1, MariaDB's default; with 2, MySQL 8's default, rows are
 * inserted one by one to learn each id), and its updates one `UPDATE` per record.
 *
 * As with PostgreSQL, when the table has an `updated_by` (or `modified_by`) column every write stamps it
 * with the connection's integration identity unless the flow writes that column itself (loop prevention),
 * soft delete sets `deleted_at`, flag sets `flagged_for_deletion`, and anonymisation writes NULL (or
 * `anonymised` in NOT NULL columns).
 */
import type mysql from 'mysql2/promise';
import type { RowDataPacket, ResultSetHeader } from 'mysql2/promise';
import type { RecordGateway, UpsertRecordResult } from '../../nodes/effect-deps';
import { UserError } from '../../flows-engine/index';
import { classifyMysqlError, inMysqlTransaction, mysqlIdent as ident, mysqlPoolFor, type MysqlPlace } from '../connections/mysql-pool';
import type { ResolvedConnection } from '../connections/resolve';
import type { FieldDeclaration, FieldType } from './kit/define-connector';
import { stampColumnOf } from './stamp-column';

/** Placeholder written into NOT NULL personal columns by anonymisation. */
const ANONYMISED_VALUE = 'anonymised';

interface Column {
  readonly name: string;
  readonly dataType: string;
  readonly columnType: string;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
  readonly key: string;
  readonly extra: string;
}

interface TableFacts {
  readonly columns: ReadonlyMap<string, Column>;
  /** The record id column (the single-column primary key, else `id`). */
  readonly key: string;
  readonly autoIncrement: boolean;
  readonly stampColumn: string | null;
}

async function readColumns(session: Pick<mysql.Pool, 'query'>, table: string): Promise<Column[]> {
  const [rows] = await session.query<RowDataPacket[]>(
    `select column_name as name, data_type as dataType, column_type as columnType, is_nullable as nullable,
            column_default as dflt, column_key as colKey, extra
     from information_schema.columns where table_schema = database() and table_name = ? order by ordinal_position`,
    [table],
  );
  return rows.map((r) => ({
    name: String(r.name),
    dataType: String(r.dataType).toLowerCase(),
    columnType: String(r.columnType).toLowerCase(),
    nullable: r.nullable === 'YES',
    // MariaDB reports a missing default as the string NULL, MySQL as SQL NULL.
    hasDefault: r.dflt !== null && !(r.nullable === 'NO' && r.dflt === 'NULL'),
    key: String(r.colKey ?? ''),
    extra: String(r.extra ?? '').toLowerCase(),
  }));
}

async function tableFacts(session: Pick<mysql.Pool, 'query'>, table: string, place: MysqlPlace): Promise<TableFacts> {
  const columns = await readColumns(session, table);
  if (columns.length === 0) throw new UserError(`MySQL “${place.connection}”: the table “${table}” does not exist (or the user cannot see it).`, { field: place.tableField ?? 'objectType' });
  const primary = columns.filter((c) => c.key === 'PRI');
  const key = primary.length === 1 ? primary[0]! : columns.find((c) => c.name === 'id');
  if (!key) throw new UserError(`MySQL “${place.connection}” · table ${table}: it has no single-column primary key and no “id” column to tell records apart.`, { field: place.tableField ?? 'objectType' });
  const names = new Set(columns.map((c) => c.name));
  return {
    columns: new Map(columns.map((c) => [c.name, c])),
    key: key.name,
    autoIncrement: key.extra.includes('auto_increment'),
    stampColumn: stampColumnOf(names),
  };
}

/** A value as a placeholder parameter: objects and arrays as JSON text, booleans as 1/0. */
function param(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return JSON.stringify(value);
  return value;
}

/** The record's columns (checked) with the stamp added when the flow writes fields but not the stamp column. */
function valuesOf(fields: Readonly<Record<string, unknown>>, facts: TableFacts, identity: string | null): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const [name, value] of Object.entries(fields)) {
    ident(name, 'fields');
    values.set(name, param(value));
  }
  if (values.size > 0 && facts.stampColumn && identity && !values.has(facts.stampColumn)) values.set(facts.stampColumn, identity);
  return values;
}

/** The server's innodb_autoinc_lock_mode, read once per connection version (it cannot change while the server runs). */
const lockModes = new Map<string, number>();
async function autoIncLockMode(session: mysql.PoolConnection, connection: ResolvedConnection): Promise<number> {
  const known = lockModes.get(connection.secretVersion);
  if (known !== undefined) return known;
  const [rows] = await session.query<RowDataPacket[]>('select @@innodb_autoinc_lock_mode as mode');
  const mode = Number(rows[0]?.mode ?? 2);
  lockModes.set(connection.secretVersion, mode);
  return mode;
}

/** `a = ?, b = ?` for the columns of `values` (checked names), with its parameters. */
function assignments(values: ReadonlyMap<string, unknown>): { sql: string; params: unknown[] } {
  return { sql: [...values.keys()].map((c) => `${ident(c, 'fields')} = ?`).join(', '), params: [...values.values()] };
}

/** One multi-row INSERT of rows sharing a column list; the created ids, in order. */
async function insertRows(session: mysql.PoolConnection, connection: ResolvedConnection, table: string, facts: TableFacts, rows: readonly Map<string, unknown>[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const columns = [...rows[0]!.keys()];
  const sameShape = rows.every((row) => row.size === columns.length && columns.every((c) => row.has(c)));
  const keyGiven = columns.includes(facts.key);
  const consecutive = facts.autoIncrement && !keyGiven && (await autoIncLockMode(session, connection)) <= 1;
  if (rows.length > 1 && (!sameShape || (!keyGiven && !consecutive))) {
    const ids: string[] = [];
    for (const row of rows) ids.push(...(await insertRows(session, connection, table, facts, [row])));
    return ids;
  }
  const quoted = columns.map((c) => ident(c, 'fields')).join(', ');
  const sql = columns.length
    ? `insert into ${ident(table, 'objectType')} (${quoted}) values ${rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`
    : `insert into ${ident(table, 'objectType')} () values ()`;
  const [result] = await session.query<ResultSetHeader>(sql, rows.flatMap((row) => columns.map((c) => row.get(c))));
  if (keyGiven) return rows.map((row) => String(row.get(facts.key)));
  if (!facts.autoIncrement) {
    throw new UserError(`MySQL · table ${table}: its key “${facts.key}” is not AUTO_INCREMENT, so a new record needs a value for it (map the field “${facts.key}”).`, { field: facts.key });
  }
  const first = BigInt(result.insertId);
  return rows.map((_, i) => String(first + BigInt(i)));
}

/** The ids of the rows whose `field` equals `value` (case-insensitive for text, under the usual _ci collations). */
export async function findMysqlIds(connection: ResolvedConnection, objectType: string, field: string, value: string): Promise<string[]> {
  const table = objectType;
  const column = ident(field, 'field');
  const place = { connection: connection.name, table };
  return inMysqlTransaction(connection, place, async (session) => {
    const facts = await tableFacts(session, table, place);
    const [rows] = await session.query<RowDataPacket[]>(
      `select cast(${ident(facts.key, 'key')} as char) as id from ${ident(table, 'objectType')} where lower(cast(${column} as char)) = lower(?)`,
      [value],
    );
    return rows.map((r) => String(r.id));
  });
}

/** What a gateway call works with: one transaction on the table, its facts, and the names quoted. */
interface TableCall {
  readonly session: mysql.PoolConnection;
  readonly connection: ResolvedConnection;
  readonly facts: TableFacts;
  /** The table and key column, checked and quoted. */
  readonly table: string;
  readonly key: string;
  /** The connection's integration account, read when a write needs it. */
  identity(): Promise<string | null>;
}

export function createMysqlGateway(
  resolve: (connectionId: string) => Promise<ResolvedConnection>,
  /** The connection's integration account (who the integration writes as), or null. */
  identityOf: (connectionId: string) => Promise<string | null>,
): RecordGateway {
  async function onTable<T>(connectionId: string, objectType: string, work: (call: TableCall) => Promise<T>): Promise<T> {
    const table = ident(objectType, 'objectType');
    const connection = await resolve(connectionId);
    const place = { connection: connection.name, table: objectType };
    return inMysqlTransaction(connection, place, async (session) => {
      const facts = await tableFacts(session, objectType, place);
      return work({ session, connection, facts, table, key: ident(facts.key, 'key'), identity: () => identityOf(connectionId) });
    });
  }

  return {
    upsertMany: ({ connectionId, objectType, records }) =>
      onTable(connectionId, objectType, async ({ session, connection, facts, table, key, identity: identityLater }) => {
        const identity = await identityLater();
        // 1. Natural keys of the page, matched with one query per key column.
        const matched = new Map<string, Map<string, string>>();
        const byField = new Map<string, unknown[]>();
        for (const record of records) {
          if (record.externalId || !record.naturalKey) continue;
          ident(record.naturalKey.field, 'matchBy.naturalKey');
          byField.set(record.naturalKey.field, [...(byField.get(record.naturalKey.field) ?? []), record.naturalKey.value]);
        }
        for (const [field, values] of byField) {
          const [rows] = await session.query<RowDataPacket[]>(
            `select cast(${key} as char) as id, cast(${ident(field, 'matchBy.naturalKey')} as char) as nk from ${table} where ${ident(field, 'matchBy.naturalKey')} in (?)`,
            [values.map(param)],
          );
          const found = new Map<string, string>();
          for (const row of rows) if (!found.has(String(row.nk).toLowerCase())) found.set(String(row.nk).toLowerCase(), String(row.id));
          matched.set(field, found);
        }
        // 2. Updates by id; creates collected (a natural key created earlier in the page is updated, not created twice).
        const results: (UpsertRecordResult | { pendingCreate: number })[] = [];
        const creates: Map<string, unknown>[] = [];
        const createdByKey = new Map<string, number>();
        const laterUpdates: { create: number; values: Map<string, unknown> }[] = [];
        for (const record of records) {
          const values = valuesOf(record.fields, facts, identity);
          const nkText = record.naturalKey ? `${record.naturalKey.field}\u0000${String(record.naturalKey.value).toLowerCase()}` : null;
          const targetId = record.externalId ?? (record.naturalKey ? matched.get(record.naturalKey.field)?.get(String(record.naturalKey.value).toLowerCase()) : undefined);
          if (targetId) {
            const set = assignments(values);
            // affectedRows counts matched rows (not only changed ones): mysql2 connects with CLIENT_FOUND_ROWS.
            const exists = values.size
              ? (await session.query<ResultSetHeader>(`update ${table} set ${set.sql} where ${key} = ?`, [...set.params, targetId]))[0].affectedRows > 0
              : (await session.query<RowDataPacket[]>(`select 1 from ${table} where ${key} = ?`, [targetId]))[0].length > 0;
            if (exists) {
              results.push({ externalId: targetId, created: false });
              continue;
            }
            // The record went away since it was mapped: it is created again below.
          }
          const earlier = nkText !== null ? createdByKey.get(nkText) : undefined;
          if (earlier !== undefined) {
            laterUpdates.push({ create: earlier, values });
            results.push({ pendingCreate: earlier });
            continue;
          }
          if (nkText !== null) createdByKey.set(nkText, creates.length);
          results.push({ pendingCreate: creates.length });
          creates.push(values);
        }
        // 3. Creates in as few INSERTs as their column lists allow.
        const createdIds: string[] = new Array(creates.length);
        const groups = new Map<string, number[]>();
        creates.forEach((values, index) => {
          const shape = [...values.keys()].join(',');
          groups.set(shape, [...(groups.get(shape) ?? []), index]);
        });
        for (const indexes of groups.values()) {
          const ids = await insertRows(session, connection, objectType, facts, indexes.map((i) => creates[i]!));
          indexes.forEach((createIndex, n) => (createdIds[createIndex] = ids[n]!));
        }
        for (const update of laterUpdates) {
          if (update.values.size === 0) continue;
          const set = assignments(update.values);
          await session.query(`update ${table} set ${set.sql} where ${key} = ?`, [...set.params, createdIds[update.create]]);
        }
        const seen = new Set<number>();
        return results.map((result) => {
          if (!('pendingCreate' in result)) return result;
          const first = !seen.has(result.pendingCreate);
          seen.add(result.pendingCreate);
          return { externalId: createdIds[result.pendingCreate]!, created: first };
        });
      }),

    async deleteMany({ connectionId, objectType, externalIds, mode }) {
      if (externalIds.length === 0) return;
      await onTable(connectionId, objectType, async ({ session, facts, table, key, identity: identityLater }) => {
        const ids = [...externalIds];
        if (mode === 'hard') {
          await session.query(`delete from ${table} where ${key} in (?)`, [ids]);
          return;
        }
        const identity = await identityLater();
        const stamp = facts.stampColumn && identity ? `, ${ident(facts.stampColumn, 'stamp')} = ?` : '';
        const stampParams = stamp ? [identity] : [];
        if (mode === 'soft') await session.query(`update ${table} set deleted_at = utc_timestamp(6)${stamp} where ${key} in (?) and deleted_at is null`, [...stampParams, ids]);
        else await session.query(`update ${table} set flagged_for_deletion = 1${stamp} where ${key} in (?) and not (flagged_for_deletion <=> 1)`, [...stampParams, ids]);
      });
    },

    async readMany({ connectionId, objectType, externalIds }) {
      if (externalIds.length === 0) return new Map();
      return onTable(connectionId, objectType, async ({ session, facts, table, key }) => {
        const [rows] = await session.query<RowDataPacket[]>(`select * from ${table} where ${key} in (?)`, [[...externalIds]]);
        return new Map(rows.map((row) => [String(row[facts.key]), { ...row } as Record<string, unknown>]));
      });
    },

    async anonymiseMany({ connectionId, objectType, externalIds, fields }) {
      if (externalIds.length === 0 || fields.length === 0) return;
      await onTable(connectionId, objectType, async ({ session, facts, table, key, identity: identityLater }) => {
        const values = new Map<string, unknown>(fields.map((f) => [f, facts.columns.get(f)?.nullable === false ? ANONYMISED_VALUE : null]));
        const identity = await identityLater();
        if (facts.stampColumn && identity) values.set(facts.stampColumn, identity);
        const set = assignments(values);
        await session.query(`update ${table} set ${set.sql} where ${key} in (?)`, [...set.params, [...externalIds]]);
      });
    },
  };
}

/** A row read by the poll source: the record, its id as text and its modified-at as UTC ISO with microseconds. */
export interface MysqlChangedRow {
  readonly id: string;
  readonly modifiedIso: string;
  readonly record: Record<string, unknown>;
}

/** ISO (UTC) as a MySQL DATETIME(6) literal. */
function mysqlStamp(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}

/**
 * Rows modified at or after `since`, after the keyset position `after` (modified-at, then id), oldest first.
 * DATETIME columns are read as UTC; TIMESTAMP columns are converted by the session's UTC time zone.
 */
export async function readMysqlChanges(
  connection: ResolvedConnection,
  query: { table: string; idField: string; modifiedField: string; since: string | null; after: { m: string; id: string } | null; limit: number },
): Promise<MysqlChangedRow[]> {
  const table = ident(query.table, 'objectType');
  const modified = ident(query.modifiedField, 'modifiedField');
  const id = ident(query.idField, 'idField');
  const where = [`${modified} is not null`];
  const params: unknown[] = [];
  if (query.since) {
    where.push(`${modified} >= ?`);
    params.push(mysqlStamp(query.since));
  }
  if (query.after) {
    where.push(`(${modified} > ? or (${modified} = ? and ${id} > ?))`);
    params.push(mysqlStamp(query.after.m), mysqlStamp(query.after.m), query.after.id);
  }
  params.push(query.limit);
  try {
    const pool = await mysqlPoolFor(connection);
    const [rows] = await pool.query<RowDataPacket[]>(
      `select *, date_format(${modified}, '%Y-%m-%dT%H:%i:%s.%fZ') as __syncline_modified, cast(${id} as char) as __syncline_id
       from ${table} where ${where.join(' and ')} order by ${modified}, ${id} limit ?`,
      params,
    );
    return rows.map((row) => {
      const { __syncline_modified: modifiedIso, __syncline_id: rowId, ...record } = row as Record<string, unknown>;
      return { id: String(rowId), modifiedIso: String(modifiedIso), record: { ...record, [query.modifiedField]: modifiedIso } };
    });
  } catch (error) {
    throw classifyMysqlError(error, { connection: connection.name, table: query.table });
  }
}

/** One page of the ids the table holds now, in key order, after `after`. */
export async function readMysqlKeys(connection: ResolvedConnection, query: { table: string; idField: string; after: string | null; limit: number }): Promise<string[]> {
  const table = ident(query.table, 'objectType');
  const id = ident(query.idField, 'idField');
  try {
    const pool = await mysqlPoolFor(connection);
    const [rows] = await pool.query<RowDataPacket[]>(
      `select cast(${id} as char) as id from ${table} ${query.after !== null ? `where ${id} > ?` : ''} order by ${id} limit ?`,
      query.after !== null ? [query.after, query.limit] : [query.limit],
    );
    return rows.map((r) => String(r.id));
  } catch (error) {
    throw classifyMysqlError(error, { connection: connection.name, table: query.table });
  }
}

/** The base tables (and views) of the connection's database, for the object picker. */
export async function listMysqlTables(connection: ResolvedConnection): Promise<{ name: string; label: string }[]> {
  try {
    const pool = await mysqlPoolFor(connection);
    const [rows] = await pool.query<RowDataPacket[]>(`select table_name as name from information_schema.tables where table_schema = database() order by table_name`);
    return rows.map((r) => ({ name: String(r.name), label: String(r.name) })).filter((t) => /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(t.name));
  } catch (error) {
    throw classifyMysqlError(error, { connection: connection.name });
  }
}

function fieldTypeOf(column: Column): FieldType {
  if (column.columnType === 'tinyint(1)' || column.dataType === 'bit' || column.dataType === 'boolean') return 'boolean';
  if (['int', 'integer', 'tinyint', 'smallint', 'mediumint', 'bigint', 'decimal', 'numeric', 'float', 'double', 'real'].includes(column.dataType)) return 'number';
  if (['datetime', 'timestamp'].includes(column.dataType)) return 'datetime';
  if (column.dataType === 'date') return 'date';
  if (column.dataType === 'enum') return 'enum';
  if (column.dataType === 'json') return 'json';
  return 'string';
}

/** A table's columns as fields (type, required when NOT NULL without a default, read-only when generated). */
export async function mysqlTableFields(connection: ResolvedConnection, table: string): Promise<FieldDeclaration[]> {
  ident(table, 'objectType');
  try {
    const pool = await mysqlPoolFor(connection);
    const place = { connection: connection.name, table };
    const facts = await tableFacts(pool, table, place);
    return [...facts.columns.values()].map((column) => {
      const type = fieldTypeOf(column);
      const generated = column.extra.includes('auto_increment') || column.extra.includes('generated') || column.extra.includes('virtual') || column.extra.includes('stored');
      const options = type === 'enum' ? [...column.columnType.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'")) : undefined;
      return {
        name: column.name,
        type,
        ...(!column.nullable && !column.hasDefault && !generated ? { required: true } : {}),
        ...(generated ? { readOnly: true } : {}),
        ...(options ? { options } : {}),
      };
    });
  } catch (error) {
    throw classifyMysqlError(error, { connection: connection.name, table });
  }
}
