import { index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './workspaces';

/**
 * The one generic external-ID table: `(workspace, object type, connection,
 * external id) <-> record key`, the record key being the id all systems share
 * for that record. The unique constraints make two concurrent saves unable to
 * create duplicates; rows are also the register of records used to detect
 * hard deletes.
 *
 * `connectionId` stays `text` without a foreign key on purpose: flows and their run snapshots
 * reference connections by id, mapping rows are written by activities, and tests and demo seeds
 * use symbolic ids. Retiring a connection (refused while a flow uses it) deletes its mappings
 * in the same transaction instead.
 */
export const externalIds = pgTable(
  'external_ids',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    objectType: text('object_type').notNull(),
    connectionId: text('connection_id').notNull(),
    externalId: text('external_id').notNull(),
    recordKey: text('record_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    unique('external_ids_by_external_id').on(t.workspaceId, t.objectType, t.connectionId, t.externalId),
    unique('external_ids_by_record_key').on(t.workspaceId, t.objectType, t.connectionId, t.recordKey),
    index('external_ids_record_key_idx').on(t.workspaceId, t.recordKey),
    // "Search by either id" in the mappings UI, without knowing the object type.
    index('external_ids_external_id_idx').on(t.workspaceId, t.externalId),
  ],
);
