import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { externalIds } from '../../db/schema';
import type { ExternalIdStore } from '../../nodes/effect-deps';

/** Beyond the node-facing interface: the register-of-records operations (hard-delete detection). */
export interface ExternalIdRegister extends ExternalIdStore {
  /** Sets the deleted marker on mappings whose record vanished from the source; returns how many. */
  markDeleted(query: { readonly workspaceId: string; readonly objectType: string; readonly connectionId: string; readonly externalIds: readonly string[] }): Promise<number>;
  /** Records that these external ids were seen in the source now (without changing their mapping). */
  touchSeen(query: { readonly workspaceId: string; readonly objectType: string; readonly connectionId: string; readonly externalIds: readonly string[] }): Promise<void>;
}

/** The external-ID store on PostgreSQL: one query per batch, never one per item. */
export function createExternalIdStore(db: Db): ExternalIdRegister {
  const sameBatch = (q: { workspaceId: string; objectType: string; connectionId: string; externalIds: readonly string[] }) =>
    and(
      eq(externalIds.workspaceId, q.workspaceId),
      eq(externalIds.objectType, q.objectType),
      eq(externalIds.connectionId, q.connectionId),
      inArray(externalIds.externalId, [...q.externalIds]),
    );
  return {
    async lookupMany({ workspaceId, objectType, connectionId, externalIds: ids }) {
      if (ids.length === 0) return new Map();
      // `= any($1::text[])`: ONE array parameter instead of 500 (`in ($1..$500)`), which is what
      // makes a 500-id batch cheap to bind and plan.
      const rows = await db
        .select({ externalId: externalIds.externalId, recordKey: externalIds.recordKey })
        .from(externalIds)
        .where(
          and(
            eq(externalIds.workspaceId, workspaceId),
            eq(externalIds.objectType, objectType),
            eq(externalIds.connectionId, connectionId),
            sql`${externalIds.externalId} = any(${sql.param([...ids])}::text[])`,
            sql`${externalIds.deletedAt} is null`,
          ),
        );
      return new Map(rows.map((row) => [row.externalId, { recordKey: row.recordKey }]));
    },

    async saveMany(rows) {
      if (rows.length === 0) return;
      // One INSERT cannot touch the same row twice: keep the last of duplicate keys in a batch.
      const unique = [...new Map(rows.map((r) => [`${r.workspaceId}\u0000${r.objectType}\u0000${r.connectionId}\u0000${r.externalId}`, r])).values()];
      // Idempotent: a retried activity or a concurrent run saving the same mapping changes nothing.
      // unnest() of five array parameters instead of a VALUES list of 5 x n parameters: the batch
      // binds and plans in constant time (see scripts/bench/mappings.ts).
      const column = (pick: (r: (typeof unique)[number]) => string) => sql.param(unique.map(pick));
      await db.execute(sql`
        insert into ${externalIds} (workspace_id, object_type, connection_id, external_id, record_key)
        select * from unnest(
          ${column((r) => r.workspaceId)}::uuid[], ${column((r) => r.objectType)}::text[], ${column((r) => r.connectionId)}::text[],
          ${column((r) => r.externalId)}::text[], ${column((r) => r.recordKey)}::text[])
        on conflict (workspace_id, object_type, connection_id, external_id)
        do update set last_seen_at = now(), deleted_at = null`);
    },

    async forgetIds({ workspaceId, ids }) {
      if (ids.length === 0) return 0;
      const list = sql.param([...new Set(ids)]);
      const deleted = await db
        .delete(externalIds)
        .where(and(eq(externalIds.workspaceId, workspaceId), sql`(${externalIds.recordKey} = any(${list}::text[]) or ${externalIds.externalId} = any(${list}::text[]))`))
        .returning({ id: externalIds.id });
      return deleted.length;
    },

    async markDeleted(query) {
      if (query.externalIds.length === 0) return 0;
      const marked = await db
        .update(externalIds)
        .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(sameBatch(query), sql`${externalIds.deletedAt} is null`))
        .returning({ id: externalIds.id });
      return marked.length;
    },

    async touchSeen(query) {
      if (query.externalIds.length === 0) return;
      await db.update(externalIds).set({ lastSeenAt: sql`now()` }).where(sameBatch(query));
    },
  };
}
