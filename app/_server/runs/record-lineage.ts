/**
 * Record lineage: given a record's id in any system (or its shared record key), every run that read
 * or wrote that record, across flows, oldest first. The id is widened through the external-ID table
 * to the record key and to the record's ids in every other system; runs are found through
 * `record_lineage` (what their lookup/save/upsert/delete steps touched) and through their ordering key
 * (the id of the record whose change triggered them).
 */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { connections, externalIds, flows, recordLineage, runs } from '../../../db/schema';

export const LINEAGE_MAX_RUNS = 500;

export async function searchRecordLineage(db: Db, workspaceId: string, rawId: string) {
  const id = rawId.trim();
  if (!id) return { mappings: [], runs: [], truncated: false };
  const keyRows = await db
    .select({ recordKey: externalIds.recordKey })
    .from(externalIds)
    .where(and(eq(externalIds.workspaceId, workspaceId), or(eq(externalIds.externalId, id), eq(externalIds.recordKey, id))));
  const recordKeys = [...new Set([id, ...keyRows.map((r) => r.recordKey)])];
  const mappings = await db
    .select({
      objectType: externalIds.objectType,
      connectionId: externalIds.connectionId,
      connectionName: connections.name,
      externalId: externalIds.externalId,
      recordKey: externalIds.recordKey,
      lastSeenAt: externalIds.lastSeenAt,
    })
    .from(externalIds)
    .leftJoin(connections, sql`${connections.id}::text = ${externalIds.connectionId}`)
    .where(and(eq(externalIds.workspaceId, workspaceId), inArray(externalIds.recordKey, recordKeys)))
    .orderBy(asc(externalIds.objectType), asc(externalIds.connectionId));
  const ids = [...new Set([id, ...mappings.map((m) => m.externalId)])];

  const touches = await db
    .select({
      runId: recordLineage.runId,
      nodeId: recordLineage.nodeId,
      access: recordLineage.access,
      connectionId: recordLineage.connectionId,
      objectType: recordLineage.objectType,
      externalId: recordLineage.externalId,
      recordKey: recordLineage.recordKey,
    })
    .from(recordLineage)
    .where(and(eq(recordLineage.workspaceId, workspaceId), or(inArray(recordLineage.externalId, ids), inArray(recordLineage.recordKey, recordKeys))))
    .limit(LINEAGE_MAX_RUNS * 20);
  const triggered = await db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), inArray(runs.orderingKey, ids)))
    .limit(LINEAGE_MAX_RUNS + 1);
  const runIds = [...new Set([...touches.map((t) => t.runId), ...triggered.map((r) => r.id)])];
  if (runIds.length === 0) return { mappings, runs: [], truncated: false };

  const rows = await db
    .select({
      id: runs.id,
      flowId: runs.flowId,
      flowName: flows.name,
      version: runs.version,
      status: runs.status,
      trigger: runs.trigger,
      orderingKey: runs.orderingKey,
      createdAt: runs.createdAt,
      finishedAt: runs.finishedAt,
    })
    .from(runs)
    .innerJoin(flows, eq(flows.id, runs.flowId))
    .where(and(eq(runs.workspaceId, workspaceId), inArray(runs.id, runIds)))
    .orderBy(asc(runs.createdAt), asc(runs.id))
    .limit(LINEAGE_MAX_RUNS + 1);
  const byRun = new Map<string, typeof touches>();
  for (const t of touches) byRun.set(t.runId, [...(byRun.get(t.runId) ?? []), t]);
  return {
    mappings,
    runs: rows.slice(0, LINEAGE_MAX_RUNS).map((run) => ({
      ...run,
      triggeredByRecord: run.orderingKey !== null && ids.includes(run.orderingKey),
      touches: (byRun.get(run.id) ?? []).map(({ runId: _runId, ...t }) => t),
    })),
    truncated: rows.length > LINEAGE_MAX_RUNS,
  };
}

export type RecordLineage = Awaited<ReturnType<typeof searchRecordLineage>>;
