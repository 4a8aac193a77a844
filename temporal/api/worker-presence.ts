/**
 * Whether a worker polls the task queue now, from Temporal's own view (DescribeTaskQueue).
 *
 * Temporal lists a poller for minutes after it went away, so "a poller is listed" says nothing. Each
 * poller carries `lastAccessTime`: the start of its latest long poll. A live worker starts a new poll
 * as soon as one ends, and a long poll ends after the server's long-poll expiry (the embedded dev server
 * runs with 5 s, see scripts/supervisor/temporal-tuning.ts; a cluster's default is 60 s). So a worker
 * is present when both its workflow and its activity pollers were seen within `seenWithinMs`, which must
 * be longer than that expiry (SYNCLINE_WORKER_SEEN_WITHIN_SECONDS).
 */
import type { Client } from '@temporalio/client';

/** DescribeTaskQueue's task queue types (temporal.api.enums.v1.TaskQueueType). */
const TASK_QUEUE_TYPES = { workflow: 1, activity: 2 } as const;

export interface WorkerPresence {
  polling: boolean;
  /** The most recent poll of each task queue type, when any poller is listed. */
  lastPollAt: { workflow?: string; activity?: string };
}

interface Timestamp {
  seconds?: { toString(): string } | number | null;
  nanos?: number | null;
}

function toMillis(timestamp: Timestamp | null | undefined): number | undefined {
  if (!timestamp?.seconds) return undefined;
  return Number(timestamp.seconds.toString()) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6);
}

export async function describeWorkerPresence(
  client: Client,
  options: { namespace: string; taskQueue: string; seenWithinMs: number; now?: number },
): Promise<WorkerPresence> {
  const service = client.connection.workflowService;
  const latest = async (taskQueueType: number) => {
    const info = await service.describeTaskQueue({ namespace: options.namespace, taskQueue: { name: options.taskQueue }, taskQueueType });
    const times = (info.pollers ?? []).flatMap((poller) => toMillis(poller.lastAccessTime) ?? []);
    return times.length ? Math.max(...times) : undefined;
  };
  const [workflow, activity] = await Promise.all([latest(TASK_QUEUE_TYPES.workflow), latest(TASK_QUEUE_TYPES.activity)]);
  const now = options.now ?? Date.now();
  const fresh = (at: number | undefined) => at !== undefined && now - at <= options.seenWithinMs;
  return {
    polling: fresh(workflow) && fresh(activity),
    lastPollAt: {
      ...(workflow !== undefined ? { workflow: new Date(workflow).toISOString() } : {}),
      ...(activity !== undefined ? { activity: new Date(activity).toISOString() } : {}),
    },
  };
}
