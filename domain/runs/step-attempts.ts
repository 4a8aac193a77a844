/**
 * Live progress of a step that is being retried. Run steps are otherwise written once, when the run
 * finishes (one transaction in completeRun); a step whose attempt failed and will be tried again is
 * recorded at once, so the run page can say which step is retrying, attempt N of M, the last error
 * and when the next attempt is due. Nothing is written on the happy path. completeRun replaces the
 * row with the step's final record.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { runs, runSteps, type RunError } from '../../db/schema';
import type { RetryPolicy } from '../../flows-engine/index';

export interface FailedAttempt {
  runId: string;
  nodeId: string;
  nodeType: string;
  /** 1-based, as Temporal counts. */
  attempt: number;
  retry: RetryPolicy;
  error: RunError;
  /** When this attempt started (the step's row keeps the first attempt's start). */
  startedAt: Date;
  failedAt: Date;
}

/**
 * When Temporal will start the next attempt: its retry policy waits `initial × coefficient^(n-1)`,
 * capped at the maximum interval, after attempt n failed (no jitter). Null when none is left.
 */
export function nextAttemptAt(failure: Pick<FailedAttempt, 'attempt' | 'retry' | 'failedAt'>): Date | null {
  const { attempt, retry, failedAt } = failure;
  if (attempt >= retry.maximumAttempts) return null;
  const uncapped = retry.initialIntervalMs * retry.backoffCoefficient ** (attempt - 1);
  const wait = retry.maximumIntervalMs > 0 ? Math.min(uncapped, retry.maximumIntervalMs) : uncapped;
  return new Date(failedAt.getTime() + wait);
}

/** Records a failed attempt that will be retried (one upsert); returns false when no attempt is left. */
export async function recordFailedAttempt(db: Db, failure: FailedAttempt): Promise<boolean> {
  const next = nextAttemptAt(failure);
  if (!next) return false;
  const live = {
    status: 'running' as const,
    attempts: failure.attempt,
    maxAttempts: failure.retry.maximumAttempts,
    nextAttemptAt: next,
    error: failure.error,
    finishedAt: null,
  };
  // The run's created_at is the step's partition key (run_created_at).
  const [run] = await db.select({ createdAt: runs.createdAt }).from(runs).where(eq(runs.id, failure.runId));
  if (!run) throw new Error(`run ${failure.runId} has no run record`);
  await db
    .insert(runSteps)
    .values({ runId: failure.runId, runCreatedAt: run.createdAt, nodeId: failure.nodeId, nodeType: failure.nodeType, startedAt: failure.startedAt, ...live })
    .onConflictDoUpdate({ target: [runSteps.runId, runSteps.nodeId, runSteps.runCreatedAt], set: { ...live, startedAt: sql`coalesce(${runSteps.startedAt}, excluded.started_at)` } });
  return true;
}
