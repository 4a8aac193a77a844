import type { Db } from '../../db/client';
import { runDueHealthChecks } from '../../domain/connections/test-connection';
import { startPeriodicJob, type PeriodicJob } from './periodic-job';

/**
 * Starts the scheduled health checks (call once per worker process): every `tickMs` it tests the
 * connections not checked for `intervalMs`. Passes never overlap; a failed pass is logged.
 *
 * @example
 * const healthChecks = startConnectionHealthChecks(db); // in temporal/worker.ts
 */
export function startConnectionHealthChecks(db: Db, options: { intervalMs?: number; tickMs?: number } = {}): PeriodicJob {
  const intervalMs = options.intervalMs ?? 15 * 60_000;
  return startPeriodicJob({
    name: 'connection-health',
    intervalMs: options.tickMs ?? 60_000,
    run: async () => void (await runDueHealthChecks(db, { intervalMs })),
  });
}
