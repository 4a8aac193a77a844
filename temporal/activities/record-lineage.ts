import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { insertJsonRows } from '../../db/json-rows';
import { recordLineage } from '../../db/schema';
import type { EffectDeps } from '../../nodes/effect-deps';

/** One record a step read or wrote. */
export interface TouchedRecord {
  access: 'read' | 'write';
  connectionId: string;
  objectType: string;
  externalId: string;
  recordKey: string;
}

/**
 * Wraps the effects' dependencies so every external-ID lookup/save and every record upsert/delete/
 * anonymisation notes which records it touched: the lineage of a run, gathered without each node
 * type having to report it.
 */
export function recordingTouchedRecords(deps: EffectDeps): { deps: EffectDeps; touched: TouchedRecord[] } {
  const touched: TouchedRecord[] = [];
  const note = (access: TouchedRecord['access'], q: { connectionId: string; objectType: string }, externalId: string, recordKey = '') =>
    touched.push({ access, connectionId: q.connectionId, objectType: q.objectType, externalId, recordKey });
  return {
    touched,
    deps: {
      ...deps,
      externalIds: {
        ...deps.externalIds,
        async lookupMany(query) {
          const found = await deps.externalIds.lookupMany(query);
          for (const id of query.externalIds) note('read', query, id, found.get(id)?.recordKey);
          return found;
        },
        async saveMany(rows) {
          await deps.externalIds.saveMany(rows);
          for (const row of rows) note('write', row, row.externalId, row.recordKey);
        },
        forgetIds: (query) => deps.externalIds.forgetIds(query),
      },
      records: {
        async readMany(request) {
          const found = await deps.records.readMany(request);
          for (const id of found.keys()) note('read', request, id);
          return found;
        },
        async upsertMany(request) {
          const results = await deps.records.upsertMany(request);
          for (const result of results) note('write', request, result.externalId);
          return results;
        },
        async deleteMany(request) {
          await deps.records.deleteMany(request);
          for (const id of request.externalIds) note('write', request, id);
        },
        async anonymiseMany(request) {
          await deps.records.anonymiseMany(request);
          for (const id of request.externalIds) note('write', request, id);
        },
      },
    },
  };
}

/** A touched record with the step that touched it, as `record_lineage` keeps it. */
export interface LineageRow extends TouchedRecord {
  workspaceId: string;
  runId: string;
  flowId: string;
  nodeId: string;
  /** When the step touched it; the time of the write when absent. */
  at?: Date;
}

/** Writes touched records (of one step or of many runs' steps); a repeated write adds nothing (unique constraint). */
export async function saveLineage(db: Db, rows: readonly LineageRow[]): Promise<void> {
  if (rows.length === 0) return;
  const now = new Date();
  const complete = rows.map((row) => ({ ...row, externalId: row.externalId ?? '', recordKey: row.recordKey ?? '', at: row.at ?? now }));
  await db.execute(insertJsonRows(recordLineage, complete, sql`on conflict do nothing`));
}

/** Writes one step's touched records. */
export async function saveTouchedRecords(
  db: Db,
  step: { workspaceId: string; runId: string; flowId: string; nodeId: string },
  touched: readonly TouchedRecord[],
): Promise<void> {
  await saveLineage(db, touched.map((t) => ({ ...step, ...t })));
}
