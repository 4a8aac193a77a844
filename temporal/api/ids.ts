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
