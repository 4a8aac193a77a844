/**
 * Seeds run history at scale in a few SQL statements (`insert ... select generate_series`), for the
 * at-scale test of the run list and the dashboard, and for `npm run bench -- runs`.
 *
 * Shape: two workspaces (the first holds 90% of the runs), three flows in the first and one in the
 * second. Run i was created `i div 3` steps of `stepMs` before `now` (so three runs share each
 * created_at, which exercises the id tie-break of the keyset cursor). Statuses are mixed
 * (succeeded ~84%, failed 10%, skipped 4%, cancelled 2%, and the newest few still queued/running);
 * failed runs carry an error message naming a unique `contact-<i>`, ordering keys cycle over 50,000
 * records. One run in ten also has a step and an inbox event. The history tables are laid out in daily
 * partitions over the span. Deterministic: the same i always gets the same row.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { ensureHistoryPartitions, listHistoryPartitions } from '../../domain/retention/history-partitions';

export interface SeededRuns {
  workspaceId: string;
  otherWorkspaceId: string;
  /** The first workspace's flows, in seeding order; `otherFlowId` is the second workspace's only flow. */
  flowIds: string[];
  otherFlowId: string;
  total: number;
  /** Milliseconds between consecutive created_at values. */
  stepMs: number;
  now: Date;
}

/** Status of run i, as seeded (see the SQL below): the same rule in TypeScript, for assertions. */
export function seededStatus(i: number): string {
  if (i <= 6) return i % 2 === 0 ? 'queued' : 'running';
  const m = i % 50;
  if (m < 5) return 'failed';
  if (m < 7) return 'skipped';
  if (m === 7) return 'cancelled';
  return 'succeeded';
}

/**
 * Lays run history out in daily partitions from `from` for `days` days (a busy installation's layout,
 * SYNCLINE_HISTORY_PARTITION_INTERVAL=day), in place of the monthly ones a new database starts with.
 * Only for a database without run history yet: it drops the existing (empty) partitions.
 */
async function dailyPartitions(db: Db, from: Date, days: number): Promise<void> {
  for (const table of ['inbox_events', 'run_steps', 'runs'] as const) {
    for (const { name } of await listHistoryPartitions(db, table)) {
      await db.execute(sql`alter table ${sql.identifier(table)} detach partition ${sql.identifier(name)}`);
      await db.execute(sql`drop table ${sql.identifier(name)}`);
    }
  }
  await ensureHistoryPartitions(db, { interval: 'day', now: from, ahead: days });
}

export async function seedRunsAtScale(db: Db, options: { total?: number; spanDays?: number } = {}): Promise<SeededRuns> {
  const total = options.total ?? 1_000_000;
  const spanDays = options.spanDays ?? 7;
  const stepMs = Math.max(1, Math.floor((spanDays * 86_400_000) / Math.ceil(total / 3)));
  const now = new Date();
  const ws = await db.execute<{ id: string }>(sql`insert into workspaces (name) values ('Scale A'), ('Scale B') returning id`);
  const [workspaceId, otherWorkspaceId] = [ws[0]!.id, ws[1]!.id];
  const flowRows = await db.execute<{ id: string; workspace_id: string }>(sql`
    insert into flows (workspace_id, name, status, draft, webhook_token)
    values (${workspaceId}, 'CRM contacts to helpdesk', 'active', '{}'::jsonb, md5(random()::text)),
           (${workspaceId}, 'Orders to ERP', 'active', '{}'::jsonb, md5(random()::text)),
           (${workspaceId}, 'Invoices to accounting', 'active', '{}'::jsonb, md5(random()::text)),
           (${otherWorkspaceId}, 'Other workspace flow', 'active', '{}'::jsonb, md5(random()::text))
    returning id, workspace_id`);
  const flowIds = flowRows.filter((f) => f.workspace_id === workspaceId).map((f) => f.id);
  const otherFlowId = flowRows.find((f) => f.workspace_id === otherWorkspaceId)!.id;
  await db.execute(sql`
    insert into flow_versions (flow_id, workspace_id, version, graph)
    select f.id, f.workspace_id, v, '{"nodes":[],"edges":[],"layout":{}}'::jsonb from flows f, generate_series(1, 2) v
    where f.workspace_id in (${workspaceId}, ${otherWorkspaceId})`);
  await db.execute(sql`
    update flows f set active_version_id = fv.id from flow_versions fv
    where fv.flow_id = f.id and fv.version = 2 and f.workspace_id in (${workspaceId}, ${otherWorkspaceId})`);
  await dailyPartitions(db, new Date(now.getTime() - (spanDays + 1) * 86_400_000), spanDays + 3);
  // Bulk load: building the secondary indexes once afterwards is several times faster than maintaining
  // them row by row (the GIN trigram indexes above all). `runs` is partitioned: pg_indexes shows its
  // indexes as `ON ONLY public.runs` (the parent alone); created without ONLY they cover every partition.
  const indexes = await db.execute<{ indexname: string; indexdef: string }>(
    sql`select indexname, replace(indexdef, ' ON ONLY ', ' ON ') as indexdef from pg_indexes
        where schemaname = current_schema() and tablename = 'runs' and indexname <> 'runs_pkey'`,
  );
  for (const index of indexes) await db.execute(sql.raw(`drop index ${index.indexname}`));
  // Flow of run i: 1 in 10 goes to the other workspace, the rest cycle over the first workspace's flows.
  const flowArray = sql.raw(`array['${flowIds.join("','")}']::uuid[]`);
  await db.transaction(async (tx) => {
    // The rows reference existing workspaces, flows and versions by construction: skip the 3,000,000
    // foreign-key checks (superuser only, as the embedded PostgreSQL of tests and benchmarks is).
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql`
    with s as (
      select g as i,
             case when g % 10 = 9 then ${otherFlowId}::uuid else (${flowArray})[1 + (g % 10) % 3] end as flow_id,
             case
               when g <= 6 then (case when g % 2 = 0 then 'queued' else 'running' end)
               when g % 50 < 5 then 'failed'
               when g % 50 < 7 then 'skipped'
               when g % 50 = 7 then 'cancelled'
               else 'succeeded'
             end::run_status as status,
             ${now.toISOString()}::timestamptz - ((g / 3) * ${stepMs}) * interval '1 millisecond' as created_at,
             (g::bigint * 7919) % 5000 as duration_ms
      from generate_series(1, ${total}) g
    )
    insert into runs (workspace_id, flow_id, flow_version_id, version, status, trigger, ordering_key, workflow_id,
                      items_in, items_out, error, created_at, started_at, finished_at)
    select f.workspace_id, s.flow_id, fv.id, fv.version, s.status,
           (array['webhook','schedule','poll','manual'])[1 + s.i % 4],
           case when s.i % 4 = 0 then null else 'contact-' || (s.i % 50000) end,
           'run-' || s.i,
           s.i % 20, s.i % 20,
           case when s.status = 'failed' then jsonb_build_object(
             'message', (array['HubSpot answered 429 Too Many Requests', 'Helpdesk rejected the record: email is invalid', 'Connection reset by peer'])[1 + s.i % 3] || ' for contact-' || s.i,
             'category', (array['transient','user','transient'])[1 + s.i % 3]) end,
           s.created_at,
           case when s.status = 'queued' then null else s.created_at + interval '20 milliseconds' end,
           case when s.status in ('queued', 'running') then null
                else s.created_at + interval '20 milliseconds' + s.duration_ms * interval '1 millisecond' end
    from s
    join flows f on f.id = s.flow_id
    join flow_versions fv on fv.flow_id = s.flow_id and fv.version = 1 + (s.i / 1000) % 2`);
    // One run in ten also gets a step and its inbox event (the other partitioned tables, for their EXPLAIN).
    await tx.execute(sql`
      insert into run_steps (run_id, run_created_at, node_id, node_type, status, items_in, items_out)
      select id, created_at, 'save', 'sync.save-external-id', status, items_in, jsonb_build_object('main', items_out)
      from runs where right(workflow_id, 1) = '0'`);
    await tx.execute(sql`
      insert into inbox_events (id, workspace_id, flow_id, dedupe_key, source, payload, received_at, relayed_at, run_id)
      select id, workspace_id, flow_id, workflow_id, trigger, '{}'::jsonb, created_at, case when status = 'queued' then null else created_at end, id
      from runs where right(workflow_id, 1) = '0'`);
  });
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
    for (const index of indexes) await tx.execute(sql.raw(index.indexdef));
  });
  for (const table of ['runs', 'run_steps', 'inbox_events']) await db.execute(sql`vacuum analyze ${sql.identifier(table)}`); // their partitions too
  return { workspaceId: workspaceId!, otherWorkspaceId: otherWorkspaceId!, flowIds, otherFlowId, total, stepMs, now };
}
