/**
 * RecordGateway over a PostgreSQL database (kinds `postgres` and `demo-helpdesk`): the object type
 * is a table in the connection's schema, its key column is `id`. Soft delete sets `deleted_at`,
 * flag sets `flagged_for_deletion`. Each call is ONE transaction, so a failed attempt leaves
 * nothing half-written for the retry to trip over. Lock and serialisation failures are transient.
 */
import type postgres from 'postgres';
import { TransientError, UserError } from '../../../flows-engine/index';
import type { RecordGateway, UpsertRecordResult } from '../../../nodes/effect-deps';
import { explainPostgresError, poolFor } from '../../../app/_server/connections/postgres-pool';
import type { ResolvedConnection } from '../../../app/_server/connections/resolve';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '57014', '53300', '57P01', 'ECONNREFUSED', 'ECONNRESET', 'CONNECT_TIMEOUT']);

function ident(name: string, field: string): string {
  if (!IDENT.test(name)) throw new UserError(`"${name}" is not a usable PostgreSQL name (letters, digits, underscore).`, { field });
  return name;
}

function classify(error: unknown): Error {
  if (error instanceof UserError || error instanceof TransientError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = explainPostgresError(error);
  return TRANSIENT_CODES.has(code) || code.startsWith('08') ? new TransientError(message) : new UserError(message);
}

async function inTransaction<T>(connection: ResolvedConnection, work: (sql: postgres.TransactionSql) => Promise<T>): Promise<T> {
  try {
    return (await poolFor(connection).begin(work)) as T;
  } catch (error) {
    throw classify(error);
  }
}

function fieldsOf(fields: Readonly<Record<string, unknown>>): Record<string, postgres.SerializableParameter> {
  const out: Record<string, postgres.SerializableParameter> = {};
  for (const [key, value] of Object.entries(fields)) {
    ident(key, 'fields');
    out[key] = (value !== null && typeof value === 'object' ? JSON.stringify(value) : value) as postgres.SerializableParameter;
  }
  return out;
}

export function createPostgresGateway(resolve: (connectionId: string) => Promise<ResolvedConnection>): RecordGateway {
  return {
    async upsertMany({ connectionId, objectType, records }) {
      const connection = await resolve(connectionId);
      const table = ident(objectType, 'objectType');
      return inTransaction(connection, async (sql) => {
        const results: UpsertRecordResult[] = [];
        for (const record of records) {
          const values = fieldsOf(record.fields);
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
      await inTransaction(connection, async (sql) => {
        if (mode === 'hard') await sql`delete from ${sql(table)} where id::text = any(${ids})`;
        else if (mode === 'soft') await sql`update ${sql(table)} set deleted_at = now() where id::text = any(${ids}) and deleted_at is null`;
        else await sql`update ${sql(table)} set flagged_for_deletion = true where id::text = any(${ids})`;
      });
    },

    async anonymiseMany({ connectionId, objectType, externalIds, fields }) {
      if (externalIds.length === 0 || fields.length === 0) return;
      const connection = await resolve(connectionId);
      const table = ident(objectType, 'objectType');
      const values = Object.fromEntries(fields.map((f) => [ident(f, 'fields'), null]));
      await inTransaction(connection, (sql) => sql`update ${sql(table)} set ${sql(values, Object.keys(values))} where id::text = any(${[...externalIds]})`);
    },
  };
}
