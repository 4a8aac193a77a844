import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { workspaces } from './workspaces';

export const FLOW_STATUSES = ['draft', 'active', 'paused'] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];
export const flowStatusEnum = pgEnum('flow_status', FLOW_STATUSES);

/**
 * A flow: one editable draft (`draft`, autosaved, may be invalid) plus its
 * immutable published versions in `flow_versions`. `draftRevision` increments
 * on every save so two editors cannot overwrite each other unknowingly.
 */
export const flows = pgTable(
  'flows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    status: flowStatusEnum('status').notNull().default('draft'),
    draft: jsonb('draft').$type<unknown>().notNull(),
    draftRevision: integer('draft_revision').notNull().default(1),
    /** The published version that new runs execute, once activated. */
    activeVersionId: uuid('active_version_id'),
    /** Secret part of the webhook URL: unguessable, rotatable. */
    webhookToken: text('webhook_token').notNull(),
    /** Runs of this flow record counts and errors only: no step samples, no trigger payload. */
    neverStoreItemData: boolean('never_store_item_data').notNull().default(false),
    /**
     * The editor's last test run of the draft (trace with bounded samples, see app/_server/flows/test-run.ts),
     * so test results survive a reload. Not kept for flows that never store item data.
     */
    lastTestRun: jsonb('last_test_run').$type<unknown>(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [index('flows_workspace_idx').on(t.workspaceId, t.updatedAt), unique('flows_webhook_token_key').on(t.webhookToken)],
);

export const flowVersions = pgTable(
  'flow_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    graph: jsonb('graph').$type<unknown>().notNull(),
    note: text('note').notNull().default(''),
    publishedBy: text('published_by').references(() => users.id, { onDelete: 'set null' }),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('flow_versions_flow_version_key').on(t.flowId, t.version)],
);
