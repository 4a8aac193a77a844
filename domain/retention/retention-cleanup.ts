/**
 * Retention clean-up: a list of cleaners, each deleting or stripping what has outlived its
 * workspace's retention in bounded batches (one short statement per batch, rows locked with SKIP
 * LOCKED only for that statement), so nothing holds long locks and several workers may run it at
 * once. Other expiring data plugs in by adding a `Cleaner` to the list the worker passes.
 *
 *   await runRetentionCleanup(db);                          // every built-in cleaner
 *   await runRetentionCleanup(db, [...RETENTION_CLEANERS, deleteExpiredBatches]);
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { deleteExpiredCaptures } from '../inbox/sample-capture';
import { deleteExpiredItemBatches } from '../runs/item-batches';
import { logger } from '../platform/logger';

export interface Cleaner {
  name: string;
  /** One batch; returns how many rows it changed. Called again while it returns `batchSize`. */
  runBatch(db: Db, batchSize: number): Promise<number>;
}

const log = logger.child({ component: 'retention' });

/** A cleaner whose batch is one SQL statement returning a row per row it changed. */
function sqlCleaner(name: string, statement: (batchSize: number) => SQL): Cleaner {
  return {
    name,
    async runBatch(db, batchSize) {
      const rows = await db.execute(statement(batchSize));
      return rows.length;
    },
  };
}

/** Finished runs older than the workspace's sample retention lose their item data; counts and errors stay. */
export const stripExpiredSamples = sqlCleaner('run samples', (batchSize) => sql`
    with batch as (
      select r.id from runs r join workspaces w on w.id = r.workspace_id
      where r.created_at < now() - make_interval(days => w.sample_retention_days)
        and r.status not in ('queued', 'running')
        and (r.trigger_payload is not null or exists (
          select 1 from run_steps s where s.run_id = r.id and (s.input is not null or s.output is not null or s.skipped is not null)))
      order by r.created_at limit ${batchSize}
      for update of r skip locked
    ), stripped_steps as (
      update run_steps s set input = null, output = null, skipped = null from batch where s.run_id = batch.id
    )
    update runs r set trigger_payload = null from batch where r.id = batch.id returning r.id`);

/**
 * Finished runs older than the workspace's run retention are deleted with their steps (foreign key
 * cascade) and their record lineage. Runs of a workspace with the longest retention of all are left to
 * dropExpiredHistoryPartitions (history-partitions.ts), which drops them a whole partition at a time at
 * most one partition interval later; except those in the DEFAULT partition, which is never dropped.
 */
export const deleteExpiredRuns = sqlCleaner('runs', (batchSize) => sql`
    with deleted as (
      delete from runs where id in (
        select r.id from runs r join workspaces w on w.id = r.workspace_id
        where r.created_at < now() - make_interval(days => w.run_retention_days) and r.status not in ('queued', 'running')
          and (w.run_retention_days < (select max(run_retention_days) from workspaces) or r.tableoid = 'runs_default'::regclass)
        order by r.created_at limit ${batchSize}
        for update of r skip locked)
      returning id
    ), lineage as (
      delete from record_lineage l using deleted where l.run_id = deleted.id
    )
    select id from deleted`);

/** Relayed inbox events keep their payload as long as run samples are kept. */
export const stripExpiredInboxPayloads = sqlCleaner('inbox payloads', (batchSize) => sql`
    update inbox_events set payload = 'null'::jsonb where id in (
      select e.id from inbox_events e join workspaces w on w.id = e.workspace_id
      where e.relayed_at is not null and e.received_at < now() - make_interval(days => w.sample_retention_days)
        and e.payload <> 'null'::jsonb
      limit ${batchSize}
      for update of e skip locked)
    returning id`);

/**
 * Relayed inbox events go with their runs. Until then they also recognise a repeated delivery of the
 * same event (dedupe key), so the run retention is the window for that: an event's key in
 * inbox_dedupe_keys goes with it. Events of a workspace with the longest retention of all are left to
 * the partition drops (history-partitions.ts), except those in the DEFAULT partition.
 */
export const deleteExpiredInboxEvents = sqlCleaner('inbox events', (batchSize) => sql`
    with deleted as (
      delete from inbox_events where id in (
        select e.id from inbox_events e join workspaces w on w.id = e.workspace_id
        where e.relayed_at is not null and e.received_at < now() - make_interval(days => w.run_retention_days)
          and (w.run_retention_days < (select max(run_retention_days) from workspaces) or e.tableoid = 'inbox_events_default'::regclass)
        limit ${batchSize}
        for update of e skip locked)
      returning id, flow_id, dedupe_key
    ), keys as (
      delete from inbox_dedupe_keys k using deleted d where k.flow_id = d.flow_id and k.dedupe_key = d.dedupe_key and k.event_id = d.id
    )
    select id from deleted`);

/** Resolved alert incidents (with their notifications and deliveries) are kept as long as runs. */
export const deleteExpiredAlertHistory = sqlCleaner('alert history', (batchSize) => sql`
    delete from alert_incidents where id in (
      select i.id from alert_incidents i join workspaces w on w.id = i.workspace_id
      where i.resolved_at < now() - make_interval(days => w.run_retention_days)
      limit ${batchSize}
      for update of i skip locked)
    returning id`);

/** Item batches passed by reference (and effect outputs kept for retries) past their `expires_at`. */
export const deleteExpiredItemBatchesCleaner: Cleaner = {
  name: 'expired item batches',
  runBatch: (db, batchSize) => deleteExpiredItemBatches(db, { batchSize }),
};

/** Live samples the editor never came back for (each holds at most one delivery). */
export const deleteExpiredCapturesCleaner: Cleaner = {
  name: 'expired live samples',
  runBatch: (db) => deleteExpiredCaptures(db),
};

/** Deletions first, so nothing is stripped just before it is deleted. */
export const RETENTION_CLEANERS: readonly Cleaner[] = [
  deleteExpiredRuns,
  stripExpiredSamples,
  deleteExpiredInboxEvents,
  stripExpiredInboxPayloads,
  deleteExpiredAlertHistory,
  deleteExpiredItemBatchesCleaner,
  deleteExpiredCapturesCleaner,
];

/** Runs every cleaner to completion, batch by batch; returns rows changed per cleaner. */
export async function runRetentionCleanup(
  db: Db,
  cleaners: readonly Cleaner[] = RETENTION_CLEANERS,
  options: { batchSize?: number } = {},
): Promise<Record<string, number>> {
  const batchSize = options.batchSize ?? 1000;
  const changed: Record<string, number> = {};
  for (const cleaner of cleaners) {
    let total = 0;
    for (;;) {
      const n = await cleaner.runBatch(db, batchSize);
      total += n;
      if (n < batchSize) break;
    }
    changed[cleaner.name] = total;
    if (total > 0) log.info({ cleaner: cleaner.name, rows: total }, 'retention clean-up');
  }
  return changed;
}
