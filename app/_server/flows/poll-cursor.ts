/**
 * The poll trigger's cursor, for admins: see where polling stands, reset it or back-date it
 * ("re-sync since"). The worker's poll continues from whatever is stored here.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { auditLog, flowVersions, pollCursors } from '../../../db/schema';
import { readPollCursor } from '../../../domain/triggers/poll-cursor';
import { timedTriggerOf } from '../../../domain/triggers/trigger-settings';
import { InvalidInputError } from '../../../domain/platform/errors';
import { getFlowRow, latestVersion, type Actor } from './flow-service';

/** The published poll trigger's node id; null while the flow has never been published (there is no cursor yet). */
async function pollNodeId(db: Db, workspaceId: string, flowId: string): Promise<string | null> {
  const flow = await getFlowRow(db, workspaceId, flowId);
  const versionId = flow.activeVersionId ?? (await latestVersion(db, flow.id))?.id;
  if (!versionId) return null;
  const [version] = await db.select({ graph: flowVersions.graph }).from(flowVersions).where(eq(flowVersions.id, versionId));
  let trigger: ReturnType<typeof timedTriggerOf>;
  try {
    trigger = timedTriggerOf(version?.graph);
  } catch (error) {
    throw new InvalidInputError(error instanceof Error ? error.message : String(error));
  }
  if (!trigger || trigger.kind !== 'poll') throw new InvalidInputError('This flow does not start with a Poll for changes trigger.');
  return trigger.nodeId;
}

/** Null for a draft never published: the editor then says to publish first (asked while the trigger is built). */
export async function getPollCursor(db: Db, workspaceId: string, flowId: string) {
  const nodeId = await pollNodeId(db, workspaceId, flowId);
  if (nodeId === null) return null;
  const cursor = await readPollCursor(db, flowId, nodeId);
  const [row] = await db
    .select({ updatedAt: pollCursors.updatedAt })
    .from(pollCursors)
    .where(and(eq(pollCursors.flowId, flowId), eq(pollCursors.nodeId, nodeId), eq(pollCursors.workspaceId, workspaceId)));
  return { nodeId, modifiedAt: cursor.modifiedAt, idsAtModifiedAt: cursor.ids.length, updatedAt: row?.updatedAt ?? null };
}

/** Moves the cursor to `since` (null: from the beginning); the next poll reads everything modified from then on. */
export async function resetPollCursor(db: Db, actor: Actor, input: { flowId: string; since: string | null }) {
  const nodeId = await pollNodeId(db, actor.workspaceId, input.flowId);
  if (nodeId === null) throw new InvalidInputError('Publish the flow first: the poll cursor belongs to the published trigger.');
  const since = input.since === null ? null : new Date(input.since);
  if (since && Number.isNaN(since.getTime())) throw new InvalidInputError('since: not a date.');
  await db.transaction(async (tx) => {
    await tx
      .insert(pollCursors)
      .values({ workspaceId: actor.workspaceId, flowId: input.flowId, nodeId, modifiedAt: since, idsAtModifiedAt: [] })
      .onConflictDoUpdate({ target: [pollCursors.flowId, pollCursors.nodeId], set: { modifiedAt: since, idsAtModifiedAt: [], updatedAt: new Date() } });
    await tx.insert(auditLog).values({
      workspaceId: actor.workspaceId,
      actorUserId: actor.userId,
      action: 'flow.poll-cursor-reset',
      targetType: 'flow',
      targetId: input.flowId,
      details: { nodeId, since: since?.toISOString() ?? null },
    });
  });
  return getPollCursor(db, actor.workspaceId, input.flowId);
}
