/**
 * The worker's retention job: every 10 minutes (and once at start, to catch up after downtime), run
 * the cleaners. A loop in the worker rather than a Temporal Schedule for the same reasons as the
 * alert loop (alert-loop.ts): PostgreSQL holds all the state, and the batches are safe in parallel.
 */
import type { Db } from '../../db/client';
import { startPeriodicJob, type PeriodicJob } from './periodic-job';
import { RETENTION_CLEANERS, runRetentionCleanup, type Cleaner } from '../../domain/retention/retention-cleanup';

export function startRetentionLoop(options: { db: Db; cleaners?: readonly Cleaner[]; intervalMs?: number }): PeriodicJob {
  return startPeriodicJob({
    name: 'retention',
    intervalMs: options.intervalMs ?? 10 * 60_000,
    run: async () => {
      await runRetentionCleanup(options.db, options.cleaners ?? RETENTION_CLEANERS);
    },
  });
}
