import { index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './workspaces';

/**
 * Which run read or wrote which record: one row per (run, step, system, object, id, access), written by
 * the effect activity from the ids its lookup / save / upsert / delete calls touched. Searching a record's
 * id in any system goes through the external-ID table to its record key, then here.
 */
export const recordLineage = pgTable(
  'record_lineage',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /**
     * No foreign key: `runs` is partitioned and its key is (id, created_at). Lineage goes with its run in
     * code: the retention job deletes it with expired runs, row by row or before dropping a partition.
     */
    runId: uuid('run_id').notNull(),
    flowId: uuid('flow_id').notNull(),
    nodeId: text('node_id').notNull(),
    access: text('access').$type<'read' | 'write'>().notNull(),
    connectionId: text('connection_id').notNull(),
    objectType: text('object_type').notNull(),
    /** The record's id in that system, when known (empty otherwise). */
    externalId: text('external_id').notNull().default(''),
    /** The shared record key, when known (empty otherwise). */
    recordKey: text('record_key').notNull().default(''),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('record_lineage_once').on(t.runId, t.nodeId, t.access, t.connectionId, t.objectType, t.externalId, t.recordKey),
    index('record_lineage_external_idx').on(t.workspaceId, t.externalId),
    index('record_lineage_key_idx').on(t.workspaceId, t.recordKey),
  ],
);
