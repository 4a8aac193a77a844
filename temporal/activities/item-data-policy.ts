/**
 * The per-flow "never store item data" setting, applied where run records are written: the run keeps
 * its counts, statuses and errors, and loses every item (step samples, skipped items, the trigger
 * payload in `runs` and in its inbox event, the effect outputs in `item_batches`). The payload still travels in the run's Temporal
 * workflow input, which Temporal's own namespace retention governs.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { inboxEvents, itemBatches, runs, type runSteps } from '../../db/schema';

type StepRow = typeof runSteps.$inferInsert;

/** Pure: the step rows as they may be stored under the flow's setting. */
export function stepsAsStored(steps: StepRow[], neverStoreItemData: boolean): StepRow[] {
  if (!neverStoreItemData) return steps;
  return steps.map((step) => ({ ...step, input: null, output: null, skipped: null }));
}

/**
 * In the transaction that completes the run: looks up the flow's setting, and under "never store"
 * also clears the payload the run was started with. Returns the step rows to insert.
 */
export async function applyItemDataPolicy(tx: Db, runId: string, steps: StepRow[]): Promise<StepRow[]> {
  const [row] = await tx.execute<{ never_store_item_data: boolean }>(
    sql`select f.never_store_item_data from runs r join flows f on f.id = r.flow_id where r.id = ${runId}`,
  );
  const neverStore = row?.never_store_item_data ?? false;
  if (neverStore) {
    await tx.update(runs).set({ triggerPayload: null }).where(eq(runs.id, runId));
    await tx.update(inboxEvents).set({ payload: sql`'null'::jsonb` }).where(eq(inboxEvents.runId, runId));
    // Effect outputs kept for a retry from the failed step are item data too: such runs retry from the start.
    await tx.delete(itemBatches).where(eq(itemBatches.runId, runId));
  }
  return stepsAsStored(steps, neverStore);
}
