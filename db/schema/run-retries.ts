import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { flowVersions } from './flows';
import { workspaces } from './workspaces';

/**
 * A requested retry, queued through the inbox like any other event (its inbox event id is the new
 * run's id) so it respects "one run per ordering key at a time". The relay reads this row to start
 * the run on the chosen version, from the start or from the failed step.
 */
export const runRetries = pgTable(
  'run_retries',
  {
  /** = the new run's id = its inbox event's id. */
  runId: uuid('run_id').primaryKey(),
  workspaceId: uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  /** The run being retried (its stored step outputs are reused from the failed step). */
  retryOf: uuid('retry_of').notNull(),
  /** The first run of the retry chain: idempotency keys derive from it, so no retry repeats an effect. */
  originalRunId: uuid('original_run_id').notNull(),
  flowVersionId: uuid('flow_version_id')
    .notNull()
    .references(() => flowVersions.id),
  from: text('from').$type<'start' | 'failed-step'>().notNull(),
  /** The run's "now": the retried run's own for a retry from the failed step, so pure steps compute the same. */
  acceptedAt: timestamp('accepted_at', { withTimezone: true }).notNull(),
  requestedBy: text('requested_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('run_retries_retry_of_idx').on(t.retryOf)],
);
