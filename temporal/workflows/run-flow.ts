import { CancellationScope, isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import type { EffectWrite } from '../activities/run-records';
import type { RunFlowInput, RunFlowSummary } from '../run-input';
import { executeRun, notRunSummary, recordsActivities } from './execute-run';

/**
 * Patch marker of the switch to local activities. Runs started before it
 * replay with ordinary activities, as they were recorded.
 */
const LOCAL_ACTIVITIES_PATCH = 'local-activities-v1';

/**
 * Patch marker of stored step outputs: effect outputs go to PostgreSQL (reused by a retry from the
 * failed step, passed by reference when large), idempotency keys derive from the original run of a
 * retry chain, a run cancelled before it started stops at once, and steps carry their timings.
 */
const STEP_OUTPUTS_PATCH = 'step-outputs-v1';

/**
 * Patch marker of run batches: the run is claimed (`claimRuns`, under this execution's workflow id)
 * instead of marked running, so a run started in a batch and again on its own runs once.
 */
const RUN_CLAIMS_PATCH = 'run-claims-v1';

/**
 * One flow run in its own workflow execution. The workflow id is derived from the run id, so the same
 * run can never start twice this way; `run-flow-batch.ts` runs several runs of one flow in one execution.
 */
export async function runFlowWorkflow(input: RunFlowInput): Promise<RunFlowSummary> {
  const local = patched(LOCAL_ACTIVITIES_PATCH);
  const stepOutputs = patched(STEP_OUTPUTS_PATCH);
  const records = recordsActivities(local);
  if (stepOutputs && patched(RUN_CLAIMS_PATCH)) {
    const claim = await records.claimRuns({ workflowId: workflowInfo().workflowId, runIds: [input.runId] });
    if (claim.claimed.length === 0) return notRunSummary(input.runId, claim.cancelled.length > 0 ? 'cancelled' : 'skipped');
  } else {
    const status = await records.markRunRunning(input.runId);
    if (stepOutputs && status === 'cancelled') return notRunSummary(input.runId, 'cancelled');
  }
  const effectWrites: EffectWrite[] = [];
  try {
    const { summary, completion } = await executeRun(input, { local, stepOutputs, records, effectWrites });
    await records.completeRun(completion);
    return summary;
  } catch (error) {
    // Cancelled mid-way: what its effects did stays on record. (Empty for runs recorded before deferred writes.)
    if (isCancellation(error) && effectWrites.length > 0) {
      await CancellationScope.nonCancellable(() => records.saveEffectWrites([{ runId: input.runId, effectWrites }]));
    }
    throw error;
  }
}
