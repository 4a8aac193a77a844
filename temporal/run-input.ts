import type { Flow, Item } from '../flows-engine/index';

/**
 * The input of one flow run. Everything the run needs is in here (the
 * version's graph snapshot included), so a run never reads its flow from the
 * database mid-way and always executes the version it started with. No secrets:
 * connections are referenced by id and resolved inside activities.
 */
export interface RunFlowInput {
  runId: string;
  workspaceId: string;
  flowId: string;
  flowName: string;
  version: number;
  flow: Flow;
  /**
   * The trigger's items and payload, or (`batchId` set, items empty, payload null) a reference to
   * them in `item_batches` when they are too large for workflow input.
   */
  trigger: { items: Item[]; payload: unknown; batchId?: string };
  integrationIdentities: Record<string, string>;
  /** ISO time the run was accepted: the run's only notion of "now". */
  acceptedAt: string;
  /** Set for a retry of another run. */
  retry?: RunRetryInput;
}

/**
 * The input of a batch of runs of one flow version: the version's graph once, then each run's own part.
 * Each run keeps its own run record, steps, retry and cancel; the batch shares one workflow execution.
 */
export interface RunBatchInput {
  workspaceId: string;
  flowId: string;
  flowName: string;
  version: number;
  flow: Flow;
  integrationIdentities: Record<string, string>;
  runs: BatchedRun[];
}

export type BatchedRun = Pick<RunFlowInput, 'runId' | 'trigger' | 'acceptedAt' | 'retry'>;

export interface RunRetryInput {
  /** The first run of the retry chain: effects use its idempotency keys, so a retry never repeats one. */
  originalRunId: string;
  /** A retry from the failed step: effect nodes that succeeded in this run are not run again, their stored output is reused. */
  reuseOutputsOf?: string;
}

/** When each step ran (ISO 8601), by node id. */
export type StepTimings = Record<string, { startedAt: string; finishedAt: string }>;

export interface RunFlowSummary {
  runId: string;
  /** `skipped`: another execution holds this run (a repeated start); this one left it alone. */
  status: 'succeeded' | 'failed' | 'cancelled' | 'skipped';
  itemsIn: number;
  itemsOut: number;
  itemsSkipped: number;
  error?: { message: string; category: string; nodeId?: string };
}
