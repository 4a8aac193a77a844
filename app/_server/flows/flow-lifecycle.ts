/**
 * Creating, copying, importing, exporting, archiving and restoring flows. Every write is scoped by
 * the actor's workspace and leaves an audit-log entry.
 */
import { and, eq } from 'drizzle-orm';
import { exportFlow, FlowSchema, hasErrors, importFlow, type Flow, type FlowExport, type Issue } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import type { Db } from '../../../db/client';
import { auditLog, flows, runs } from '../../../db/schema';
import { InvalidInputError } from '../../../domain/platform/errors';
import { activeGraph, emptyFlow, getFlowRow, newWebhookToken, saveDraft, syncSchedule, type Actor, type ScheduleDeps } from './flow-service';
import { workspaceConnections } from './connection-lookup';
import { versionGraph } from './flow-queries';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function audit(tx: Tx | Db, actor: Actor, action: string, targetId: string, details: Record<string, unknown>) {
  await tx.insert(auditLog).values({ workspaceId: actor.workspaceId, actorUserId: actor.userId, action, targetType: 'flow', targetId, details });
}

/** Inserts a new flow whose draft is `graph` (re-keyed to the new id and name). */
export async function insertFlow(
  db: Db,
  actor: Actor,
  input: { name: string; graph?: Omit<Flow, 'id' | 'name'>; action: string; details?: Record<string, unknown> },
): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const id = crypto.randomUUID();
    const draft = input.graph ? { ...input.graph, id, name: input.name } : emptyFlow(id, input.name);
    await tx.insert(flows).values({
      id,
      workspaceId: actor.workspaceId,
      name: input.name,
      draft,
      webhookToken: newWebhookToken(),
      createdBy: actor.userId,
      updatedBy: actor.userId,
    });
    await audit(tx, actor, input.action, id, { name: input.name, ...input.details });
    return { id };
  });
}

/** Copies a flow's draft (not its versions, runs or status) into a new draft flow. */
export async function duplicateFlow(db: Db, actor: Actor, input: { flowId: string }) {
  const source = await getFlowRow(db, actor.workspaceId, input.flowId);
  const graph = source.draft as Flow;
  return insertFlow(db, actor, { name: `${source.name} (copy)`.slice(0, 120), graph, action: 'flow.duplicated', details: { from: source.id } });
}

/**
 * The flow's draft as a shareable document: connection ids are replaced by their names, so the
 * importing workspace re-binds them to its own connections of the same name.
 */
export async function exportFlowDoc(db: Db, actor: Actor, input: { flowId: string }): Promise<FlowExport> {
  const flow = await getFlowRow(db, actor.workspaceId, input.flowId);
  const parsed = FlowSchema.safeParse(flow.draft);
  if (!parsed.success) throw new InvalidInputError('This flow draft cannot be exported: it is malformed.');
  const { nameById } = await workspaceConnections(db, actor.workspaceId);
  return exportFlow(parsed.data, { registry: nodeRegistry, connectionNameById: nameById });
}

/** Creates a flow from an exported document. Problems that do not block (unresolved connections) come back as issues. */
export async function importFlowDoc(db: Db, actor: Actor, input: { document: unknown; name?: string }): Promise<{ id: string; issues: readonly Issue[] }> {
  const { idByName } = await workspaceConnections(db, actor.workspaceId);
  const result = importFlow(input.document, { registry: nodeRegistry, connectionIdByName: idByName });
  if (!result.flow || hasErrors(result.issues.filter((i) => i.code !== 'import.connection-unresolved'))) {
    throw new InvalidInputError(result.issues.map((i) => i.message).join('; ') || 'This is not a Syncline flow file.');
  }
  const name = (input.name?.trim() || result.flow.name || 'Imported flow').slice(0, 120);
  const { id } = await insertFlow(db, actor, { name, graph: result.flow, action: 'flow.imported' });
  return { id, issues: result.issues };
}

/** A flow with runs is archived (its history stays); one without runs is deleted. */
export async function archiveOrDeleteFlow(db: Db, actor: Actor, input: { flowId: string }, deps: ScheduleDeps = {}): Promise<{ outcome: 'archived' | 'deleted' }> {
  const flow = await getFlowRow(db, actor.workspaceId, input.flowId);
  return db.transaction(async (tx) => {
    // An archived or deleted flow keeps no schedule (removed last below: Temporal down rolls this back).
    const previousGraph = flow.status === 'draft' ? null : await activeGraph(tx, flow.activeVersionId);
    const dropSchedule = () => syncSchedule(deps, { workspaceId: actor.workspaceId, flowId: flow.id, previousGraph, nextGraph: null });
    const [run] = await tx.select({ id: runs.id }).from(runs).where(and(eq(runs.flowId, flow.id), eq(runs.workspaceId, actor.workspaceId))).limit(1);
    const scope = and(eq(flows.id, flow.id), eq(flows.workspaceId, actor.workspaceId));
    if (run) {
      // Archiving also pauses: an archived flow must not start new runs.
      await tx.update(flows).set({ archivedAt: new Date(), status: 'paused', updatedBy: actor.userId, updatedAt: new Date() }).where(scope);
      await audit(tx, actor, 'flow.archived', flow.id, { name: flow.name });
      await dropSchedule();
      return { outcome: 'archived' as const };
    }
    await tx.delete(flows).where(scope);
    await audit(tx, actor, 'flow.deleted', flow.id, { name: flow.name });
    await dropSchedule();
    return { outcome: 'deleted' as const };
  });
}

/** Makes a published version the draft again (conflict-checked like any save). */
export async function restoreVersion(db: Db, actor: Actor, input: { flowId: string; version: number; baseRevision: number }) {
  const graph = await versionGraph(db, actor.workspaceId, input.flowId, input.version);
  const saved = await saveDraft(db, actor, { flowId: input.flowId, draft: graph, baseRevision: input.baseRevision });
  await audit(db, actor, 'flow.version-restored', input.flowId, { version: input.version });
  return { ...saved, draft: graph };
}
