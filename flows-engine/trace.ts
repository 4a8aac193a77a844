/**
 * The per-node record of a run, as shown in the run history. Plain data, deterministic (no clock
 * unless the caller injects one), serialisable.
 */
import type { ErrorInfo } from './errors';
import type { SkippedItem } from './define-node';
import type { Item } from './schema';

/** The status of one node in a run. */
export const NodeStatus = { succeeded: 'succeeded', failed: 'failed', skipped: 'skipped' } as const;
/** @see {@link NodeStatus} */
export type NodeStatus = (typeof NodeStatus)[keyof typeof NodeStatus];

/** A skipped item as recorded in the trace (with its data, for the run history). */
export interface SkippedItemTrace extends SkippedItem {
  readonly json: Record<string, unknown>;
}

/**
 * What happened at one node.
 *
 * @example
 * ```ts
 * const t: NodeTrace = { nodeId: 'f', type: 'core.filter', status: 'succeeded', itemsIn: 3, itemsOut: { kept: 2, dropped: 1 },
 *   inputSample: [], outputSample: {}, skipped: [], skippedCount: 0 };
 * ```
 */
export interface NodeTrace {
  readonly nodeId: string;
  readonly type: string;
  readonly status: NodeStatus;
  /** Why a node was skipped: it received no items, or an earlier node stopped the run. */
  readonly skipReason?: 'no-input' | 'run-stopped';
  readonly itemsIn: number;
  readonly itemsOut: Readonly<Record<string, number>>;
  /** The first few input items' json. */
  readonly inputSample: readonly Record<string, unknown>[];
  /** The first few output items' json, per port. */
  readonly outputSample: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /** Items that stopped here (Continue If), the first 100 with their data. */
  readonly skipped: readonly SkippedItemTrace[];
  readonly skippedCount: number;
  readonly error?: ErrorInfo & { readonly nodeId: string };
  /** Only present when the caller injected a clock. */
  readonly durationMs?: number;
}

/** The outcome of a whole run. */
export interface RunResult {
  /** `failed` when a node failed with `onError: 'fail'` (or the run could not start). */
  readonly status: 'succeeded' | 'failed';
  /** True when any node failed, even if the run went on (`continue` / `route`). */
  readonly hadErrors: boolean;
  readonly trace: readonly NodeTrace[];
  /** Every node's full output by port. */
  readonly outputs: Readonly<Record<string, Readonly<Record<string, readonly Item[]>>>>;
  readonly error?: ErrorInfo & { readonly nodeId?: string };
}
