/**
 * Constants and ids shared by the web app, the worker and the workflows.
 * Workflow-safe: no Node built-ins here.
 */
export const DEFAULT_TASK_QUEUE = 'syncline-flows';

export function taskQueue(env: Record<string, string | undefined> = {}): string {
  return env.SYNCLINE_TASK_QUEUE || DEFAULT_TASK_QUEUE;
}

/** Workflow id of a flow run: stable, so starting the same run twice is refused by Temporal. */
export function runWorkflowId(runId: string): string {
  return `run-${runId}`;
}

/** PostgreSQL NOTIFY channel: the intake announces new inbox events on it, the relay listens. */
export const INBOX_CHANNEL = 'syncline_inbox';
