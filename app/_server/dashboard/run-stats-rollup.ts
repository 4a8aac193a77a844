/**
 * The hourly rollup behind the dashboard (tables in db/schema/run-stats.ts).
 *
 * Why a rollup: a plain aggregate over the last 24 h of `runs` reads every run of the day (128,000 rows
 * for 1,000,000 runs over a week: ~800 ms with the percentiles), while the dashboard must answer in
 * well under 300 ms. Why lazily, here: runs reach a final status in several places (the worker's
 * completeRun, cancel, a retry that cannot start), and rolling up at read time needs no hook in any of
 * them and puts no hot counter row in the way of concurrent run completions. An hour of `finished_at`
 * is rolled up once it is closed (ended more than ROLLUP_GRACE_MS ago: a run's finished_at is the
 * start of its transaction, so a run may commit slightly after its timestamp); the open hour and the
 * grace are read from `runs` directly through `runs_workspace_finished_idx`. A run whose finished_at
 * changes after its hour was rolled up (cancelled, then completed) keeps its first count.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';

export const ROLLUP_GRACE_MS = 5 * 60_000;
const HOUR_MS = 3_600_000;
/** Rollup rows are kept one day beyond the dashboard's window. */
const KEEP_MS = 48 * HOUR_MS;

/** Duration histogram: bucket 0 holds 0 ms, bucket b ≥ 1 holds [GROWTH^(b-1), GROWTH^b) ms (±5%). */
export const DURATION_BUCKET_GROWTH = 1.1;

/** The SQL of a run's duration bucket (started_at is null for runs cancelled before starting). */
export const durationBucketSql = sql.raw(
  `(case when finished_at <= coalesce(started_at, created_at) then 0
         else 1 + floor(ln(greatest(1, extract(epoch from finished_at - coalesce(started_at, created_at)) * 1000)) / ln(${DURATION_BUCKET_GROWTH}))::int end)`,
);

/** Hours align on UTC whole hours whatever the session time zone. */
export const hourOfSql = (column: string) => sql.raw(`date_bin('1 hour', ${column}, timestamptz '2001-01-01 00:00:00+00')`);

export function floorHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The start of the first hour that is not closed yet at `now`: runs finished from there on are read live. */
export function openWindowStart(now: Date): Date {
  return floorHour(new Date(now.getTime() - ROLLUP_GRACE_MS));
}

/**
 * Rolls up every closed hour in [from, openWindowStart(now)) of the workspace not rolled up yet, in one
 * statement (so a concurrent call either sees an hour complete or computes the same rows, which
 * ON CONFLICT DO NOTHING drops). Returns the start of the open window.
 */
export async function rollUpClosedHours(db: Db, workspaceId: string, from: Date, now: Date): Promise<Date> {
  const until = openWindowStart(now);
  if (until <= from) return until;
  const marked = await db.execute<{ hour: string }>(sql`
    with wanted as (
      select h from generate_series(${from.toISOString()}::timestamptz, ${until.toISOString()}::timestamptz - interval '1 hour', interval '1 hour') h
      where not exists (select 1 from run_stats_hours m where m.workspace_id = ${workspaceId} and m.hour = h)
    ), bounds as (
      select min(h) as lo, max(h) + interval '1 hour' as hi from wanted
    ), stats as (
      insert into run_stats_hourly (workspace_id, hour, flow_id, status, duration_bucket, runs)
      select ${workspaceId}, ${hourOfSql('r.finished_at')}, r.flow_id, r.status, ${durationBucketSql}, count(*)::int
      from runs r, bounds b
      where r.workspace_id = ${workspaceId} and r.finished_at is not null and r.finished_at >= b.lo and r.finished_at < b.hi
        and ${hourOfSql('r.finished_at')} in (select h from wanted)
      group by 2, 3, 4, 5
      on conflict do nothing
    )
    insert into run_stats_hours (workspace_id, hour) select ${workspaceId}, h from wanted
    on conflict do nothing
    returning hour`);
  if (marked.length > 0) {
    const cutoff = new Date(now.getTime() - KEEP_MS).toISOString();
    await db.execute(sql`delete from run_stats_hourly where workspace_id = ${workspaceId} and hour < ${cutoff}::timestamptz`);
    await db.execute(sql`delete from run_stats_hours where workspace_id = ${workspaceId} and hour < ${cutoff}::timestamptz`);
  }
  return until;
}

/** p-quantile (0..1) of a duration histogram, as the bucket's geometric midpoint in ms; null when empty. */
export function histogramQuantile(buckets: ReadonlyMap<number, number>, p: number): number | null {
  const total = [...buckets.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bucket of [...buckets.keys()].sort((a, b) => a - b)) {
    seen += buckets.get(bucket)!;
    if (seen >= rank) return bucket === 0 ? 0 : DURATION_BUCKET_GROWTH ** (bucket - 0.5);
  }
  return null;
}
