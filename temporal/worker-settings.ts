/**
 * The worker's concurrency and shutdown settings, from the validated environment
 * (`domain/platform/env.ts`, documented in the README's configuration table): a bad value stops the
 * worker at start with the variable's name, never later.
 */
import { parseEnv, type Env } from '../domain/platform/env';

export interface WorkerSettings {
  /** Activities (node effects, polls) running at once. */
  maxConcurrentActivityTaskExecutions: number;
  /** Local activities (run records, short effects) running at once. */
  maxConcurrentLocalActivityExecutions: number;
  /** Workflow tasks processed at once. */
  maxConcurrentWorkflowTaskExecutions: number;
  /** Long polls for workflow tasks and for activity tasks. */
  maxConcurrentWorkflowTaskPolls: number;
  maxConcurrentActivityTaskPolls: number;
  /** Workflows kept in memory between tasks (a run that is not cached replays its history). */
  maxCachedWorkflows: number;
  /** On SIGTERM/SIGINT: how long in-flight activities may take to finish before they are cancelled. */
  shutdownGraceTimeMs: number;
  /** PostgreSQL connections of the worker (activities and the relay). */
  databasePool: number;
  /** Length of new run history partitions, created ahead by the retention job. */
  historyPartitionInterval: 'day' | 'week' | 'month';
}

/** From the validated environment, or from raw variables (validated here: tests, tools). */
export function workerSettings(source: Env | Record<string, string | undefined>): WorkerSettings {
  const env = typeof source.SYNCLINE_WORKER_WORKFLOWS === 'number' ? (source as Env) : parseEnv(source as Record<string, string | undefined>);
  return {
    maxConcurrentActivityTaskExecutions: env.SYNCLINE_WORKER_ACTIVITIES,
    maxConcurrentLocalActivityExecutions: env.SYNCLINE_WORKER_LOCAL_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: env.SYNCLINE_WORKER_WORKFLOWS,
    maxConcurrentWorkflowTaskPolls: env.SYNCLINE_WORKER_WORKFLOW_POLLERS,
    maxConcurrentActivityTaskPolls: env.SYNCLINE_WORKER_ACTIVITY_POLLERS,
    maxCachedWorkflows: env.SYNCLINE_WORKER_CACHED_WORKFLOWS,
    shutdownGraceTimeMs: env.SYNCLINE_WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
    databasePool: env.SYNCLINE_WORKER_DB_POOL,
    historyPartitionInterval: env.SYNCLINE_HISTORY_PARTITION_INTERVAL,
  };
}
