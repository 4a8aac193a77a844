/**
 * PostgreSQL NOTIFY channels, the one list of them. A NOTIFY sent inside a transaction is delivered
 * on commit, so a listener never wakes for a row it cannot see yet.
 */

/**
 * New inbox events (and finished runs, which may unblock the next event of their ordering key): the relay
 * listens. Finished runs name themselves (`finishedRunsPayload`), so the relay knows when an execution it
 * started is done; new events say their flow and how many came (`events:<flowId>:<count>`, built by the
 * intake's statement from `ARRIVED_EVENTS_PREFIX`), so the relay knows when a batch it gathers is whole;
 * any other payload is empty.
 */
export const INBOX_CHANNEL = 'syncline_inbox';

const FINISHED = 'finished:';

/** The INBOX_CHANNEL payload of runs that just finished (their ids; NOTIFY payloads hold up to 8,000 bytes). */
export function finishedRunsPayload(runIds: readonly string[]): string {
  let payload = FINISHED;
  for (const id of runIds) {
    if (payload.length + id.length + 1 > 7_900) break; // the wake-up matters more than the list being whole
    payload += `${payload === FINISHED ? '' : ','}${id}`;
  }
  return payload;
}

/** The run ids of a finished-runs payload; empty for any other payload. */
export function finishedRunIds(payload: string): string[] {
  return payload.startsWith(FINISHED) ? payload.slice(FINISHED.length).split(',').filter(Boolean) : [];
}

/** A run failed (payload: its workspace id): the alert evaluation listens. */
export const ALERTS_CHANNEL = 'syncline_alerts';

/** The start of a new-events payload, `events:<flowId>:<count>` (the intake's SQL appends the rest). */
export const ARRIVED_EVENTS_PREFIX = 'events:';

/** The flow and the number of events a new-events payload announces; undefined for any other payload. */
export function arrivedEvents(payload: string): { flowId: string; count: number } | undefined {
  if (!payload.startsWith(ARRIVED_EVENTS_PREFIX)) return undefined;
  const [flowId, count] = payload.slice(ARRIVED_EVENTS_PREFIX.length).split(':');
  const n = Number(count);
  return flowId && Number.isInteger(n) && n > 0 ? { flowId, count: n } : undefined;
}
