/**
 * Webhook deliveries the intake refused, kept per flow so its owner can see why a sender's events never
 * became runs (today's intake answers the sender and leaves no trace). Reason, status and time only:
 * the refused body is never stored, not even in part. Bounded: each flow keeps its newest
 * `KEEP_PER_FLOW` rejections.
 */
import { and, desc, eq, isNull, notInArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { flows, rejectedDeliveries } from '../../db/schema';
import { errorMessage, type Logger } from '../platform/logger';

export const KEEP_PER_FLOW = 50;

export interface RejectedDelivery {
  id: string;
  status: number;
  reason: string;
  bodyBytes: number | null;
  receivedAt: Date;
}

/**
 * Records one refused delivery for the flow listening at `token`. A token no flow listens at has no
 * owner to tell, so it records nothing (and says so with `false`).
 */
export async function recordRejectedDelivery(
  db: Db,
  input: { token: string; status: number; reason: string; bodyBytes: number | null },
): Promise<boolean> {
  const [flow] = await db
    .select({ id: flows.id, workspaceId: flows.workspaceId })
    .from(flows)
    .where(and(eq(flows.webhookToken, input.token), isNull(flows.archivedAt)));
  if (!flow) return false;
  await db.insert(rejectedDeliveries).values({
    workspaceId: flow.workspaceId,
    flowId: flow.id,
    status: input.status,
    reason: input.reason.slice(0, 500),
    bodyBytes: input.bodyBytes,
  });
  const newest = db
    .select({ id: rejectedDeliveries.id })
    .from(rejectedDeliveries)
    .where(eq(rejectedDeliveries.flowId, flow.id))
    .orderBy(desc(rejectedDeliveries.receivedAt))
    .limit(KEEP_PER_FLOW);
  await db.delete(rejectedDeliveries).where(and(eq(rejectedDeliveries.flowId, flow.id), notInArray(rejectedDeliveries.id, newest)));
  return true;
}

/** A flow's refused deliveries, newest first (the flow must be in `workspaceId`). */
export async function listRejectedDeliveries(db: Db, input: { workspaceId: string; flowId: string }): Promise<RejectedDelivery[]> {
  return db
    .select({
      id: rejectedDeliveries.id,
      status: rejectedDeliveries.status,
      reason: rejectedDeliveries.reason,
      bodyBytes: rejectedDeliveries.bodyBytes,
      receivedAt: rejectedDeliveries.receivedAt,
    })
    .from(rejectedDeliveries)
    .where(and(eq(rejectedDeliveries.workspaceId, input.workspaceId), eq(rejectedDeliveries.flowId, input.flowId)))
    .orderBy(desc(rejectedDeliveries.receivedAt))
    .limit(KEEP_PER_FLOW);
}

/**
 * What the intake (the listener and the Next.js route alike) does with a refusal: records it on its flow,
 * best effort. The sender's answer never changes because of it, and an unknown address records nothing.
 */
export async function noteRefusal(db: Db, log: Logger, input: { token: string; status: number; reason: string; bodyBytes: number | null }): Promise<void> {
  if (input.status === 404) return;
  await recordRejectedDelivery(db, input).catch((error: unknown) => log.warn({ reason: errorMessage(error) }, 'could not record a rejected webhook delivery'));
}
