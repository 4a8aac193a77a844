/**
 * Read models of the flows list and version history: one query per concern, scoped by workspace.
 */
import { and, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { FlowSchema, type Flow } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import type { Db } from '../../../db/client';
import { flows, flowVersions, runs, users } from '../../../db/schema';
import { NotFoundError } from '../../../domain/platform/errors';
import { diffFlows, type FlowDiff } from './flow-diff';
import { getFlowRow } from './flow-service';

/** How many recent runs the success rate is computed over. */
export const RECENT_RUNS = 20;

/** The trigger's title ("Webhook", "Schedule", ...) of a stored draft, or null when it has none. */
export function triggerKindOf(draft: unknown): string | null {
  const nodes = (draft as Partial<Flow> | null)?.nodes;
  if (!Array.isArray(nodes)) return null;
  for (const node of nodes) {
    const def = nodeRegistry.get(String(node?.type), Number(node?.typeVersion));
    if (def?.group === 'trigger') return def.title;
  }
  return null;
}

export interface FlowListRow {
  id: string;
  name: string;
  status: 'draft' | 'active' | 'paused';
  updatedAt: Date;
  updatedByName: string | null;
  triggerKind: string | null;
  nodeCount: number;
  lastRun: { status: string; at: Date } | null;
  /** Succeeded / finished among the last {@link RECENT_RUNS} runs; null when none finished. */
  successRate: number | null;
  recentRuns: number;
  hasPublishedVersion: boolean;
}

export async function listFlows(db: Db, workspaceId: string): Promise<FlowListRow[]> {
  const rows = await db
    .select({
      id: flows.id,
      name: flows.name,
      status: flows.status,
      updatedAt: flows.updatedAt,
      draft: flows.draft,
      updatedByName: users.name,
      versions: sql<number>`(select count(*)::int from ${flowVersions} where ${flowVersions.flowId} = ${flows.id})`,
    })
    .from(flows)
    .leftJoin(users, eq(users.id, flows.updatedBy))
    .where(and(eq(flows.workspaceId, workspaceId), isNull(flows.archivedAt)))
    .orderBy(desc(flows.updatedAt));
  if (rows.length === 0) return [];
  const ranked = db.$with('ranked').as(
    db
      .select({
        flowId: runs.flowId,
        status: runs.status,
        createdAt: runs.createdAt,
        rn: sql<number>`row_number() over (partition by ${runs.flowId} order by ${runs.createdAt} desc)`.as('rn'),
      })
      .from(runs)
      .where(and(eq(runs.workspaceId, workspaceId), inArray(runs.flowId, rows.map((r) => r.id)))),
  );
  const recent = await db.with(ranked).select().from(ranked).where(lte(ranked.rn, RECENT_RUNS));
  const byFlow = new Map<string, typeof recent>();
  for (const r of recent) byFlow.set(r.flowId, [...(byFlow.get(r.flowId) ?? []), r]);
  return rows.map((row) => {
    const flowRuns = (byFlow.get(row.id) ?? []).sort((a, b) => Number(a.rn) - Number(b.rn));
    const finished = flowRuns.filter((r) => r.status === 'succeeded' || r.status === 'failed');
    const last = flowRuns[0];
    const nodes = (row.draft as Partial<Flow> | null)?.nodes;
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      updatedAt: row.updatedAt,
      updatedByName: row.updatedByName,
      triggerKind: triggerKindOf(row.draft),
      nodeCount: Array.isArray(nodes) ? nodes.length : 0,
      lastRun: last ? { status: last.status, at: last.createdAt } : null,
      successRate: finished.length === 0 ? null : finished.filter((r) => r.status === 'succeeded').length / finished.length,
      recentRuns: flowRuns.length,
      hasPublishedVersion: Number(row.versions) > 0,
    };
  });
}

export async function listVersions(db: Db, workspaceId: string, flowId: string) {
  const flow = await getFlowRow(db, workspaceId, flowId);
  return db
    .select({
      id: flowVersions.id,
      version: flowVersions.version,
      note: flowVersions.note,
      publishedAt: flowVersions.publishedAt,
      publishedByName: users.name,
      isActive: sql<boolean>`${flowVersions.id} = ${flow.activeVersionId ?? null}::uuid`,
    })
    .from(flowVersions)
    .leftJoin(users, eq(users.id, flowVersions.publishedBy))
    .where(and(eq(flowVersions.flowId, flow.id), eq(flowVersions.workspaceId, workspaceId)))
    .orderBy(desc(flowVersions.version));
}

export async function versionGraph(db: Db, workspaceId: string, flowId: string, version: number): Promise<Flow> {
  const [row] = await db
    .select({ graph: flowVersions.graph })
    .from(flowVersions)
    .where(and(eq(flowVersions.flowId, flowId), eq(flowVersions.workspaceId, workspaceId), eq(flowVersions.version, version)))
    .limit(1);
  if (!row) throw new NotFoundError(`Version ${version}`);
  return FlowSchema.parse(row.graph);
}

/** `'draft'` or a published version number. */
export type FlowRevisionRef = 'draft' | number;

async function graphOf(db: Db, workspaceId: string, flowId: string, ref: FlowRevisionRef): Promise<Flow> {
  if (ref === 'draft') {
    const flow = await getFlowRow(db, workspaceId, flowId);
    return FlowSchema.parse(flow.draft);
  }
  return versionGraph(db, workspaceId, flowId, ref);
}

export async function diffRevisions(
  db: Db,
  workspaceId: string,
  input: { flowId: string; from: FlowRevisionRef; to: FlowRevisionRef },
): Promise<FlowDiff> {
  await getFlowRow(db, workspaceId, input.flowId);
  const [before, after] = await Promise.all([
    graphOf(db, workspaceId, input.flowId, input.from),
    graphOf(db, workspaceId, input.flowId, input.to),
  ]);
  return diffFlows(before, after);
}
