/**
 * Erasing a person from what Syncline itself stored about runs: inbox payloads, run trigger payloads
 * and errors, step samples (input, output, skipped items, errors) and audit details. Used by the
 * Anonymise action and by the anonymise-record node (the worker's PrivacyLog).
 *
 * Candidate rows are found in SQL (`column::text ILIKE '%value%'`, a superset), then each value is
 * scrubbed in JS with the exact rules of personal-data.ts and written back. Batches of 200 rows.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { scrubJson, usableValues, type Subject } from './personal-data';

interface Target {
  table: string;
  /** Restricts rows to the workspace (`$1` is its id). */
  scope: (workspaceId: string) => SQL;
  columns: { name: string; type: 'jsonb' | 'text' }[];
}

/** Every column that can hold item data. A new table that stores items belongs here. */
const TARGETS: Target[] = [
  {
    table: 'inbox_events',
    scope: (ws) => sql`workspace_id = ${ws}`,
    columns: [{ name: 'payload', type: 'jsonb' }, { name: 'last_relay_error', type: 'text' }],
  },
  { table: 'runs', scope: (ws) => sql`workspace_id = ${ws}`, columns: [{ name: 'trigger_payload', type: 'jsonb' }, { name: 'error', type: 'jsonb' }] },
  {
    table: 'run_steps',
    scope: (ws) => sql`run_id in (select id from runs where workspace_id = ${ws})`,
    columns: ['input', 'output', 'skipped', 'error'].map((name) => ({ name, type: 'jsonb' as const })),
  },
  // Effect outputs kept for retries from the failed step, and large batches passed by reference.
  { table: 'item_batches', scope: (ws) => sql`workspace_id = ${ws}`, columns: [{ name: 'data', type: 'jsonb' }] },
  // The editor's last test run of each flow's draft (trace samples).
  { table: 'flows', scope: (ws) => sql`workspace_id = ${ws}`, columns: [{ name: 'last_test_run', type: 'jsonb' }] },
  { table: 'audit_log', scope: (ws) => sql`workspace_id = ${ws}`, columns: [{ name: 'details', type: 'jsonb' }] },
];

const BATCH = 200;
const likeEscape = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Scrubs the subject from the workspace's stored samples; returns how many rows changed. */
export async function scrubStoredSamples(db: Db, workspaceId: string, subject: Subject): Promise<number> {
  const needles = [...usableValues(subject.values), ...subject.keys.filter((k) => k.length >= 3)];
  if (needles.length === 0) return 0;
  const patterns = sql.param(needles.map(likeEscape));
  let changedRows = 0;
  for (const target of TARGETS) {
    // As text: parsed here, whatever type parsers the driver has.
    const columnList = sql.raw(target.columns.map((c) => `"${c.name}"::text as "${c.name}"`).join(', '));
    const matches = sql.join(
      target.columns.map((c) => sql`${sql.raw(`"${c.name}"`)}::text ilike any(${patterns}::text[])`),
      sql` or `,
    );
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await db.execute<Record<string, unknown> & { id: string }>(sql`
        select id::text as id, ${columnList} from ${sql.raw(target.table)}
        where ${target.scope(workspaceId)} and id > ${after}::uuid and (${matches})
        order by id limit ${BATCH}`);
      for (const row of rows) {
        const updates: SQL[] = [];
        for (const column of target.columns) {
          const raw = row[column.name];
          if (typeof raw !== 'string') continue;
          const scrubbed = scrubJson(column.type === 'jsonb' ? JSON.parse(raw) : raw, subject);
          if (!scrubbed.changed) continue;
          updates.push(
            column.type === 'jsonb'
              ? sql`${sql.raw(`"${column.name}"`)} = ${JSON.stringify(scrubbed.value)}::jsonb`
              : sql`${sql.raw(`"${column.name}"`)} = ${scrubbed.value as string}`,
          );
        }
        if (updates.length === 0) continue;
        await db.execute(sql`update ${sql.raw(target.table)} set ${sql.join(updates, sql`, `)} where id = ${row.id}::uuid`);
        changedRows += 1;
      }
      if (rows.length < BATCH) break;
      after = rows.at(-1)!.id;
    }
  }
  // A live sample waiting in the editor is a whole delivery: deleted rather than scrubbed (it is taken once anyway).
  const captures = await db.execute(sql`
    delete from sample_captures where workspace_id = ${workspaceId} and payload::text ilike any(${patterns}::text[]) returning flow_id`);
  return changedRows + captures.length;
}
