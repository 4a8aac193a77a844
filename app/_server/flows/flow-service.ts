import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { FLOW_SCHEMA_VERSION, hasErrors, validateDraft, validateForPublish, type Flow, type Issue } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import { connectionInfos } from '../../../domain/connections/usage';
import type { Db } from '../../../db/client';
import { auditLog, flows, flowVersions } from '../../../db/schema';
import { ConflictError, InvalidInputError, NotFoundError } from '../../../domain/platform/errors';
import type { Client } from '@temporalio/client';
import { getTemporalClient } from '../../../temporal/api/client';
import { deleteFlowSchedule, upsertFlowSchedule } from '../../../temporal/api/schedules';
import { sharedDemoRefusal } from '../demo/shared-demo-guard';
import { timedTriggerOf, TriggerConfigError, triggerSettingsIssues, type TimedTrigger } from '../../../domain/triggers/trigger-settings';

/** Who is acting, in which workspace: every function here is scoped by it. */
export interface Actor {
  workspaceId: string;
  userId: string;
}

export function emptyFlow(id: string, name: string): Flow {
  return { schemaVersion: FLOW_SCHEMA_VERSION, id, name, nodes: [], edges: [], layout: {} };
}

export function newWebhookToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function getFlowRow(db: Db, workspaceId: string, flowId: string) {
  const [row] = await db
    .select()
    .from(flows)
    .where(and(eq(flows.id, flowId), eq(flows.workspaceId, workspaceId), isNull(flows.archivedAt)));
  if (!row) throw new NotFoundError('The flow');
  return row;
}

/**
 * Saves a draft. Drafts may be incomplete (lenient validation only) but must
 * have the flow's shape. `baseRevision` is the revision the editor loaded: if
 * someone saved in between, the save is refused instead of overwriting theirs.
 */
export async function saveDraft(
  db: Db,
  actor: Actor,
  input: { flowId: string; draft: unknown; baseRevision: number },
): Promise<{ revision: number; issues: Issue[] }> {
  const issues = validateDraft(input.draft);
  if (hasErrors(issues)) {
    throw new InvalidInputError(`The draft is malformed: ${issues.map((i) => i.message).join('; ')}`);
  }
  const flow = await getFlowRow(db, actor.workspaceId, input.flowId);
  const draft = { ...(input.draft as Flow), id: flow.id, name: flow.name };
  const updated = await db
    .update(flows)
    .set({ draft, draftRevision: sql`${flows.draftRevision} + 1`, updatedBy: actor.userId, updatedAt: new Date() })
    .where(and(eq(flows.id, flow.id), eq(flows.workspaceId, actor.workspaceId), eq(flows.draftRevision, input.baseRevision)))
    .returning({ revision: flows.draftRevision });
  if (!updated[0]) {
    throw new ConflictError('This flow was changed in another tab or by someone else since you opened it. Reload to see their changes.');
  }
  return { revision: updated[0].revision, issues };
}

export type PublishOutcome = { published: true; version: number; versionId: string; issues: Issue[] } | { published: false; issues: Issue[] };

/** Strictly validates the draft and, when it has no errors, freezes it as the next immutable version. */
export async function publishFlow(db: Db, actor: Actor, input: { flowId: string; note: string }, deps: ScheduleDeps = {}): Promise<PublishOutcome> {
  const flow = await getFlowRow(db, actor.workspaceId, input.flowId);
  const issues = [
    ...validateForPublish(flow.draft, nodeRegistry, { connections: await connectionInfos(db, actor.workspaceId) }),
    ...triggerSettingsIssues(flow.draft),
  ];
  if (hasErrors(issues)) return { published: false, issues };
  return db.transaction(async (tx) => {
    // Serialise publishes of one flow so two cannot take the same version number.
    await tx.execute(sql`select 1 from ${flows} where ${flows.id} = ${flow.id} for update`);
    const [latest] = await tx
      .select({ version: flowVersions.version })
      .from(flowVersions)
      .where(eq(flowVersions.flowId, flow.id))
      .orderBy(desc(flowVersions.version))
      .limit(1);
    const version = (latest?.version ?? 0) + 1;
    const [row] = await tx
      .insert(flowVersions)
      .values({ flowId: flow.id, workspaceId: actor.workspaceId, version, graph: withoutEditorData(flow.draft), note: input.note, publishedBy: actor.userId })
      .returning({ id: flowVersions.id });
    if (!row) throw new Error('flow version insert returned no row');
    // An active flow switches to the new version for new runs; runs in flight keep theirs.
    if (flow.status !== 'draft') {
      await tx.update(flows).set({ activeVersionId: row.id }).where(eq(flows.id, flow.id));
      // The live flow's schedule follows the new version (inside the transaction: no half-published state).
      await syncSchedule(deps, { workspaceId: actor.workspaceId, flowId: flow.id, previousGraph: await activeGraph(tx, flow.activeVersionId), nextGraph: withoutEditorData(flow.draft) });
    }
    await tx.insert(auditLog).values({
      workspaceId: actor.workspaceId,
      actorUserId: actor.userId,
      action: 'flow.published',
      targetType: 'flow',
      targetId: flow.id,
      details: { version, note: input.note },
    });
    return { published: true as const, version, versionId: row.id, issues };
  });
}

/**
 * The draft may carry editor-only data next to the graph (`samples`: test input pinned per trigger,
 * possibly personal data). A published version is what runs: it never carries them.
 */
export function withoutEditorData(draft: unknown): unknown {
  if (!draft || typeof draft !== 'object' || !('samples' in draft)) return draft;
  const { samples: _samples, ...rest } = draft as Record<string, unknown>;
  return rest;
}

export async function latestVersion(db: Db, flowId: string) {
  const [row] = await db
    .select({ id: flowVersions.id, version: flowVersions.version })
    .from(flowVersions)
    .where(eq(flowVersions.flowId, flowId))
    .orderBy(desc(flowVersions.version))
    .limit(1);
  return row ?? null;
}

/**
 * Activate makes the latest published version live; pause keeps the intake
 * accepting and storing events (they run on resume); deactivate goes back to draft.
 */
export async function setFlowStatus(db: Db, actor: Actor, input: { flowId: string; status: 'active' | 'paused' | 'draft' }, deps: ScheduleDeps = {}) {
  const flow = await getFlowRow(db, actor.workspaceId, input.flowId);
  const version = await latestVersion(db, flow.id);
  if (input.status === 'active' && !version) throw new ConflictError('Publish the flow before activating it.');
  if (input.status === 'active' && version) {
    const refusal = await sharedDemoRefusal(db, actor.workspaceId, await activeGraph(db, version.id));
    if (refusal) throw new ConflictError(refusal);
  }
  await db.transaction(async (tx) => {
    // Paused flows keep their schedule ticking (the relay holds their events until resume); a draft has none.
    const previousGraph = flow.status === 'draft' ? null : await activeGraph(tx, flow.activeVersionId);
    const nextGraph = input.status === 'draft' || !version ? null : await activeGraph(tx, version.id);
    await tx
      .update(flows)
      .set({
        status: input.status,
        activeVersionId: input.status === 'draft' ? null : (version?.id ?? null),
        updatedBy: actor.userId,
        updatedAt: new Date(),
      })
      .where(and(eq(flows.id, flow.id), eq(flows.workspaceId, actor.workspaceId)));
    await tx.insert(auditLog).values({
      workspaceId: actor.workspaceId,
      actorUserId: actor.userId,
      action: `flow.${input.status === 'active' ? 'activated' : input.status === 'paused' ? 'paused' : 'deactivated'}`,
      targetType: 'flow',
      targetId: flow.id,
      details: { version: version?.version ?? null },
    });
    // Last, so a Temporal that is unreachable rolls the status change back: never half-activated.
    await syncSchedule(deps, { workspaceId: actor.workspaceId, flowId: flow.id, previousGraph, nextGraph });
  });
  return { status: input.status, version: version?.version ?? null, previousStatus: flow.status };
}

/** How the flow lifecycle reaches Temporal (tests hand in their client). */
export interface ScheduleDeps {
  temporal?: () => Promise<Client>;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export async function activeGraph(tx: Tx | Db, versionId: string | null): Promise<unknown> {
  if (!versionId) return null;
  const [row] = await tx.select({ graph: flowVersions.graph }).from(flowVersions).where(eq(flowVersions.id, versionId));
  return row?.graph ?? null;
}

/** Whether the graph's trigger has a schedule (an unreadable schedule or poll trigger counts: remove it anyway). */
function hadSchedule(graph: unknown): boolean {
  if (!graph) return false;
  try {
    return timedTriggerOf(graph) !== null;
  } catch {
    return true;
  }
}

function triggerOrExplain(graph: unknown): TimedTrigger | null {
  try {
    return timedTriggerOf(graph);
  } catch (error) {
    if (error instanceof TriggerConfigError) throw new InvalidInputError(error.message);
    throw error;
  }
}

/**
 * Makes the flow's Temporal Schedule match its live graph: created or updated for a schedule or poll
 * trigger, deleted when the flow no longer has one. Temporal is only contacted when a schedule is
 * or was involved, so webhook flows never depend on it.
 */
export async function syncSchedule(deps: ScheduleDeps, input: { workspaceId: string; flowId: string; previousGraph: unknown; nextGraph: unknown }) {
  const next = input.nextGraph ? triggerOrExplain(input.nextGraph) : null;
  if (!next && !hadSchedule(input.previousGraph)) return;
  let client: Client;
  try {
    client = await (deps.temporal ?? getTemporalClient)();
  } catch (error) {
    throw new ConflictError(`Temporal is unreachable, so the flow's schedule cannot be ${next ? 'set up' : 'removed'}; nothing was changed. Try again once the worker's Temporal server is running. (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    // A bounded wait: with Temporal down the SDK would otherwise keep retrying while we hold the transaction.
    await client.connection.withDeadline(Date.now() + 5000, () =>
      next ? upsertFlowSchedule(client, { workspaceId: input.workspaceId, flowId: input.flowId, trigger: next }) : deleteFlowSchedule(client, input.flowId),
    );
  } catch (error) {
    throw new ConflictError(`Temporal refused to ${next ? 'set up' : 'remove'} the flow's schedule, so nothing was changed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
