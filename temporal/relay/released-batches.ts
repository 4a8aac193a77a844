/**
 * The next batches of flows whose hold was just released (relay-loop.ts): a released flow's events
 * gather for a while, because the runs that just finished cause new events at once (the next change of
 * the same records, a caller that sends its next request when it sees the last one done). Each such
 * batch is whole once as many new events of its flow have come as runs finished: then the pass need not
 * wait for the rest of the gathering time.
 *
 *   const batches = releasedBatches();
 *   batches.released(flowId, 10);           // ten runs of the flow's execution finished
 *   if (batches.arrived(flowId, 4)) pass(); // false: 4 of 10
 */
export function releasedBatches() {
  const gathering = new Map<string, { finished: number; arrived: number }>();
  return {
    /** `finished` runs of the flow's latest execution finished: its next batch starts gathering. */
    released(flowId: string, finished: number): void {
      gathering.set(flowId, { finished, arrived: 0 });
    },
    /** New events of a flow came; true when every gathering batch is whole (the pass may run now). */
    arrived(flowId: string, count: number): boolean {
      const batch = gathering.get(flowId);
      if (!batch) return false;
      batch.arrived += count;
      return [...gathering.values()].every((b) => b.arrived >= b.finished);
    },
    /** A pass took them: nothing is gathering any more. */
    clear(): void {
      gathering.clear();
    },
  };
}
