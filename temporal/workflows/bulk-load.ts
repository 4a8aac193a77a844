/**
 * Bulk load and roll-back of a bulk job (initial load, full re-sync). The workflow only sequences
 * slices: each activity call works for up to half a minute from the checkpoint stored in the job's
 * row (never in history), so a killed worker's slice is retried elsewhere after its heartbeat times
 * out and resumes from the last page written. continueAsNew keeps the history short however long
 * the load. Pause and cancel are asked through the job's row and honoured between pages; a pause
 * ends the workflow, and resuming starts it again under the same id.
 */
import { ActivityFailure, ApplicationFailure, CancellationScope, continueAsNew, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BulkJobInput } from '../../domain/bulk/bulk-objects';

const { loadSlice, rollbackSlice } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  // A slice heartbeats after every page: a dead worker is noticed within this and its slice retried.
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: ['UserError'] },
});

const { settleBulkJob } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/** Slices per workflow run before continueAsNew (each adds a handful of history events). */
const SLICES_PER_RUN = 100;

function reason(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

async function sliced(input: BulkJobInput, slice: typeof loadSlice, next: () => Promise<never>): Promise<string> {
  try {
    for (let n = 0; n < SLICES_PER_RUN; n++) {
      const { state } = await slice(input);
      if (state !== 'running') return state;
    }
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => settleBulkJob({ ...input, status: 'cancelled' }));
      throw error;
    }
    await settleBulkJob({ ...input, status: 'failed', error: reason(error) });
    throw ApplicationFailure.nonRetryable(`The bulk job failed: ${reason(error)}`, 'BulkJobFailed');
  }
  return next();
}

export async function bulkLoadWorkflow(input: BulkJobInput): Promise<{ state: string }> {
  return { state: await sliced(input, loadSlice, () => continueAsNew<typeof bulkLoadWorkflow>(input)) };
}

export async function bulkRollbackWorkflow(input: BulkJobInput): Promise<{ state: string }> {
  return { state: await sliced(input, rollbackSlice, () => continueAsNew<typeof bulkRollbackWorkflow>(input)) };
}
