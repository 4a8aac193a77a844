import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { externalIds } from '../../db/schema';
import type { ExternalIdStore } from '../../nodes/effect-deps';

/** The external-ID store on PostgreSQL: one query per batch, never one per item. */
export function createExternalIdStore(db: Db): ExternalIdStore {
  return {
    async lookupMany({ workspaceId, objectType, connectionId, externalIds: ids }) {
      if (ids.length === 0) return new Map();
      const rows = await db
        .select({ externalId: externalIds.externalId, recordKey: externalIds.recordKey })
        .from(externalIds)
        .where(
          and(
            eq(externalIds.workspaceId, workspaceId),
            eq(externalIds.objectType, objectType),
            eq(externalIds.connectionId, connectionId),
            inArray(externalIds.externalId, [...ids]),
            sql`${externalIds.deletedAt} is null`,
          ),
        );
      return new Map(rows.map((row) => [row.externalId, { recordKey: row.recordKey }]));
    },

    async saveMany(rows) {
      if (rows.length === 0) return;
      // Idempotent: a retried activity or a concurrent run saving the same mapping changes nothing.
      await db
        .insert(externalIds)
        .values(rows.map((row) => ({ ...row })))
        .onConflictDoUpdate({
          target: [externalIds.workspaceId, externalIds.objectType, externalIds.connectionId, externalIds.externalId],
          set: { lastSeenAt: sql`now()`, deletedAt: null },
        });
    },

    async forgetRecordKeys({ workspaceId, recordKeys }) {
      if (recordKeys.length === 0) return 0;
      const deleted = await db
        .delete(externalIds)
        .where(and(eq(externalIds.workspaceId, workspaceId), inArray(externalIds.recordKey, [...recordKeys])))
        .returning({ id: externalIds.id });
      return deleted.length;
    },
  };
}
