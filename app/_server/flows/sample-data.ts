/**
 * SERVER ONLY. Sample items for the editor's test runs, besides typing or pasting them:
 * - the trigger payload of one of the flow's recent runs, or the last event its webhook received;
 * - for a poll trigger, one page read from the source with the trigger's settings, through its
 *   connection (resolved here: the secret never leaves the server), without touching the trigger's
 *   cursor (the next poll reads exactly what it would have read).
 * Samples are bounded ({@link SAMPLE_LIMIT} items): they are pinned in the draft.
 */
import 'server-only';
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { auditLog, inboxEvents, runs } from '../../../db/schema';
import { TransientError, UserError } from '../../../flows-engine/index';
import { fetchSourcePage } from '../../../domain/triggers/poll-sources';
import { readPollCursor } from '../../../domain/triggers/poll-cursor';
import { itemsFromPayload } from '../../../domain/triggers/trigger-items';
import { timedTriggerOf, TriggerConfigError } from '../../../domain/triggers/trigger-settings';
import { ConnectionMissingError, resolveConnection } from '../../../domain/connections/resolve';
import { InvalidInputError, NotFoundError } from '../../../domain/platform/errors';
import { getFlowRow, type Actor } from './flow-service';

/** Items a sample keeps at most. */
export const SAMPLE_LIMIT = 20;
/** Recent runs offered as samples. */
const RECENT = 10;

export interface Sample {
  readonly items: Record<string, unknown>[];
  /** Items the source had (more than `items` when cut to {@link SAMPLE_LIMIT}). */
  readonly total: number;
  /** Where it came from, in words, for the dialog. */
  readonly from: string;
}

const itemCount = (payload: typeof runs.triggerPayload | typeof inboxEvents.payload) =>
  sql<number>`case when jsonb_typeof(${payload}) = 'array' then jsonb_array_length(${payload}) else 1 end`.mapWith(Number);

/** The flow's recent runs that kept their trigger payload, and the last event its webhook received. */
export async function listSampleSources(db: Db, workspaceId: string, flowId: string) {
  const flow = await getFlowRow(db, workspaceId, flowId);
  const recentRuns = await db
    .select({ id: runs.id, createdAt: runs.createdAt, status: runs.status, version: runs.version, trigger: runs.trigger, items: itemCount(runs.triggerPayload) })
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), eq(runs.flowId, flow.id), isNotNull(runs.triggerPayload)))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(RECENT);
  const [lastEvent] = await db
    .select({ id: inboxEvents.id, receivedAt: inboxEvents.receivedAt, items: itemCount(inboxEvents.payload) })
    .from(inboxEvents)
    .where(and(eq(inboxEvents.workspaceId, workspaceId), eq(inboxEvents.flowId, flow.id), eq(inboxEvents.source, 'webhook')))
    .orderBy(desc(inboxEvents.seq))
    .limit(1);
  return { runs: recentRuns, lastEvent: lastEvent ?? null };
}

export function toSample(payload: unknown, from: string): Sample {
  const items = itemsFromPayload(payload).map((i) => i.json as Record<string, unknown>);
  return { items: items.slice(0, SAMPLE_LIMIT), total: items.length, from };
}

export type PastSampleSource = { kind: 'run'; runId: string } | { kind: 'last-event' };

/** The trigger payload of one of the flow's runs, or of the last webhook event, as sample items. */
export async function loadPastSample(db: Db, workspaceId: string, input: { flowId: string; source: PastSampleSource }): Promise<Sample> {
  const flow = await getFlowRow(db, workspaceId, input.flowId);
  if (input.source.kind === 'run') {
    const [run] = await db
      .select({ payload: runs.triggerPayload, createdAt: runs.createdAt })
      .from(runs)
      .where(and(eq(runs.id, input.source.runId), eq(runs.flowId, flow.id), eq(runs.workspaceId, workspaceId)));
    if (!run) throw new NotFoundError('That run of this flow');
    if (run.payload === null || run.payload === undefined) throw new InvalidInputError('That run did not keep its trigger data.');
    return toSample(run.payload, `the run of ${run.createdAt.toISOString()}`);
  }
  const [event] = await db
    .select({ payload: inboxEvents.payload, receivedAt: inboxEvents.receivedAt })
    .from(inboxEvents)
    .where(and(eq(inboxEvents.workspaceId, workspaceId), eq(inboxEvents.flowId, flow.id), eq(inboxEvents.source, 'webhook')))
    .orderBy(desc(inboxEvents.seq))
    .limit(1);
  if (!event) throw new InvalidInputError('This flow’s webhook has not received anything yet.');
  return toSample(event.payload, `the webhook event of ${event.receivedAt.toISOString()}`);
}

/**
 * One page of the poll trigger's source, read with the trigger's settings as the editor holds them
 * (the draft): the records the next poll would read, or, when nothing changed since the last poll,
 * the first records of the source. The cursor is only read, never moved.
 */
export async function fetchPollSample(db: Db, actor: Actor, input: { flowId: string; draft: unknown }): Promise<Sample> {
  const flow = await getFlowRow(db, actor.workspaceId, input.flowId);
  let trigger;
  try {
    trigger = timedTriggerOf(input.draft);
  } catch (error) {
    if (error instanceof TriggerConfigError) throw new InvalidInputError(error.message);
    throw error;
  }
  if (!trigger || trigger.kind !== 'poll') throw new InvalidInputError('Only a “Poll for changes” trigger can fetch records from its source.');
  const { config, nodeId } = trigger;
  let connection;
  try {
    connection = await resolveConnection(db, { workspaceId: actor.workspaceId, connectionId: config.connectionId });
  } catch (error) {
    if (error instanceof ConnectionMissingError) throw new InvalidInputError(error.message, 'connectionId');
    throw error;
  }
  const cursor = await readPollCursor(db, flow.id, nodeId);
  let page;
  let from = `${connection.name}: records changed since the last poll`;
  try {
    page = await fetchSourcePage(connection, config, cursor.modifiedAt, null, SAMPLE_LIMIT);
    if (page.records.length === 0 && cursor.modifiedAt) {
      from = `${connection.name}: nothing changed since the last poll, so the first records`;
      page = await fetchSourcePage(connection, config, null, null, SAMPLE_LIMIT);
    }
  } catch (error) {
    if (error instanceof UserError || error instanceof TransientError) throw new InvalidInputError(`Reading ${config.objectType} from “${connection.name}” failed: ${error.message}`);
    throw error;
  }
  const items = page.records.map((r) => r.record);
  await db.insert(auditLog).values({
    workspaceId: actor.workspaceId,
    actorUserId: actor.userId,
    action: 'flow.sample-fetched',
    targetType: 'flow',
    targetId: flow.id,
    details: { nodeId, connectionId: connection.id, objectType: config.objectType, records: items.length },
  });
  return { items, total: items.length, from };
}
