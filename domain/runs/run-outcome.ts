/**
 * A run's outcome: what happened to the record, in an analyst's words. "Succeeded" only says that no
 * step failed; an event dropped by a Filter succeeds too, and so does the integration's own change
 * stopped by a loop guard. The outcome is computed once, from the step traces, when the run finishes
 * (temporal/activities/run-records.ts stores it in `runs.outcome`).
 *
 * For a run of several items the strongest thing that happened to any of them wins:
 * failed > written > unchanged > echo > filtered.
 */
import type { RunOutcome } from '../../db/schema';
import { isEchoSkipReason, type NodeTrace } from '../../flows-engine/index';
import { nodeDefinitions } from '../../nodes/registry';

/** Effect steps that only read: items reaching them change nothing. */
const READ_ONLY_EFFECTS: ReadonlySet<string> = new Set(['sync.lookup-external-id']);

const WRITING_TYPES: ReadonlySet<string> = new Set(nodeDefinitions.filter((d) => d.effect && !READ_ONLY_EFFECTS.has(d.type)).map((d) => d.type));

/** Steps that may stop items on purpose: Filter (its `dropped` port) and Continue If (skipped items). */
const FILTER_TYPE = 'core.filter';

export interface OutcomeInput {
  status: 'succeeded' | 'failed';
  trace: readonly Pick<NodeTrace, 'type' | 'status' | 'itemsIn' | 'itemsOut' | 'outputSample' | 'skipped' | 'skippedCount'>[];
}

/**
 * @example
 * ```ts
 * runOutcome({ status: 'succeeded', trace: result.trace }); // 'filtered' when the Filter dropped the event
 * ```
 */
export function runOutcome({ status, trace }: OutcomeInput): RunOutcome {
  if (status === 'failed') return 'failed';
  const writes = trace.filter((step) => WRITING_TYPES.has(step.type) && step.status === 'succeeded' && step.itemsIn > 0);
  if (writes.length > 0) return writes.every(wroteNothingNew) ? 'unchanged' : 'written';
  if (trace.some((step) => step.skipped.some((s) => isEchoSkipReason(s.reason)))) return 'echo';
  const stopped = trace.some((step) => step.skippedCount > 0 || (step.type === FILTER_TYPE && (step.itemsOut.dropped ?? 0) > 0));
  // Nothing was written and nothing was stopped: the flow has no write for these items (or they
  // took a branch without one), so the record stays as it was.
  return stopped ? 'filtered' : 'unchanged';
}

/** An Upsert whose every (sampled) item found the target already holding its values (`upserted.unchanged`). */
function wroteNothingNew(step: OutcomeInput['trace'][number]): boolean {
  const items = Object.values(step.outputSample).flat();
  return items.length > 0 && items.every((json) => (json.upserted as { unchanged?: unknown } | undefined)?.unchanged === true);
}
