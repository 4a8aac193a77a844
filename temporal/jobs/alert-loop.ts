/**
 * The worker's alert job: evaluate every rule, then send due webhook deliveries, every 20 s and at
 * once when a run fails (the run-outcome activity NOTIFYs `ALERTS_CHANNEL`).
 *
 * Why a loop in the worker and not a Temporal Schedule: alerts must keep working when Temporal is the
 * thing that is down (a growing backlog is exactly what that looks like), a 20-second schedule would
 * add thousands of workflow executions a day to Temporal's history for no durability gain (the state
 * that matters, open incidents and pending deliveries, is in PostgreSQL), and evaluation is safe in
 * every worker at once (unique open-incident index, deliveries claimed with SKIP LOCKED).
 */
import type postgres from 'postgres';
import type { Db } from '../../db/client';
import type { KeyRing } from '../../domain/connections/secret-box';
import { startPeriodicJob, type PeriodicJob } from './periodic-job';
import { deliverDueAlerts } from '../../domain/alerts/deliver-alerts';
import { evaluateAlerts } from '../../domain/alerts/evaluate-alerts';
import { ALERTS_CHANNEL } from '../../domain/inbox/channels';


export function startAlertLoop(options: { db: Db; sql: postgres.Sql; intervalMs?: number; ring?: KeyRing }): PeriodicJob {
  return startPeriodicJob({
    name: 'alerts',
    intervalMs: options.intervalMs ?? 20_000,
    listen: { sql: options.sql, channel: ALERTS_CHANNEL },
    run: async () => {
      await evaluateAlerts(options.db);
      await deliverDueAlerts(options.db, options.ring);
    },
  });
}
