/**
 * Stopping one run in Temporal. A run alone in its execution (`run-<runId>`) is stopped by cancelling
 * that execution; a run in a batch (`runs-…`) by the batch's `cancelRun` signal, which cancels that run
 * only and leaves its neighbours running.
 */
import type { Client } from '@temporalio/client';
import { CANCEL_RUN_SIGNAL, isRunBatchWorkflowId } from './ids';

export async function cancelRunExecution(client: Client, run: { id: string; workflowId: string }): Promise<void> {
  const handle = client.workflow.getHandle(run.workflowId);
  if (isRunBatchWorkflowId(run.workflowId)) await handle.signal(CANCEL_RUN_SIGNAL, run.id);
  else await handle.cancel();
}
