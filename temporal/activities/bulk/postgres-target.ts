/**
 * Bulk writes into a PostgreSQL target (kinds `postgres`, `demo-helpdesk`) through the connection's
 * pool: one query finds the existing rows of a page by id or natural key, ONE multi-row
 * `insert ... select from unnest(...) on conflict (id) do update` writes the whole page, one
 * `delete ... where id = any(...)` removes a roll-back batch. Every column is written as text (the
 * columns of the object pairs are text), the row's `updated_by` is the integration identity.
 */
import type postgres from 'postgres';
import { classifyPostgresError as classify, poolFor, postgresIdent as ident } from '../../../domain/connections/postgres-pool';
import type { ResolvedConnection } from '../../../domain/connections/resolve';
import type { BulkTarget, TargetRow } from './target';

const UNIQUE_VIOLATION = '23505';

export function postgresTarget(connection: ResolvedConnection, options: { table: string; naturalKey: string; identityColumn: string }): BulkTarget {
  const sql: postgres.Sql = poolFor(connection);
  const table = ident(options.table, 'objectType');
  const key = ident(options.naturalKey, 'naturalKey');

  const upsertQuery = (columns: string[]) => {
    const list = columns.map((c) => `"${c}"`).join(', ');
    const arrays = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
    const updates = columns.filter((c) => c !== 'id').map((c) => `"${c}" = excluded."${c}"`).join(', ');
    return `insert into "${table}" (${list}) select * from unnest(${arrays}) on conflict (id) do update set ${updates}`;
  };

  const write = async (rows: readonly TargetRow[], identity: string) => {
    const columns = ['id', ...Object.keys(rows[0]!.fields).map((c) => ident(c, 'fields')), ident(options.identityColumn, 'identityColumn')];
    const params = columns.map((column, i) =>
      rows.map((row) => {
        if (i === 0) return row.id;
        if (column === options.identityColumn) return identity;
        const value = row.fields[column];
        return value === null || value === undefined ? null : String(value);
      }),
    );
    await sql.unsafe(upsertQuery(columns), params as never[]);
  };

  return {
    async findExisting(ids, keys) {
      try {
        const rows = await sql<{ id: string; key: string | null }[]>`
          select id::text as id, ${sql(key)}::text as key from ${sql(table)}
          where id::text = any(${[...ids]}::text[]) or ${sql(key)}::text = any(${keys.filter((k) => k !== null)}::text[])`;
        return rows;
      } catch (error) {
        throw classify(error);
      }
    },
    async upsert(rows, identity) {
      if (rows.length === 0) return { written: [], conflicting: [] };
      try {
        await write(rows, identity);
        return { written: rows.map((r) => r.id), conflicting: [] };
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw classify(error);
      }
      // A natural key taken by a record the page did not know about (e.g. an edit in flight): write
      // row by row so one conflict does not stop the others; the conflicting ones are reported.
      const written: string[] = [];
      const conflicting: string[] = [];
      for (const row of rows) {
        try {
          await write([row], identity);
          written.push(row.id);
        } catch (error) {
          if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw classify(error);
          conflicting.push(row.id);
        }
      }
      return { written, conflicting };
    },
    async remove(ids) {
      if (ids.length === 0) return;
      try {
        await sql`delete from ${sql(table)} where id::text = any(${[...ids]}::text[])`;
      } catch (error) {
        throw classify(error);
      }
    },
  };
}
