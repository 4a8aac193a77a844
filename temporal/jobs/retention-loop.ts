/**
 * The worker's retention job: every 10 minutes (and once at start, to catch up after downtime), keep
 * run history partitions two intervals ahead and drop the expired ones, then run the cleaners. A loop in the worker rather than a Temporal Schedule for the same reasons as the
 * alert loop (alert-loop.ts): PostgreSQL holds all the state, and the batches are safe in parallel.
 */
import type { Db } from '../../db/client';
import { startPeriodicJob, type PeriodicJob } from './periodic-job';
import { dropExpiredHistoryPartitions, ensureHistoryPartitions, type PartitionInterval } from '../../domain/retention/history-partitions';
import { RETENTION_CLEANERS, runRetentionCleanup, type Cleaner } from '../../domain/retention/retention-cleanup';

export function startRetentionLoop(options: {
  db: Db;
  cleaners?: readonly Cleaner[];
  intervalMs?: number;
  /** Length of new run history partitions (SYNCLINE_HISTORY_PARTITION_INTERVAL, default a day). */
  partitionInterval?: PartitionInterval;
}): PeriodicJob {
  return startPeriodicJob({
    name: 'retention',
    intervalMs: options.intervalMs ?? 10 * 60_000,
    run: async () => {
      // Each step runs even when one before failed (e.g. a partition step that gave up waiting for a lock
      // must not hold up the row clean-up); the first failure is then reported by the periodic job.
      const steps = [
        () => ensureHistoryPartitions(options.db, { interval: options.partitionInterval }),
        () => dropExpiredHistoryPartitions(options.db),
        () => runRetentionCleanup(options.db, options.cleaners ?? RETENTION_CLEANERS),
      ];
      const failures: unknown[] = [];
      for (const step of steps) await step().catch((error: unknown) => failures.push(error));
      if (failures.length > 0) throw failures[0];
    },
  });
}
