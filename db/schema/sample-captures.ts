import { bigint, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { flows } from './flows';
import { workspaces } from './workspaces';

/**
 * "Capture a live sample" of a webhook trigger: while a row is open (not expired), the next delivery to
 * the flow's URL becomes the editor's sample. A flow that runs (active or paused) stores the delivery
 * in the inbox as always and the editor takes the first event after `afterSeq`; a flow without a live
 * hook (a draft) keeps the body here instead of refusing it, and it never runs. One row per flow; the
 * row (and its payload) is deleted as soon as the editor has taken the sample, cancelled or expired.
 */
export const sampleCaptures = pgTable('sample_captures', {
  flowId: uuid('flow_id')
    .primaryKey()
    .references(() => flows.id, { onDelete: 'cascade' }),
  workspaceId: uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  openedBy: text('opened_by').references(() => users.id, { onDelete: 'set null' }),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /** The flow's last inbox event when the capture opened: a later one is the sample. */
  afterSeq: bigint('after_seq', { mode: 'number' }).notNull(),
  /** The delivery a draft flow received while listening (JSON as accepted by the intake). */
  payload: jsonb('payload').$type<unknown>(),
  capturedAt: timestamp('captured_at', { withTimezone: true }),
});
