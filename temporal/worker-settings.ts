/**
 * The worker's concurrency and shutdown settings, from the environment (documented in the README's
 * configuration table). A bad value stops the worker at start with the variable's name, never later.
 */
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
}

type Env = Record<string, string | undefined>;

function positiveInteger(env: Env, name: string, fallback: number, minimum = 1): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`${name} must be a whole number of at least ${minimum}, not "${raw}".`);
  return value;
}

export function workerSettings(env: Env): WorkerSettings {
  const workflows = positiveInteger(env, 'SYNCLINE_WORKER_WORKFLOWS', 40);
  return {
    maxConcurrentActivityTaskExecutions: positiveInteger(env, 'SYNCLINE_WORKER_ACTIVITIES', 100),
    maxConcurrentLocalActivityExecutions: positiveInteger(env, 'SYNCLINE_WORKER_LOCAL_ACTIVITIES', 100),
    maxConcurrentWorkflowTaskExecutions: workflows,
    // The SDK needs two workflow pollers when workflows are cached (sticky and normal queue).
    maxConcurrentWorkflowTaskPolls: positiveInteger(env, 'SYNCLINE_WORKER_WORKFLOW_POLLERS', 10, 2),
    maxConcurrentActivityTaskPolls: positiveInteger(env, 'SYNCLINE_WORKER_ACTIVITY_POLLERS', 10),
    // Bounded (the SDK's default grows with the heap limit, to thousands): caps the worker's memory.
    maxCachedWorkflows: positiveInteger(env, 'SYNCLINE_WORKER_CACHED_WORKFLOWS', 500, 2),
    shutdownGraceTimeMs: positiveInteger(env, 'SYNCLINE_WORKER_SHUTDOWN_GRACE_SECONDS', 20, 0) * 1000,
    databasePool: positiveInteger(env, 'SYNCLINE_WORKER_DB_POOL', 10),
  };
}
