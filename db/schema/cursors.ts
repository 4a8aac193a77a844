import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { flows } from './flows';
import { workspaces } from './workspaces';

/**
 * The change-detection position of a poll trigger: the newest modified-at seen
 * plus the ids seen at exactly that instant (so records sharing a timestamp
 * across a page boundary are neither skipped nor repeated). Keyed by flow and
 * trigger node, so it survives republishing; advanced only after a page has
 * been processed.
 */
export const pollCursors = pgTable(
  'poll_cursors',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    modifiedAt: timestamp('modified_at', { withTimezone: true, precision: 6 }),
    idsAtModifiedAt: text('ids_at_modified_at').array().notNull().default([]),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.nodeId] })],
);
