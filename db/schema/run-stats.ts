import { integer, pgTable, primaryKey, smallint, timestamp, uuid } from 'drizzle-orm/pg-core';
import { runStatusEnum } from './runs';
import { workspaces } from './workspaces';

/**
 * Hourly rollup of finished runs for the dashboard: per workspace, hour of `finished_at`, flow, final
 * status and duration bucket (a log-scale histogram, so p50/p95 over many hours can be merged). Only
 * closed hours are rolled up, lazily by the dashboard (app/_server/dashboard/run-stats-rollup.ts);
 * the open hour is read from `runs` directly. No flow foreign key: a rollup outlives nothing it needs.
 */
export const runStatsHourly = pgTable(
  'run_stats_hourly',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    flowId: uuid('flow_id').notNull(),
    status: runStatusEnum('status').notNull(),
    durationBucket: smallint('duration_bucket').notNull(),
    runs: integer('runs').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.hour, t.flowId, t.status, t.durationBucket] })],
);

/** The hours of a workspace already rolled up into `run_stats_hourly` (also those without any run). */
export const runStatsHours = pgTable(
  'run_stats_hours',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.hour] })],
);
