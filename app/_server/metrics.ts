import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Registry, Gauge } from 'prom-client';
import { getDb } from '../../db/client';

/**
 * Prometheus metrics of the runs, read from PostgreSQL at scrape time (so every web instance reports
 * the same numbers and nothing is lost on restart). Worker internals are exported by the worker
 * itself (SYNCLINE_WORKER_METRICS_ADDRESS).
 */
export async function renderRunMetrics(): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const runs = new Gauge({ name: 'syncline_runs', help: 'Runs by flow and status (all retained runs)', labelNames: ['workspace', 'flow', 'status'], registers: [registry] });
  const backlog = new Gauge({ name: 'syncline_inbox_pending', help: 'Accepted trigger events not yet started, by flow', labelNames: ['workspace', 'flow'], registers: [registry] });
  const oldest = new Gauge({ name: 'syncline_inbox_oldest_pending_seconds', help: 'Age of the oldest pending trigger event', registers: [registry] });
  const firing = new Gauge({ name: 'syncline_alerts_firing', help: 'Open alert incidents, by workspace', labelNames: ['workspace'], registers: [registry] });
  const deliveries = new Gauge({ name: 'syncline_alert_deliveries', help: 'Alert webhook deliveries not delivered: pending (retrying) or failed (gave up), by workspace', labelNames: ['workspace', 'status'], registers: [registry] });
  const duration = new Gauge({ name: 'syncline_run_duration_p95_seconds', help: 'p95 duration of runs finished in the last hour, by flow', labelNames: ['workspace', 'flow'], registers: [registry] });

  const db = getDb();
  const [byStatus, pending, age, p95, open, undelivered] = await Promise.all([
    db.execute<{ workspace_id: string; flow: string; status: string; n: number }>(
      sql`select r.workspace_id, f.name as flow, r.status, count(*)::int as n from runs r join flows f on f.id = r.flow_id group by 1, 2, 3`,
    ),
    db.execute<{ workspace_id: string; flow: string; n: number }>(
      sql`select e.workspace_id, f.name as flow, count(*)::int as n from inbox_events e join flows f on f.id = e.flow_id where e.relayed_at is null group by 1, 2`,
    ),
    db.execute<{ seconds: number | null }>(sql`select extract(epoch from now() - min(received_at))::float as seconds from inbox_events where relayed_at is null`),
    db.execute<{ workspace_id: string; flow: string; p95: number }>(
      sql`select r.workspace_id, f.name as flow, percentile_cont(0.95) within group (order by extract(epoch from r.finished_at - r.created_at))::float as p95
          from runs r join flows f on f.id = r.flow_id where r.finished_at > now() - interval '1 hour' group by 1, 2`,
    ),
    db.execute<{ workspace_id: string; n: number }>(sql`select workspace_id, count(*)::int as n from alert_incidents where resolved_at is null group by 1`),
    db.execute<{ workspace_id: string; status: string; n: number }>(
      sql`select workspace_id, status, count(*)::int as n from alert_deliveries where status <> 'delivered' group by 1, 2`,
    ),
  ]);
  for (const row of byStatus) runs.set({ workspace: row.workspace_id, flow: row.flow, status: row.status }, row.n);
  for (const row of pending) backlog.set({ workspace: row.workspace_id, flow: row.flow }, row.n);
  oldest.set(age[0]?.seconds ?? 0);
  for (const row of open) firing.set({ workspace: row.workspace_id }, row.n);
  for (const row of undelivered) deliveries.set({ workspace: row.workspace_id, status: row.status }, row.n);
  for (const row of p95) duration.set({ workspace: row.workspace_id, flow: row.flow }, row.p95);
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** The scrape token must match SYNCLINE_METRICS_TOKEN exactly (constant-time compare). */
export function metricsTokenMatches(authorization: string | null, expected: string): boolean {
  const given = Buffer.from(authorization?.replace(/^Bearer\s+/i, '') ?? '');
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
