/**
 * A multi-row INSERT whose rows travel as one JSON parameter (`jsonb_to_recordset`), for the hot paths
 * that write many rows at once: a batch's runs and step rows, lineage, stored step outputs.
 *
 * Drizzle's `insert(table).values(rows)` builds one bind parameter per value, each checked and mapped in
 * JavaScript: a batch of eight runs has about fifty step rows of fourteen columns, and a CPU profile
 * of the worker put most of its query building there. Its statement text also changes with the number
 * of rows, so it is seldom seen twice and never prepared (`openDb({ prepareRepeats })`). Here the text
 * depends only on the table and the columns given, and PostgreSQL parses the rows itself.
 *
 *   await tx.execute(insertJsonRows(runSteps, steps));
 *   await db.execute(insertJsonRows(recordLineage, rows, sql`on conflict do nothing`));
 *
 * Values go as JSON: dates as ISO 8601, JSON columns as they are. A key missing from a row is NULL (not
 * the column's default), so every row must give the columns that have defaults, or none of them must.
 */
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** Column types whose JSON form PostgreSQL reads back as the same value (and enums). */
const JSON_SAFE_TYPE = /^(uuid|text|varchar.*|integer|smallint|boolean|jsonb|timestamp.*|date|double precision|real)$/;

/** Per table and column list: the statement around the JSON parameter, and the columns in order. */
const statements = new Map<string, { before: SQL; after: SQL; columns: [string, PgColumn][] }>();

function statementAround(table: PgTable, keys: readonly string[]) {
  const cacheKey = `${getTableName(table)}:${keys.join(',')}`;
  let cached = statements.get(cacheKey);
  if (!cached) {
    const all = getTableColumns(table) as Record<string, PgColumn>;
    const columns = keys.map((key): [string, PgColumn] => {
      const column = all[key];
      if (!column) throw new Error(`insertJsonRows: ${getTableName(table)} has no column ${key}`);
      if (!JSON_SAFE_TYPE.test(column.getSQLType()) && column.enumValues === undefined) {
        throw new Error(`insertJsonRows: ${getTableName(table)}.${column.name} is a ${column.getSQLType()}, which JSON does not carry as is`);
      }
      return [key, column];
    });
    const names = columns.map(([, c]) => `"${c.name}"`).join(', ');
    const types = columns.map(([, c]) => `"${c.name}" ${c.getSQLType()}`).join(', ');
    cached = {
      before: sql.raw(`insert into "${getTableName(table)}" (${names}) select ${names} from jsonb_to_recordset(`),
      after: sql.raw(`::jsonb) as v(${types})`),
      columns,
    };
    statements.set(cacheKey, cached);
  }
  return cached;
}

/** The INSERT of `rows` into `table`, followed by `tail` (an ON CONFLICT or RETURNING clause). */
export function insertJsonRows<T extends PgTable>(table: T, rows: readonly T['$inferInsert'][], tail?: SQL): SQL {
  if (rows.length === 0) throw new Error('insertJsonRows: no rows');
  const given = (row: object, key: string) => (row as Record<string, unknown>)[key];
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row).filter((key) => given(row, key) !== undefined)))];
  const { before, after, columns } = statementAround(table, keys);
  for (const [key, column] of columns) {
    if (column.hasDefault && rows.some((row) => given(row, key) === undefined)) {
      throw new Error(`insertJsonRows: ${getTableName(table)}.${column.name} has a default; give it in every row or in none`);
    }
  }
  const json = JSON.stringify(rows.map((row) => Object.fromEntries(columns.map(([key, column]) => [column.name, given(row, key) ?? null]))));
  return tail ? sql`${before}${json}${after} ${tail}` : sql`${before}${json}${after}`;
}
