import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { workspaces } from './workspaces';

export const BULK_JOB_STATUSES = ['running', 'paused', 'cancelled', 'completed', 'failed', 'rolling-back', 'rolled-back'] as const;
export type BulkJobStatus = (typeof BULK_JOB_STATUSES)[number];

/** Any object pair of a bulk job (checked and applied by domain/bulk/bulk-spec.ts). */
export interface BulkSpec {
  /** Object (REST path, table, declared object) read from the source connection. */
  readonly sourceObject: string;
  /** Id and modified-at fields of the source records (declared connectors name their own). */
  readonly sourceIdField: string;
  readonly sourceModifiedField: string;
  /** Object written in the target connection. */
  readonly targetObject: string;
  /** Target field <- source field; only these target fields are written. */
  readonly fields: readonly { readonly target: string; readonly source: string }[];
  /** Target field that identifies the same real-world record (it must be one of the mapped fields). */
  readonly matchBy: string;
}

/**
 * A bulk load of one object from a source connection into a target connection (initial load, full
 * re-sync), and its checkpoint: the source cursor and the counts after the last page that was
 * written completely. The worker advances it after every page, so a load resumes from here after a
 * crash; `control` is how the web app asks the running load to pause or cancel between two pages.
 */
export const bulkJobs = pgTable(
  'bulk_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** What is loaded: a key of the object-pair catalog (`contacts`), or the label of `spec`. */
    object: text('object').notNull(),
    /** Any object pair: source and target objects, field map and natural key; null for a catalog pair. */
    spec: jsonb('spec').$type<BulkSpec>(),
    sourceConnectionId: uuid('source_connection_id').notNull(),
    targetConnectionId: uuid('target_connection_id').notNull(),
    /** `load` (started by hand) or `resync` (part of a full re-sync of the workspace). */
    reason: text('reason').notNull().default('load'),
    status: text('status').$type<BulkJobStatus>().notNull().default('running'),
    /** Asked by the web app, honoured by the worker between pages: `pause` or `cancel`. */
    control: text('control').$type<'pause' | 'cancel'>(),
    workflowId: text('workflow_id').notNull(),
    /** Opaque position of the next source page; null = from the start (or finished). */
    cursor: text('cursor'),
    /** Source records when the load started, when the source can count them (progress and ETA). */
    total: integer('total'),
    processed: integer('processed').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    /** Target records found by the natural key (e.g. email) rather than through a mapping. */
    matched: integer('matched').notNull().default(0),
    /** Source records not written (e.g. a second source record with the same natural key). */
    skipped: integer('skipped').notNull().default(0),
    /** Milliseconds spent loading, summed over pages (pauses excluded): records per second and ETA. */
    activeMs: integer('active_ms').notNull().default(0),
    error: text('error'),
    rolledBack: integer('rolled_back').notNull().default(0),
    startedBy: text('started_by').references(() => users.id, { onDelete: 'set null' }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('bulk_jobs_workspace_started_idx').on(t.workspaceId, t.startedAt)],
);

/**
 * The target records a bulk job CREATED (not those it matched or updated): exactly what a roll-back
 * deletes. Written in the same page as the mappings; the primary key makes a re-written page
 * idempotent.
 */
export const bulkJobCreatedRecords = pgTable(
  'bulk_job_created_records',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => bulkJobs.id, { onDelete: 'cascade' }),
    targetId: text('target_id').notNull(),
    sourceId: text('source_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.targetId] })],
);
