/**
 * Item data by reference: batches kept in PostgreSQL (`item_batches`) instead of Temporal history.
 * Used by the relay (large trigger batches), the effect activity and the run's completion (every effect
 * node's output, so a retry from the failed step can reuse it; large ones are stored by the activity and
 * reach the workflow as a reference only) and
 * the retention job (`deleteExpiredItemBatches`). No workflow imports this file.
 */
import { and, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { insertJsonRows } from '../../db/json-rows';
import { itemBatches } from '../../db/schema';
import type { Item } from '../../flows-engine/index';

/** Above this serialized size, a batch travels through Temporal as a reference. */
export const ITEM_BATCH_REFERENCE_BYTES = 256 * 1024;

/** How long stored batches (and so "retry from the failed step") stay available. */
export const ITEM_BATCH_RETENTION_MS = 14 * 24 * 3600 * 1000;

export type Ports = Record<string, Item[]>;

export interface TriggerBatch {
  items: Item[];
  payload: unknown;
}

/** Serialized size in bytes (UTF-8), the measure the threshold applies to. */
export function serializedBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

function expiry(now = Date.now()): Date {
  return new Date(now + ITEM_BATCH_RETENTION_MS);
}

/** Stores (or replaces, on an activity retry) one effect node's output; returns the row id. */
export async function saveNodeOutput(db: Db, row: { workspaceId: string; runId: string; nodeId: string; ports: Ports }): Promise<string> {
  const bytes = serializedBytes(row.ports);
  const [saved] = await db
    .insert(itemBatches)
    .values({ workspaceId: row.workspaceId, runId: row.runId, kind: 'node-output', nodeId: row.nodeId, data: row.ports, bytes, expiresAt: expiry() })
    .onConflictDoUpdate({
      target: [itemBatches.runId, itemBatches.nodeId, itemBatches.kind],
      set: { data: row.ports, bytes, expiresAt: expiry() },
    })
    .returning({ id: itemBatches.id });
  if (!saved) throw new Error(`the output of node ${row.nodeId} could not be stored`);
  return saved.id;
}

/**
 * Stores the outputs of several effect steps (of one or many runs) in one statement: what a run's
 * completion does for the small outputs its effect activities handed back instead of storing them.
 * Replaces a row already there (a retried completion), as `saveNodeOutput` does.
 */
export async function saveNodeOutputs(db: Db, rows: readonly { workspaceId: string; runId: string; nodeId: string; ports: Ports }[]): Promise<void> {
  if (rows.length === 0) return;
  const expiresAt = expiry();
  await db.execute(
    insertJsonRows(
      itemBatches,
      rows.map((row) => ({ workspaceId: row.workspaceId, runId: row.runId, kind: 'node-output' as const, nodeId: row.nodeId, data: row.ports, bytes: serializedBytes(row.ports), expiresAt })),
      sql`on conflict (run_id, node_id, kind) do update set data = excluded.data, bytes = excluded.bytes, expires_at = excluded.expires_at`,
    ),
  );
}

/** The stored output of a node of a run, or null when it never succeeded there (or has expired). */
export async function loadNodeOutput(db: Db, query: { workspaceId: string; runId: string; nodeId: string }): Promise<Ports | null> {
  const [row] = await db
    .select({ data: itemBatches.data })
    .from(itemBatches)
    .where(
      and(
        eq(itemBatches.workspaceId, query.workspaceId),
        eq(itemBatches.runId, query.runId),
        eq(itemBatches.nodeId, query.nodeId),
        eq(itemBatches.kind, 'node-output'),
        gt(itemBatches.expiresAt, sql`now()`),
      ),
    );
  return row ? (row.data as Ports) : null;
}

/** Which nodes of a run have a stored, unexpired output. */
export async function storedOutputNodes(db: Db, workspaceId: string, runId: string): Promise<string[]> {
  const rows = await db
    .select({ nodeId: itemBatches.nodeId })
    .from(itemBatches)
    .where(and(eq(itemBatches.workspaceId, workspaceId), eq(itemBatches.runId, runId), eq(itemBatches.kind, 'node-output'), gt(itemBatches.expiresAt, sql`now()`)));
  return rows.map((r) => r.nodeId);
}

/** Stores a run's trigger batch (written by the relay before the run starts); returns the row id. */
export async function saveTriggerBatch(db: Db, row: { workspaceId: string; runId: string; batch: TriggerBatch }): Promise<string> {
  const bytes = serializedBytes(row.batch);
  const [saved] = await db
    .insert(itemBatches)
    .values({ workspaceId: row.workspaceId, runId: row.runId, kind: 'trigger', data: row.batch, bytes, expiresAt: expiry() })
    .onConflictDoUpdate({ target: [itemBatches.runId, itemBatches.nodeId, itemBatches.kind], set: { data: row.batch, bytes, expiresAt: expiry() } })
    .returning({ id: itemBatches.id });
  if (!saved) throw new Error(`the trigger batch of run ${row.runId} could not be stored`);
  return saved.id;
}

/** Resolves a reference. A missing or expired batch is an error naming it (the run cannot go on without it). */
export async function loadItemBatch<T = unknown>(db: Db, query: { workspaceId: string; id: string }): Promise<T> {
  const [row] = await db
    .select({ data: itemBatches.data })
    .from(itemBatches)
    .where(and(eq(itemBatches.workspaceId, query.workspaceId), eq(itemBatches.id, query.id), gt(itemBatches.expiresAt, sql`now()`)));
  if (!row) throw new Error(`The stored item batch ${query.id} does not exist or has expired`);
  return row.data as T;
}

/**
 * Retention: deletes expired batches, a bounded number per statement so a large backlog never
 * holds long locks. Returns how many rows went. Safe to run from any process, any time.
 */
export async function deleteExpiredItemBatches(db: Db, options: { now?: Date; batchSize?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 5000;
  let total = 0;
  for (;;) {
    const expired = db.select({ id: itemBatches.id }).from(itemBatches).where(lt(itemBatches.expiresAt, now)).limit(batchSize);
    const deleted = await db.delete(itemBatches).where(inArray(itemBatches.id, expired)).returning({ id: itemBatches.id });
    total += deleted.length;
    if (deleted.length < batchSize) return total;
  }
}
