/**
 * "Capture a live sample" of a webhook trigger: the editor opens a capture, the next delivery to the
 * flow's URL becomes its sample. See db/schema/sample-captures.ts for where each kind of flow keeps it:
 * a flow with a live hook stores deliveries in the inbox as always (and runs them); a flow without one
 * (a draft) has them kept by the intake in the capture row (`keepCapturedDelivery`) instead of refused.
 * The payload is deleted from the capture row once the editor has taken it.
 */
import { and, desc, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { inboxEvents, sampleCaptures } from '../../db/schema';

/** How long the editor waits for a delivery before the capture closes by itself. */
export const CAPTURE_WINDOW_MS = 10 * 60_000;

export type CaptureState =
  | { readonly state: 'idle' }
  | { readonly state: 'waiting'; readonly expiresAt: Date }
  | { readonly state: 'expired' }
  | { readonly state: 'captured'; readonly payload: unknown; readonly receivedAt: Date };

type FlowRef = { readonly workspaceId: string; readonly flowId: string };

/** Opens (or re-opens) the flow's capture: the next delivery after now is the sample. */
export async function openCapture(db: Db, input: FlowRef & { userId: string; now?: Date }): Promise<{ expiresAt: Date }> {
  const now = input.now ?? new Date();
  const [last] = await db
    .select({ seq: inboxEvents.seq })
    .from(inboxEvents)
    .where(and(eq(inboxEvents.workspaceId, input.workspaceId), eq(inboxEvents.flowId, input.flowId)))
    .orderBy(desc(inboxEvents.seq))
    .limit(1);
  await deleteExpiredCaptures(db, now);
  const expiresAt = new Date(now.getTime() + CAPTURE_WINDOW_MS);
  const row = { workspaceId: input.workspaceId, openedBy: input.userId, openedAt: now, expiresAt, afterSeq: last?.seq ?? 0, payload: null, capturedAt: null };
  await db.insert(sampleCaptures).values({ flowId: input.flowId, ...row }).onConflictDoUpdate({ target: sampleCaptures.flowId, set: row });
  return { expiresAt };
}

/**
 * Captures nobody came back for (the editor was closed) must not keep a delivery's personal data: deleted
 * when the next capture opens anywhere, and by the retention job (domain/retention).
 */
export async function deleteExpiredCaptures(db: Db, now: Date = new Date()): Promise<number> {
  const gone = await db.delete(sampleCaptures).where(lte(sampleCaptures.expiresAt, now)).returning({ flowId: sampleCaptures.flowId });
  return gone.length;
}

/** Closes the capture without a sample. */
export async function cancelCapture(db: Db, input: FlowRef): Promise<void> {
  await db.delete(sampleCaptures).where(and(eq(sampleCaptures.flowId, input.flowId), eq(sampleCaptures.workspaceId, input.workspaceId)));
}

/**
 * Where the capture stands. A captured sample is handed over once: the row (and the payload it may
 * hold) is deleted as it is read.
 */
export async function readCapture(db: Db, input: FlowRef & { now?: Date }): Promise<CaptureState> {
  const [capture] = await db
    .select()
    .from(sampleCaptures)
    .where(and(eq(sampleCaptures.flowId, input.flowId), eq(sampleCaptures.workspaceId, input.workspaceId)));
  if (!capture) return { state: 'idle' };
  let found: CaptureState | null = capture.capturedAt ? { state: 'captured', payload: capture.payload, receivedAt: capture.capturedAt } : null;
  if (!found) {
    const [event] = await db
      .select({ payload: inboxEvents.payload, receivedAt: inboxEvents.receivedAt })
      .from(inboxEvents)
      .where(and(eq(inboxEvents.workspaceId, input.workspaceId), eq(inboxEvents.flowId, input.flowId), eq(inboxEvents.source, 'webhook'), gt(inboxEvents.seq, capture.afterSeq)))
      .orderBy(inboxEvents.seq)
      .limit(1);
    if (event) found = { state: 'captured', payload: event.payload, receivedAt: event.receivedAt };
  }
  const expired = capture.expiresAt.getTime() <= (input.now ?? new Date()).getTime();
  if (found || expired) await cancelCapture(db, input);
  return found ?? (expired ? { state: 'expired' } : { state: 'waiting', expiresAt: capture.expiresAt });
}

/**
 * The intake's side, for a flow without a live hook: keeps the delivery as the sample when the flow's
 * capture is open and still empty. Returns whether it was kept (otherwise the delivery is refused as before).
 */
export async function keepCapturedDelivery(db: Db, input: { flowId: string; payload: unknown }): Promise<boolean> {
  const kept = await db
    .update(sampleCaptures)
    .set({ payload: input.payload, capturedAt: sql`now()` })
    .where(and(eq(sampleCaptures.flowId, input.flowId), isNull(sampleCaptures.capturedAt), gt(sampleCaptures.expiresAt, sql`now()`)))
    .returning({ flowId: sampleCaptures.flowId });
  return kept.length > 0;
}

/** Whether a flow's capture is open and still empty (the intake asks before it reads a refused body). */
export async function isCapturing(db: Db, flowId: string): Promise<boolean> {
  const [row] = await db
    .select({ flowId: sampleCaptures.flowId })
    .from(sampleCaptures)
    .where(and(eq(sampleCaptures.flowId, flowId), isNull(sampleCaptures.capturedAt), gt(sampleCaptures.expiresAt, sql`now()`)));
  return row !== undefined;
}
