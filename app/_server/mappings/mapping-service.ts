/**
 * The mappings (external-ID table) for admins: counts, browse and search, a record's ids in every
 * system, edit and delete (audited), CSV export and import. All queries are scoped to the workspace
 * and use the table's indexes: (workspace, object type, connection, external id), (workspace,
 * record key) and (workspace, external id).
 */
import { and, asc, count, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { auditLog, connections, externalIds } from '../../../db/schema';
import { ConflictError, InvalidInputError, NotFoundError } from '../../../domain/platform/errors';
import { parseCsv, toCsv, type CsvError } from './csv';

interface Actor {
  readonly workspaceId: string;
  readonly userId: string;
}

const columns = {
  id: externalIds.id,
  objectType: externalIds.objectType,
  connectionId: externalIds.connectionId,
  connectionName: connections.name,
  externalId: externalIds.externalId,
  recordKey: externalIds.recordKey,
  createdAt: externalIds.createdAt,
  updatedAt: externalIds.updatedAt,
  lastSeenAt: externalIds.lastSeenAt,
  deletedAt: externalIds.deletedAt,
};

// connection_id is text (see db/schema/external-ids.ts): compare as text so symbolic ids do not break the join.
const joinConnection = sql`${connections.id}::text = ${externalIds.connectionId}`;

/** Mapping counts per object type and connection (deleted markers counted apart). */
export async function mappingCounts(db: Db, workspaceId: string) {
  return db
    .select({
      objectType: externalIds.objectType,
      connectionId: externalIds.connectionId,
      connectionName: connections.name,
      total: count(),
      deleted: sql<number>`count(${externalIds.deletedAt})::int`,
    })
    .from(externalIds)
    .leftJoin(connections, joinConnection)
    .where(eq(externalIds.workspaceId, workspaceId))
    .groupBy(externalIds.objectType, externalIds.connectionId, connections.name)
    .orderBy(asc(externalIds.objectType), asc(connections.name));
}

export interface BrowseQuery {
  readonly objectType?: string;
  readonly connectionId?: string;
  /** Exact external id or record key. */
  readonly search?: string;
  readonly limit: number;
  readonly offset: number;
}

export async function browseMappings(db: Db, workspaceId: string, query: BrowseQuery) {
  const where = and(
    eq(externalIds.workspaceId, workspaceId),
    query.objectType ? eq(externalIds.objectType, query.objectType) : undefined,
    query.connectionId ? eq(externalIds.connectionId, query.connectionId) : undefined,
    query.search ? or(eq(externalIds.externalId, query.search), eq(externalIds.recordKey, query.search)) : undefined,
  );
  const rows = await db
    .select(columns)
    .from(externalIds)
    .leftJoin(connections, joinConnection)
    .where(where)
    .orderBy(desc(externalIds.updatedAt), asc(externalIds.id))
    .limit(query.limit + 1)
    .offset(query.offset);
  return { rows: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
}

/** Every mapping of one record key: its id in each system, side by side. */
export async function recordIds(db: Db, workspaceId: string, recordKey: string) {
  return db
    .select(columns)
    .from(externalIds)
    .leftJoin(connections, joinConnection)
    .where(and(eq(externalIds.workspaceId, workspaceId), eq(externalIds.recordKey, recordKey)))
    .orderBy(asc(externalIds.objectType), asc(connections.name));
}

function conflictOnDuplicate(error: unknown): never {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (code === '23505') throw new ConflictError('Another mapping of this object type and connection already has that external id or record key.');
  throw error;
}

export async function updateMapping(db: Db, actor: Actor, input: { id: string; externalId: string; recordKey: string }) {
  return db
    .transaction(async (tx) => {
      const [before] = await tx.select().from(externalIds).where(and(eq(externalIds.id, input.id), eq(externalIds.workspaceId, actor.workspaceId)));
      if (!before) throw new NotFoundError('That mapping');
      const [after] = await tx
        .update(externalIds)
        .set({ externalId: input.externalId, recordKey: input.recordKey, updatedAt: new Date() })
        .where(and(eq(externalIds.id, input.id), eq(externalIds.workspaceId, actor.workspaceId)))
        .returning();
      await tx.insert(auditLog).values({
        workspaceId: actor.workspaceId,
        actorUserId: actor.userId,
        action: 'mapping.updated',
        targetType: 'mapping',
        targetId: input.id,
        details: {
          objectType: before.objectType,
          connectionId: before.connectionId,
          before: { externalId: before.externalId, recordKey: before.recordKey },
          after: { externalId: input.externalId, recordKey: input.recordKey },
        },
      });
      return after;
    })
    .catch(conflictOnDuplicate);
}

export async function deleteMapping(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const [gone] = await tx.delete(externalIds).where(and(eq(externalIds.id, id), eq(externalIds.workspaceId, actor.workspaceId))).returning();
    if (!gone) throw new NotFoundError('That mapping');
    await tx.insert(auditLog).values({
      workspaceId: actor.workspaceId,
      actorUserId: actor.userId,
      action: 'mapping.deleted',
      targetType: 'mapping',
      targetId: id,
      details: { objectType: gone.objectType, connectionId: gone.connectionId, externalId: gone.externalId, recordKey: gone.recordKey },
    });
    return { id };
  });
}

const CSV_HEADER = ['objectType', 'connectionId', 'connectionName', 'externalId', 'recordKey', 'createdAt', 'updatedAt', 'lastSeenAt', 'deletedAt'];
export const EXPORT_LIMIT = 200_000;

export async function exportMappingsCsv(db: Db, workspaceId: string, filter: { objectType?: string; connectionId?: string }) {
  const rows = await db
    .select(columns)
    .from(externalIds)
    .leftJoin(connections, joinConnection)
    .where(
      and(
        eq(externalIds.workspaceId, workspaceId),
        filter.objectType ? eq(externalIds.objectType, filter.objectType) : undefined,
        filter.connectionId ? eq(externalIds.connectionId, filter.connectionId) : undefined,
      ),
    )
    .orderBy(asc(externalIds.objectType), asc(externalIds.connectionId), asc(externalIds.externalId))
    .limit(EXPORT_LIMIT);
  return toCsv(
    CSV_HEADER,
    rows.map((r) => [r.objectType, r.connectionId, r.connectionName ?? '', r.externalId, r.recordKey, r.createdAt, r.updatedAt, r.lastSeenAt, r.deletedAt]),
  );
}

const unformula = (v: string) => (/^'[=+\-@]/.test(v) ? v.slice(1) : v);

/**
 * Imports mappings from CSV (columns objectType, connectionId, externalId, recordKey; others are
 * ignored). All or nothing: the first bad line stops the import with its line number. Existing
 * mappings with the same external id get the imported record key.
 */
export async function importMappingsCsv(db: Db, actor: Actor, csv: string) {
  let table: string[][];
  try {
    table = parseCsv(csv);
  } catch (error) {
    throw new InvalidInputError(`csv: ${(error as CsvError).message}`, 'csv');
  }
  const [header, ...lines] = table;
  if (!header) throw new InvalidInputError('csv: the file is empty.', 'csv');
  const at = Object.fromEntries(['objectType', 'connectionId', 'externalId', 'recordKey'].map((name) => [name, header.indexOf(name)]));
  const missing = Object.entries(at).filter(([, i]) => i === -1).map(([n]) => n);
  if (missing.length) throw new InvalidInputError(`csv: the header lacks the column(s) ${missing.join(', ')}.`, 'csv');
  const rows = lines.map((cells, i) => {
    const get = (name: string) => unformula((cells[at[name] as number] ?? '').trim());
    const row = { objectType: get('objectType'), connectionId: get('connectionId'), externalId: get('externalId'), recordKey: get('recordKey') };
    const empty = Object.entries(row).find(([, v]) => v === '');
    if (empty) throw new InvalidInputError(`csv: line ${i + 2} has no ${empty[0]}.`, 'csv');
    return { ...row, workspaceId: actor.workspaceId };
  });
  if (rows.length === 0) return { imported: 0 };
  const known = new Set(
    (
      await db
        .select({ id: connections.id })
        .from(connections)
        .where(and(eq(connections.workspaceId, actor.workspaceId), inArray(sql`${connections.id}::text`, [...new Set(rows.map((r) => r.connectionId))])))
    ).map((c) => c.id),
  );
  const unknownIndex = rows.findIndex((r) => !known.has(r.connectionId));
  if (unknownIndex >= 0) throw new InvalidInputError(`csv: line ${unknownIndex + 2}: connection ${rows[unknownIndex]?.connectionId} is not a connection of this workspace.`, 'csv');
  // Last line wins for duplicates within the file (one statement cannot touch a row twice).
  const unique = [...new Map(rows.map((r) => [`${r.objectType}\u0000${r.connectionId}\u0000${r.externalId}`, r])).values()];
  await db
    .transaction(async (tx) => {
      for (let i = 0; i < unique.length; i += 5000) {
        await tx
          .insert(externalIds)
          .values(unique.slice(i, i + 5000))
          .onConflictDoUpdate({
            target: [externalIds.workspaceId, externalIds.objectType, externalIds.connectionId, externalIds.externalId],
            set: { recordKey: sql`excluded.record_key`, updatedAt: sql`now()`, deletedAt: null },
          });
      }
      await tx.insert(auditLog).values({
        workspaceId: actor.workspaceId,
        actorUserId: actor.userId,
        action: 'mapping.imported',
        targetType: 'mapping',
        targetId: 'csv',
        details: { rows: unique.length },
      });
    })
    .catch(conflictOnDuplicate);
  return { imported: unique.length };
}
