import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './workspaces';

/**
 * Item data kept in PostgreSQL instead of Temporal history, with an expiry:
 * - `node-output`: the full output (items per port) of an effect node that succeeded, one row per
 *   (run, node). A retry from the failed step reuses these instead of repeating the effect; when the
 *   output is large, the workflow receives only this row's id.
 * - `trigger`: a run's trigger items and payload when too large to pass as workflow input.
 * Expired rows are deleted by `deleteExpiredItemBatches` (temporal/item-batches.ts).
 *
 * `run_id` has no foreign key: a trigger batch is written before its run row exists.
 */
export const itemBatches = pgTable(
  'item_batches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    runId: uuid('run_id').notNull(),
    kind: text('kind').$type<'node-output' | 'trigger'>().notNull(),
    /** The node of a `node-output`; empty for a trigger batch. */
    nodeId: text('node_id').notNull().default(''),
    data: jsonb('data').$type<unknown>().notNull(),
    bytes: integer('bytes').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('item_batches_run_node_kind').on(t.runId, t.nodeId, t.kind), index('item_batches_expires_idx').on(t.expiresAt)],
);
