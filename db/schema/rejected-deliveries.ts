import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { flows } from './flows';
import { workspaces } from './workspaces';

/**
 * Webhook deliveries the intake refused (bad JSON, bad or missing signature, too large, flow not
 * active), so a flow's owner can see why a sender's events never became runs. Reason and time only:
 * the refused body is never stored. Bounded per flow by `recordRejectedDelivery`
 * (domain/inbox/rejected-deliveries.ts).
 */
export const rejectedDeliveries = pgTable(
  'rejected_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    /** The HTTP status the sender got (400, 401, 409, 413, 503). */
    status: integer('status').notNull(),
    /** The message the sender got, in words. */
    reason: text('reason').notNull(),
    /** Size of the refused body in bytes (null when it was too large to read). */
    bodyBytes: integer('body_bytes'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('rejected_deliveries_flow_idx').on(t.flowId, t.receivedAt.desc().nullsFirst())],
);
