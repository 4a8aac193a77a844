/**
 * Constants and ids shared by the web app, the worker and the workflows.
 * Workflow-safe: no Node built-ins here.
 */
export const DEFAULT_TASK_QUEUE = 'syncline-flows';

export function taskQueue(env: { SYNCLINE_TASK_QUEUE?: string | undefined } = {}): string {
  return env.SYNCLINE_TASK_QUEUE || DEFAULT_TASK_QUEUE;
}

/** Workflow id of a flow run: stable, so starting the same run twice is refused by Temporal. */
export function runWorkflowId(runId: string): string {
  return `run-${runId}`;
}

/**
 * Workflow id of a batch of runs of one flow version (`runs-<first run id>-<count>-<hash of every id>`):
 * the same batch always gets the same id, so a repeated start of it is refused like a run's; a batch of
 * other runs gets another id (a run in two batches is claimed by one only, see `claimRuns`).
 */
export function runBatchWorkflowId(runIds: readonly string[]): string {
  // FNV-1a, 32 bits: workflow-safe (no node:crypto) and plenty to tell two compositions apart.
  let hash = 0x811c9dc5;
  for (const char of runIds.join(',')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `runs-${runIds[0]}-${runIds.length}-${hash.toString(16).padStart(8, '0')}`;
}

export function isRunBatchWorkflowId(workflowId: string): boolean {
  return workflowId.startsWith('runs-');
}

/** Signal of a batch workflow that cancels one of its runs (a batch is never cancelled as a whole for one run). */
export const CANCEL_RUN_SIGNAL = 'cancelRun';

/** Id of the Temporal Schedule of a flow whose trigger is a schedule or a poll. */
export function flowScheduleId(flowId: string): string {
  return `flow-${flowId}`;
}

/** What a schedule's tick workflow receives: which trigger of which flow ticked. */
export interface TriggerTickInput {
  workspaceId: string;
  flowId: string;
  nodeId: string;
  kind: 'schedule' | 'poll';
  /** Set when a tick is started by hand (tests); a scheduled tick takes its scheduled time from Temporal. */
  scheduledAt?: string;
}

/**
 * Failure type of an effect that failed because Syncline's own database was unreachable (not the step's
 * fault): the workflow waits and tries the step again, without limit, instead of spending the node's retries.
 */
export const OWN_DATABASE_UNAVAILABLE = 'SynclineDatabaseUnavailable';
