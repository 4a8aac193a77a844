/**
 * The per-flow "never store item data" setting, applied where run records are written: the run keeps
 * its counts, statuses and errors, and loses every item (step samples, skipped items, the trigger
 * payload in `runs` and in its inbox event, the effect outputs in `item_batches`). The payload still travels in the run's Temporal
 * workflow input, which Temporal's own namespace retention governs.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { flows, inboxEvents, itemBatches, runs, type runSteps } from '../../db/schema';

type StepRow = typeof runSteps.$inferInsert;

/** Pure: the step rows as they may be stored under the flow's setting. */
export function stepsAsStored(steps: StepRow[], neverStoreItemData: boolean): StepRow[] {
  if (!neverStoreItemData) return steps;
  return steps.map((step) => ({ ...step, input: null, output: null, skipped: null }));
}

/**
 * In the transaction that completes a batch of runs: looks up each run's flow setting (one query for
 * the batch), and for the runs under "never store" clears the payload they were started with.
 * Returns the ids of those runs, whose step rows must go through {@link stepsAsStored}.
 */
export async function applyItemDataPolicy(tx: Db, runIds: readonly string[]): Promise<Set<string>> {
  const rows = await tx
    .select({ id: runs.id })
    .from(runs)
    .innerJoin(flows, eq(flows.id, runs.flowId))
    .where(and(inArray(runs.id, [...runIds]), eq(flows.neverStoreItemData, true)));
  const neverStore = rows.map((r) => r.id);
  if (neverStore.length > 0) {
    await tx.update(runs).set({ triggerPayload: null }).where(inArray(runs.id, neverStore));
    await tx.update(inboxEvents).set({ payload: sql`'null'::jsonb` }).where(inArray(inboxEvents.runId, neverStore));
    // Effect outputs kept for a retry from the failed step are item data too: such runs retry from the start.
    await tx.delete(itemBatches).where(inArray(itemBatches.runId, neverStore));
  }
  return new Set(neverStore);
}
