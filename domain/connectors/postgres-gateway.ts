/**
 * RecordGateway over a PostgreSQL database (kinds `postgres` and `demo-helpdesk`): the object type
 * is a table in the connection's schema, its key column is `id`. Soft delete sets `deleted_at`,
 * flag sets `flagged_for_deletion`. Each call is ONE transaction, so a failed attempt leaves
 * nothing half-written for the retry to trip over. Lock and serialisation failures are transient.
 *
 * When the table has an `updated_by` (or `modified_by`) column, every write (upsert with fields,
 * soft delete, flag, anonymisation) stamps it with the connection's integration identity unless the
 * flow writes that column itself: loop prevention then recognises the integration's own changes.
 * Anonymisation writes NULL, or `anonymised` where the column is NOT NULL.
 */
import type postgres from 'postgres';
import type { RecordGateway, UpsertRecordResult } from '../../nodes/effect-deps';
import { classifyPostgresError as classify, poolFor, postgresIdent as ident } from '../connections/postgres-pool';
import type { ResolvedConnection } from '../connections/resolve';
import { stampColumnOf } from './stamp-column';


async function inTransaction<T>(connection: ResolvedConnection, work: (sql: postgres.TransactionSql) => Promise<T>): Promise<T> {
  try {
    return (await poolFor(connection).begin(work)) as T;
  } catch (error) {
    throw classify(error);
  }
}

/** Reads row facts the gateway adapts to: the stamp column and the NOT NULL columns. */
async function tableFacts(sql: postgres.TransactionSql, table: string): Promise<{ stampColumn: string | null; notNull: Set<string> }> {
  const columns = await sql<{ name: string; nullable: string }[]>`
    select column_name as name, is_nullable as nullable from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}`;
  const names = new Set(columns.map((c) => c.name));
  return {
    stampColumn: stampColumnOf(names),
    notNull: new Set(columns.filter((c) => c.nullable === 'NO').map((c) => c.name)),
  };
}

function stampOf(facts: { stampColumn: string | null }, identity: string | null): Record<string, string> {
  return facts.stampColumn && identity ? { [facts.stampColumn]: identity } : {};
}

/** Placeholder written into NOT NULL personal columns by anonymisation. */
export const ANONYMISED_VALUE = 'anonymised';

function fieldsOf(fields: Readonly<Record<string, unknown>>): Record<string, postgres.SerializableParameter> {
  const out: Record<string, postgres.SerializableParameter> = {};
  for (const [key, value] of Object.entries(fields)) {
    ident(key, 'fields');
    out[key] = (value !== null && typeof value === 'object' ? JSON.stringify(value) : value) as postgres.SerializableParameter;
  }
  return out;
}

/** The ids of the rows whose `field` equals `value` (case-insensitive for text). */
export async function findPostgresIds(connection: ResolvedConnection, objectType: string, field: string, value: string): Promise<string[]> {
  const table = ident(objectType, 'objectType');
  const column = ident(field, 'field');
  const rows = await inTransaction(connection, (sql) => sql<{ id: string }[]>`
    select id::text as id from ${sql(table)} where lower(${sql(column)}::text) = lower(${value})`);
  return rows.map((r) => r.id);
}

export function createPostgresGateway(
  resolve: (connectionId: string) => Promise<ResolvedConnection>,
  /** The connection's integration account (who the integration writes as), or null. */
  identityOf: (connectionId: string) => Promise<string | null>,
): RecordGateway {
  return {
    async upsertMany({ connectionId, objectType, records }) {
      const connection = await resolve(connectionId);
      const table = ident(objectType, 'objectType');
      const identity = await identityOf(connectionId);
      return inTransaction(connection, async (sql) => {
        const facts = await tableFacts(sql, table);
        const results: UpsertRecordResult[] = [];
        for (const record of records) {
          const values = fieldsOf(record.fields);
          // A write with fields gets the integration's stamp unless the flow sets the column itself.
          if (Object.keys(values).length > 0) for (const [column, value] of Object.entries(stampOf(facts, identity))) values[column] ??= value;
          const columns = Object.keys(values);
          let targetId = record.externalId;
          if (!targetId && record.naturalKey) {
            const [found] = await sql`select id::text as id from ${sql(table)} where ${sql(ident(record.naturalKey.field, 'matchBy.naturalKey'))} = ${record.naturalKey.value as string} limit 1`;
            targetId = found?.id as string | undefined;
          }
          if (targetId) {
            const updated = columns.length
              ? await sql`update ${sql(table)} set ${sql(values, columns)} where id::text = ${targetId} returning id::text as id`
              : await sql`select id::text as id from ${sql(table)} where id::text = ${targetId}`;
            if (updated[0]) {
              results.push({ externalId: targetId, created: false });
              continue;
            }
          }
          const [created] = columns.length
            ? await sql`insert into ${sql(table)} ${sql(values, columns)} returning id::text as id`
            : await sql`insert into ${sql(table)} default values returning id::text as id`;
          results.push({ externalId: created?.id as string, created: true });
        }
        return results;
      });
    },

    async deleteMany({ connectionId, objectType, externalIds, mode }) {
      if (externalIds.length === 0) return;
      const connection = await resolve(connectionId);
      const table = ident(objectType, 'objectType');
      const ids = [...externalIds];
      const identity = await identityOf(connectionId);
      await inTransaction(connection, async (sql) => {
        if (mode === 'hard') {
          await sql`delete from ${sql(table)} where id::text = any(${ids})`;
          return;
        }
        const { stampColumn } = await tableFacts(sql, table);
        const stamp = stampColumn && identity ? sql`, ${sql(stampColumn)} = ${identity}` : sql``;
        if (mode === 'soft') await sql`update ${sql(table)} set deleted_at = now() ${stamp} where id::text = any(${ids}) and deleted_at is null`;
        else await sql`update ${sql(table)} set flagged_for_deletion = true ${stamp} where id::text = any(${ids}) and flagged_for_deletion is not true`;
      });
    },

    async readMany({ connectionId, objectType, externalIds }) {
      if (externalIds.length === 0) return new Map();
      const connection = await resolve(connectionId);
      const table = ident(objectType, 'objectType');
      // row_to_json renders timestamps with their microseconds and offset (a JS Date would not).
      const rows = await inTransaction(connection, (sql) => sql<{ id: string; row: Record<string, unknown> }[]>`
        select t.id::text as id, row_to_json(t) as row from ${sql(table)} t where t.id::text = any(${[...externalIds]})`);
      return new Map(rows.map((r) => [r.id, r.row]));
    },

    async anonymiseMany({ connectionId, objectType, externalIds, fields }) {
      if (externalIds.length === 0 || fields.length === 0) return;
      const connection = await resolve(connectionId);
      const table = ident(objectType, 'objectType');
      const identity = await identityOf(connectionId);
      await inTransaction(connection, async (sql) => {
        const facts = await tableFacts(sql, table);
        const values: Record<string, string | null> = Object.fromEntries(fields.map((f) => [ident(f, 'fields'), facts.notNull.has(f) ? ANONYMISED_VALUE : null]));
        Object.assign(values, stampOf(facts, identity));
        await sql`update ${sql(table)} set ${sql(values, Object.keys(values))} where id::text = any(${[...externalIds]})`;
      });
    },
  };
}
