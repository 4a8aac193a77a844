/**
 * Run history queries: the keyset-paginated run list and one run's detail.
 * Every query is scoped by workspace id; the list walks the
 * (workspace_id | flow_id [, status], created_at desc, id desc) indexes, the text search the trigram
 * indexes on `error ->> 'message'` and `ordering_key`.
 */
import { and, asc, desc, eq, gte, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { flows, flowVersions, runs, runSteps, type RunOutcome, type RunStatus } from '../../../db/schema';
import { temporalSettings } from '../../../temporal/api/connection-options';
import { InvalidInputError, NotFoundError } from '../../../domain/platform/errors';

export const RUNS_PAGE_SIZE = 50;

export interface RunListFilter {
  flowId?: string;
  status?: RunStatus[];
  from?: Date;
  to?: Date;
  version?: number;
  trigger?: string;
  /** What the runs did to their record (written, filtered out…). */
  outcome?: RunOutcome[];
  /** Runs that failed at this step (node id). */
  failedStep?: string;
  /** Text search in the error message and the ordering key (or an exact run id). */
  q?: string;
  cursor?: string;
  limit?: number;
}

/** Cursor = the last row's (created_at as PostgreSQL text, keeping microseconds; id). */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && isUuid(parsed[1])) {
      if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/.test(parsed[0])) return [parsed[0], parsed[1]];
    }
  } catch {
    /* fall through */
  }
  throw new InvalidInputError('cursor: not a cursor from this list.', 'cursor');
}

function isUuid(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The list query: one (…, created_at desc, id desc) index walk that stops after a page. Which index
 * serves which filter (flow, status, text search) is checked over 1,000,000 runs in
 * runs-at-scale.int.test.ts. Exported for that EXPLAIN.
 */
export function runListQuery(db: Db, workspaceId: string, filter: RunListFilter) {
  const limit = filter.limit ?? RUNS_PAGE_SIZE;
  const conditions: (SQL | undefined)[] = [eq(runs.workspaceId, workspaceId)];
  if (filter.flowId) conditions.push(eq(runs.flowId, filter.flowId));
  if (filter.status?.length) conditions.push(inArray(runs.status, filter.status));
  if (filter.from) conditions.push(gte(runs.createdAt, filter.from));
  if (filter.to) conditions.push(lt(runs.createdAt, filter.to));
  if (filter.version !== undefined) conditions.push(eq(runs.version, filter.version));
  if (filter.trigger) conditions.push(eq(runs.trigger, filter.trigger));
  if (filter.outcome?.length) conditions.push(inArray(runs.outcome, filter.outcome));
  if (filter.failedStep) conditions.push(sql`${runs.error} ->> 'nodeId' = ${filter.failedStep}`);
  const q = filter.q?.trim();
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    conditions.push(
      or(
        ilike(sql<string>`(${runs.error} ->> 'message')`, pattern),
        ilike(runs.orderingKey, pattern),
        isUuid(q) ? eq(runs.id, q) : undefined,
      ),
    );
  }
  if (filter.cursor) {
    const [createdAt, id] = decodeCursor(filter.cursor);
    // The plain `created_at <=` is implied by the row comparison, but only it lets PostgreSQL skip the
    // newer partitions of `runs` (partition pruning does not see through a row comparison).
    conditions.push(sql`(${runs.createdAt}, ${runs.id}) < (${createdAt}::timestamptz, ${id}::uuid) and ${runs.createdAt} <= ${createdAt}::timestamptz`);
  }
  return db
    .select({
      id: runs.id,
      flowId: runs.flowId,
      flowName: flows.name,
      version: runs.version,
      status: runs.status,
      outcome: runs.outcome,
      trigger: runs.trigger,
      orderingKey: runs.orderingKey,
      retryOf: runs.retryOf,
      itemsIn: runs.itemsIn,
      itemsOut: runs.itemsOut,
      itemsSkipped: runs.itemsSkipped,
      error: runs.error,
      createdAt: runs.createdAt,
      startedAt: runs.startedAt,
      finishedAt: runs.finishedAt,
      cursorAt: sql<string>`${runs.createdAt}::text`,
    })
    .from(runs)
    .innerJoin(flows, eq(flows.id, runs.flowId))
    .where(and(...conditions))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(limit + 1);
}

export async function listRuns(db: Db, workspaceId: string, filter: RunListFilter) {
  const limit = filter.limit ?? RUNS_PAGE_SIZE;
  const rows = await runListQuery(db, workspaceId, filter);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    runs: page.map(({ cursorAt: _cursorAt, ...row }) => row),
    nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null,
  };
}

export type RunListRow = Awaited<ReturnType<typeof listRuns>>['runs'][number];

/** What the filters offer: the workspace's flows, the triggers, and the steps of the chosen flow's latest version. */
export async function runFilterOptions(db: Db, workspaceId: string, flowId?: string) {
  const flowRows = await db
    .select({ id: flows.id, name: flows.name })
    .from(flows)
    .where(eq(flows.workspaceId, workspaceId))
    .orderBy(asc(flows.name));
  const version = flowId ? await latestVersion(db, workspaceId, flowId) : null;
  const steps = ((version?.graph as { nodes?: { id: string; label: string }[] } | undefined)?.nodes ?? []).map((n) => ({ id: n.id, label: n.label }));
  return { flows: flowRows, triggers: ['webhook', 'schedule', 'poll', 'manual'], steps };
}

export function temporalRunUrl(workflowId: string): string | null {
  const settings = temporalSettings();
  if (!settings.uiUrl) return null;
  return `${settings.uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

export async function getRun(db: Db, workspaceId: string, runId: string) {
  if (!isUuid(runId)) throw new NotFoundError('This run');
  const [row] = await db
    .select({ run: runs, flowName: flows.name, graph: flowVersions.graph, flowActiveVersionId: flows.activeVersionId })
    .from(runs)
    .innerJoin(flows, eq(flows.id, runs.flowId))
    .innerJoin(flowVersions, eq(flowVersions.id, runs.flowVersionId))
    .where(and(eq(runs.workspaceId, workspaceId), eq(runs.id, runId)));
  if (!row) throw new NotFoundError('This run');
  const [steps, retries, latest] = await Promise.all([
    db
      .select()
      .from(runSteps)
      .where(eq(runSteps.runId, runId))
      .orderBy(sql`${runSteps.startedAt} asc nulls last`, asc(runSteps.nodeId)),
    db
      .select({ id: runs.id, status: runs.status, createdAt: runs.createdAt })
      .from(runs)
      .where(and(eq(runs.workspaceId, workspaceId), eq(runs.retryOf, runId)))
      .orderBy(desc(runs.createdAt)),
    latestVersion(db, workspaceId, row.run.flowId),
  ]);
  return {
    run: row.run,
    flowName: row.flowName,
    graph: row.graph as { nodes: { id: string; type: string; typeVersion: number; label: string }[]; edges: { id: string; from: { node: string; port: string }; to: { node: string; port: string } }[]; layout: Record<string, { x: number; y: number }> },
    steps,
    retries,
    latestVersion: latest?.version ?? null,
    temporalUrl: temporalRunUrl(row.run.workflowId),
  };
}

export type RunDetail = Awaited<ReturnType<typeof getRun>>;

/** The flow's active version, or its newest published one when it is paused. */
export async function latestVersion(db: Db, workspaceId: string, flowId: string) {
  const [flow] = await db.select({ activeVersionId: flows.activeVersionId }).from(flows).where(and(eq(flows.id, flowId), eq(flows.workspaceId, workspaceId)));
  if (!flow) return null;
  const [version] = await db
    .select()
    .from(flowVersions)
    .where(and(eq(flowVersions.flowId, flowId), flow.activeVersionId ? eq(flowVersions.id, flow.activeVersionId) : undefined))
    .orderBy(desc(flowVersions.version))
    .limit(1);
  return version ?? null;
}
