/**
 * The operations dashboard of a workspace: runs per hour by status over the last 24 h, failure rate,
 * p50/p95 duration, the inbox backlog, and per flow the lag since its last successful run, its latest
 * failures and why it needs attention. Four queries, run concurrently after the rollup catch-up; each
 * is served by an index (see runs-at-scale.int.test.ts, which checks the plans over 1,000,000 runs).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import type { RunStatus } from '../../../db/schema';
import { durationBucketSql, floorHour, histogramQuantile, hourOfSql, rollUpClosedHours } from './run-stats-rollup';

const HOUR_MS = 3_600_000;
export const DASHBOARD_HOURS = 24;
/** A pending inbox event older than this is a backlog worth looking at. */
export const BACKLOG_AGE_SECONDS = 60;
/** A flow with work since its last success older than this is lagging. */
export const LAG_SECONDS = 3600;

const FINAL_STATUSES = ['succeeded', 'failed', 'skipped', 'cancelled'] as const;
type FinalStatus = (typeof FINAL_STATUSES)[number];

export type AttentionReason = 'failing' | 'backlog' | 'lagging';

export interface DashboardFlow {
  id: string;
  name: string;
  status: string;
  lastSuccessAt: Date | null;
  /** Seconds since the last successful run finished (null: never succeeded). */
  lagSeconds: number | null;
  latestOutcome: 'succeeded' | 'failed' | null;
  succeeded: number;
  failed: number;
  queued: number;
  running: number;
  pendingEvents: number;
  oldestPendingSeconds: number | null;
  keysWaiting: number;
  recentFailures: { id: string; createdAt: Date; message: string | null }[];
  attention: AttentionReason[];
}

export interface Dashboard {
  generatedAt: Date;
  windowStart: Date;
  hours: ({ hour: Date } & Record<FinalStatus, number>)[];
  totals: Record<FinalStatus, number> & {
    finished: number;
    /** failed / (succeeded + failed): skipped and cancelled runs neither failed nor did work. */
    failureRate: number | null;
    p50Ms: number | null;
    p95Ms: number | null;
    queued: number;
    running: number;
  };
  inbox: { pendingEvents: number; oldestPendingSeconds: number | null; keysWaiting: number };
  flows: DashboardFlow[];
}

type StatsRow = { hour: string | null; flow_id: string | null; status: FinalStatus | null; bucket: number | null; runs: number };
type LiveRow = { flow_id: string; status: 'queued' | 'running'; runs: number };
type InboxRow = { flow_id: string; pending: number; oldest_seconds: number; keys: number };
type FlowsRow = { id: string; name: string; status: string; last_success_at: string | null; latest_outcome: 'succeeded' | 'failed' | null; failures: { id: string; createdAt: string; message: string | null }[] | null };

/**
 * The dashboard's four read queries, exported so runs-at-scale.int.test.ts can EXPLAIN them. `openFrom`
 * is where the rollup ends and the live read of `runs` begins.
 */
export function dashboardQueries(workspaceId: string, windowStart: Date, openFrom: Date, now: Date) {
  return {
    /** One pass over the rollup rows plus the runs finished in the open window, three groupings. */
    stats: sql`
      with finished as (
        select hour, flow_id, status, duration_bucket as bucket, runs from run_stats_hourly
        where workspace_id = ${workspaceId} and hour >= ${windowStart.toISOString()}::timestamptz and hour < ${openFrom.toISOString()}::timestamptz
        union all
        select ${hourOfSql('finished_at')}, flow_id, status, ${durationBucketSql}, count(*)::int from runs
        where workspace_id = ${workspaceId} and finished_at is not null and finished_at >= ${openFrom.toISOString()}::timestamptz
        group by 1, 2, 3, 4
      )
      select hour::text, flow_id, status, bucket, sum(runs)::int as runs from finished
      group by grouping sets ((hour, status), (flow_id, status), (bucket))`,
    /** Runs in flight (runs_workspace_status_created_idx). */
    live: sql`
      select flow_id, status, count(*)::int as runs from runs
      where workspace_id = ${workspaceId} and status in ('queued', 'running') group by 1, 2`,
    /** Pending inbox events by flow (inbox_events_pending_idx: pending events are few). */
    inbox: sql`
      select flow_id, count(*)::int as pending, extract(epoch from ${now.toISOString()}::timestamptz - min(received_at))::float as oldest_seconds,
             count(distinct ordering_key)::int as keys
      from inbox_events where relayed_at is null and workspace_id = ${workspaceId} group by 1`,
    /** Per flow, three short index walks (runs_flow_status_created_idx): last success, latest outcome, latest failures. */
    flows: sql`
      select f.id, f.name, f.status::text, s.finished_at::text as last_success_at, o.status::text as latest_outcome, x.failures
      from flows f
      left join lateral (
        select coalesce(r.finished_at, r.created_at) as finished_at from runs r
        where r.flow_id = f.id and r.status = 'succeeded' order by r.created_at desc, r.id desc limit 1
      ) s on true
      left join lateral (
        select r.status from runs r
        where r.flow_id = f.id and r.status in ('succeeded', 'failed') order by r.created_at desc, r.id desc limit 1
      ) o on true
      left join lateral (
        select json_agg(json_build_object('id', r.id, 'createdAt', r.created_at, 'message', r.error ->> 'message') order by r.created_at desc, r.id desc) as failures
        from (select id, created_at, error from runs r where r.flow_id = f.id and r.status = 'failed' order by r.created_at desc, r.id desc limit 3) r
      ) x on true
      where f.workspace_id = ${workspaceId} and f.archived_at is null`,
  };
}

export async function getDashboard(db: Db, workspaceId: string, now = new Date()): Promise<Dashboard> {
  const windowStart = new Date(floorHour(now).getTime() - (DASHBOARD_HOURS - 1) * HOUR_MS);
  const openFrom = await rollUpClosedHours(db, workspaceId, windowStart, now);
  const q = dashboardQueries(workspaceId, windowStart, openFrom, now);
  const [stats, live, inbox, flowRows] = await Promise.all([
    db.execute<StatsRow>(q.stats),
    db.execute<LiveRow>(q.live),
    db.execute<InboxRow>(q.inbox),
    db.execute<FlowsRow>(q.flows),
  ]);

  const hours = Array.from({ length: DASHBOARD_HOURS }, (_, i) => ({
    hour: new Date(windowStart.getTime() + i * HOUR_MS),
    ...emptyCounts(),
  }));
  const totals = emptyCounts();
  const perFlow = new Map<string, Record<FinalStatus, number>>();
  const histogram = new Map<number, number>();
  for (const row of stats) {
    if (row.status !== null && !isFinal(row.status)) continue;
    if (row.hour !== null && row.status !== null) {
      const index = Math.floor((new Date(row.hour).getTime() - windowStart.getTime()) / HOUR_MS);
      const bar = hours[index];
      if (bar) bar[row.status] += row.runs;
      totals[row.status] += row.runs;
    } else if (row.flow_id !== null && row.status !== null) {
      const counts = perFlow.get(row.flow_id) ?? emptyCounts();
      counts[row.status] += row.runs;
      perFlow.set(row.flow_id, counts);
    } else if (row.bucket !== null) {
      histogram.set(row.bucket, row.runs);
    }
  }
  const liveByFlow = new Map<string, { queued: number; running: number }>();
  for (const row of live) {
    const counts = liveByFlow.get(row.flow_id) ?? { queued: 0, running: 0 };
    counts[row.status] = row.runs;
    liveByFlow.set(row.flow_id, counts);
  }
  const inboxByFlow = new Map(inbox.map((row) => [row.flow_id, row]));

  const flows: DashboardFlow[] = flowRows.map((row) => {
    const counts = perFlow.get(row.id) ?? emptyCounts();
    const liveCounts = liveByFlow.get(row.id) ?? { queued: 0, running: 0 };
    const pending = inboxByFlow.get(row.id);
    const lastSuccessAt = row.last_success_at ? new Date(row.last_success_at) : null;
    const lagSeconds = lastSuccessAt ? Math.max(0, Math.round((now.getTime() - lastSuccessAt.getTime()) / 1000)) : null;
    const flow = {
      id: row.id,
      name: row.name,
      status: row.status,
      lastSuccessAt,
      lagSeconds,
      latestOutcome: row.latest_outcome,
      succeeded: counts.succeeded,
      failed: counts.failed,
      queued: liveCounts.queued,
      running: liveCounts.running,
      pendingEvents: pending?.pending ?? 0,
      oldestPendingSeconds: pending ? Math.max(0, Math.round(pending.oldest_seconds)) : null,
      keysWaiting: pending?.keys ?? 0,
      recentFailures: (row.failures ?? []).map((f) => ({ id: f.id, createdAt: new Date(f.createdAt), message: f.message })),
    };
    return { ...flow, attention: attentionOf(flow) };
  });
  // Flows needing attention first (the more reasons, the higher), then active before paused, then by name.
  flows.sort(
    (a, b) =>
      b.attention.length - a.attention.length ||
      severity(b.attention) - severity(a.attention) ||
      Number(b.status === 'active') - Number(a.status === 'active') ||
      a.name.localeCompare(b.name),
  );
  const ran = totals.succeeded + totals.failed;
  return {
    generatedAt: now,
    windowStart,
    hours,
    totals: {
      ...totals,
      finished: FINAL_STATUSES.reduce((sum, s) => sum + totals[s], 0),
      failureRate: ran > 0 ? totals.failed / ran : null,
      p50Ms: histogramQuantile(histogram, 0.5),
      p95Ms: histogramQuantile(histogram, 0.95),
      queued: sum(live, 'queued'),
      running: sum(live, 'running'),
    },
    inbox: {
      pendingEvents: inbox.reduce((n, row) => n + row.pending, 0),
      oldestPendingSeconds: inbox.length ? Math.max(0, Math.round(Math.max(...inbox.map((row) => row.oldest_seconds)))) : null,
      keysWaiting: inbox.reduce((n, row) => n + row.keys, 0),
    },
    flows,
  };
}

/**
 * Why a flow needs attention: its latest outcome is a failure (failing); events wait longer than
 * BACKLOG_AGE_SECONDS (backlog); it is active, and work arrived or failed since its last success more
 * than LAG_SECONDS ago (lagging). A quiet flow with nothing to do is not lagging.
 */
export function attentionOf(flow: Omit<DashboardFlow, 'attention'>): AttentionReason[] {
  const reasons: AttentionReason[] = [];
  if (flow.latestOutcome === 'failed') reasons.push('failing');
  if ((flow.oldestPendingSeconds ?? 0) > BACKLOG_AGE_SECONDS) reasons.push('backlog');
  const hasWork = flow.failed > 0 || flow.pendingEvents > 0 || flow.queued > 0;
  if (flow.status === 'active' && hasWork && (flow.lagSeconds === null || flow.lagSeconds > LAG_SECONDS)) reasons.push('lagging');
  return reasons;
}

function isFinal(status: string): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

function severity(reasons: AttentionReason[]): number {
  return reasons.includes('failing') ? 3 : reasons.includes('backlog') ? 2 : reasons.length;
}

function emptyCounts(): Record<FinalStatus, number> {
  return { succeeded: 0, failed: 0, skipped: 0, cancelled: 0 };
}

function sum(rows: readonly { status: RunStatus; runs: number }[], status: RunStatus): number {
  return rows.filter((row) => row.status === status).reduce((n, row) => n + row.runs, 0);
}
