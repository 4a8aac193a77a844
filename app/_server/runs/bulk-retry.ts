/**
 * Bulk retry: every failed run matching the run list's filters, retried from the start on its
 * original version or the flow's latest one (effects keep the idempotency keys of each original run, so nothing that already
 * succeeded is applied twice). Two steps: count, then retry with the count the operator confirmed.
 * At most BULK_RETRY_MAX runs per action; the retries are queued through the inbox, so the relay
 * starts them in batches and each waits its record's turn.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { runRetries, runs } from '../../../db/schema';
import { ConflictError } from '../../../domain/platform/errors';
import { planRetry, queueRetries, type Actor } from './run-actions';
import { listRuns, type RunListFilter } from './run-queries';

export const BULK_RETRY_MAX = 500;

export type BulkRetryFilter = Omit<RunListFilter, 'cursor' | 'limit' | 'status'> & Pick<RunListFilter, 'status'>;

/** The failed runs the filter matches that have not been retried yet, newest first, up to the cap (+1 to tell it was hit). */
async function matchingFailedRuns(db: Db, workspaceId: string, filter: BulkRetryFilter): Promise<string[]> {
  // Only failed runs are retried: a status filter without "failed" matches none.
  if (filter.status?.length && !filter.status.includes('failed')) return [];
  const ids: string[] = [];
  let cursor: string | undefined;
  while (ids.length <= BULK_RETRY_MAX) {
    const page = await listRuns(db, workspaceId, { ...filter, status: ['failed'], ...(cursor ? { cursor } : {}), limit: 200 });
    const candidates = page.runs.map((r) => r.id);
    if (candidates.length > 0) {
      // A run already retried (by hand or by an earlier bulk retry) is not retried again.
      const retried = new Set(
        (await db.select({ id: runRetries.retryOf }).from(runRetries).where(inArray(runRetries.retryOf, candidates))).map((r) => r.id),
      );
      const older = new Set(
        (await db.select({ id: runs.retryOf }).from(runs).where(and(eq(runs.workspaceId, workspaceId), inArray(runs.retryOf, candidates)))).map((r) => r.id),
      );
      ids.push(...candidates.filter((id) => !retried.has(id) && !older.has(id)));
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return ids.slice(0, BULK_RETRY_MAX + 1);
}

/** How many runs a bulk retry with this filter would retry (`capped`: more match than one action retries). */
export async function countBulkRetry(db: Db, workspaceId: string, filter: BulkRetryFilter) {
  const ids = await matchingFailedRuns(db, workspaceId, filter);
  return { count: Math.min(ids.length, BULK_RETRY_MAX), capped: ids.length > BULK_RETRY_MAX, max: BULK_RETRY_MAX };
}

/**
 * Retries the matching failed runs, if their number is still the one the operator confirmed: each on
 * its own version, or on the flow's latest version (after a fix was published: "every run that failed
 * at this step since Tuesday, on v3"). One audit entry for the action (filter, version, count, the new runs).
 */
export async function bulkRetry(db: Db, actor: Actor, filter: BulkRetryFilter, confirmedCount: number, onVersion: 'original' | 'latest' = 'original') {
  const ids = (await matchingFailedRuns(db, actor.workspaceId, filter)).slice(0, BULK_RETRY_MAX);
  if (ids.length !== confirmedCount) {
    throw new ConflictError(`The filter now matches ${ids.length} failed run${ids.length === 1 ? '' : 's'} to retry, not ${confirmedCount}; check the count and confirm again.`);
  }
  if (ids.length === 0) return { retried: 0, runIds: [] as string[] };
  // Oldest first: retries of one record queue (and so run) in the order the record's runs arrived.
  const originals = await db
    .select()
    .from(runs)
    .where(and(eq(runs.workspaceId, actor.workspaceId), inArray(runs.id, ids)))
    .orderBy(asc(runs.createdAt), asc(runs.id));
  const plans = [];
  for (const original of originals) plans.push(await planRetry(db, actor.workspaceId, original, { from: 'start', onVersion }));
  const runIds = await queueRetries(db, actor, plans, (queued) => [
    {
      action: 'run.bulk-retry',
      targetId: filter.flowId ?? 'all flows',
      details: {
        filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() },
        onVersion,
        count: queued.length,
        retries: queued.map(({ runId, plan }) => ({ runId: plan.original.id, newRunId: runId })),
      },
    },
  ]);
  return { retried: runIds.length, runIds };
}
