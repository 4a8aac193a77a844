import { sql } from 'drizzle-orm';
import { bigserial, foreignKey, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { flows, flowVersions } from './flows';
import { workspaces } from './workspaces';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const runStatusEnum = pgEnum('run_status', RUN_STATUSES);

export const ERROR_CATEGORIES = ['user', 'transient', 'unexpected'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/**
 * What a finished run did to its record, in an analyst's words (computed once from the step traces
 * when the run finishes, see domain/runs/run-outcome.ts): a run that succeeded may still have written
 * nothing. Null while a run is queued or running, when it was cancelled, and for runs recorded
 * before outcomes existed.
 */
export const RUN_OUTCOMES = ['written', 'unchanged', 'filtered', 'echo', 'failed'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export interface RunError {
  message: string;
  category: ErrorCategory;
  nodeId?: string;
  field?: string;
}

/**
 * The inbox of the transactional outbox pattern: an accepted trigger event is
 * stored here in the same transaction that answers 202, then relayed to
 * Temporal. Partitioned by `received_at` like runs by `created_at` (an event and
 * its run share id and time). A repeated delivery is recognised by
 * `inbox_dedupe_keys` and never makes a second run.
 */
export const inboxEvents = pgTable(
  'inbox_events',
  {
    id: uuid('id').notNull().defaultRandom(),
    /** Arrival order, used to keep runs of one record key in order. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    dedupeKey: text('dedupe_key').notNull(),
    /** Events with the same key run one at a time, in arrival order (null: no ordering). */
    orderingKey: text('ordering_key'),
    source: text('source').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set once the relay has started the run in Temporal; pending events have none. */
    relayedAt: timestamp('relayed_at', { withTimezone: true }),
    runId: uuid('run_id'),
    relayAttempts: integer('relay_attempts').notNull().default(0),
    lastRelayError: text('last_relay_error'),
  },
  (t) => [
    primaryKey({ name: 'inbox_events_pkey', columns: [t.id, t.receivedAt] }),
    // Not unique: a partitioned table's unique keys must include the partition key. inbox_dedupe_keys
    // (below) is the one place where (flow_id, dedupe_key) is unique.
    index('inbox_events_flow_dedupe_idx').on(t.flowId, t.dedupeKey),
    index('inbox_events_pending_idx').on(t.seq).where(sql`relayed_at is null`),
    index('inbox_events_pending_key_idx').on(t.flowId, t.orderingKey, t.seq).where(sql`relayed_at is null`),
  ],
);

/**
 * One row per (flow, dedupe key) ever accepted into the inbox (until retention): the unique key that
 * `inbox_events` cannot hold once partitioned by time, since a repeat may arrive in a later partition.
 * Narrow (no payload), written in the same statement as its event (domain/inbox/enqueue.ts), deleted with
 * it: by the row clean-up, or by received_at when its partition is dropped.
 */
export const inboxDedupeKeys = pgTable(
  'inbox_dedupe_keys',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    dedupeKey: text('dedupe_key').notNull(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The event first accepted with this key: a repeat answers with its id. */
    eventId: uuid('event_id').notNull(),
    /** = that event's received_at. */
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ name: 'inbox_dedupe_keys_pkey', columns: [t.flowId, t.dedupeKey] }), index('inbox_dedupe_keys_received_idx').on(t.receivedAt)],
);

/**
 * Run history is partitioned by time (PostgreSQL declarative RANGE partitioning, which drizzle cannot
 * declare: db/migrations/0014_partition_run_history.sql converts the tables, and
 * domain/retention/history-partitions.ts creates partitions ahead and drops expired ones). `runs` is
 * partitioned on `created_at`, `run_steps` on their run's `created_at` (`run_created_at`), so a run and
 * its steps always sit in partitions with the same bounds. PostgreSQL requires the partition key in
 * every primary key and unique constraint; a run id alone still finds its run through the primary key
 * index of each partition (its leading column).
 */
export const runs = pgTable(
  'runs',
  {
    id: uuid('id').notNull().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    flowVersionId: uuid('flow_version_id')
      .notNull()
      .references(() => flowVersions.id),
    version: integer('version').notNull(),
    status: runStatusEnum('status').notNull().default('queued'),
    trigger: text('trigger').notNull(),
    eventId: uuid('event_id'),
    orderingKey: text('ordering_key'),
    workflowId: text('workflow_id').notNull(),
    /** A retry of another run points at it. */
    retryOf: uuid('retry_of'),
    itemsIn: integer('items_in').notNull().default(0),
    itemsOut: integer('items_out').notNull().default(0),
    itemsSkipped: integer('items_skipped').notNull().default(0),
    error: jsonb('error').$type<RunError>(),
    outcome: text('outcome').$type<RunOutcome>(),
    triggerPayload: jsonb('trigger_payload').$type<unknown>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  // The run list walks one of the four (…, created_at desc, id desc) indexes and stops after a page, so
  // any page costs the same at any depth. `nullsFirst()` matters: it is what a plain `order by … desc`
  // means, and an index built `desc nulls last` (drizzle's default) cannot serve that order.
  (t) => [
    primaryKey({ name: 'runs_pkey', columns: [t.id, t.createdAt] }),
    index('runs_workspace_created_idx').on(t.workspaceId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('runs_flow_created_idx').on(t.flowId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('runs_workspace_status_created_idx').on(t.workspaceId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('runs_flow_status_created_idx').on(t.flowId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // The outcome filter of the run list (same shape as the status index above).
    index('runs_workspace_outcome_created_idx').on(t.workspaceId, t.outcome, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('runs_retry_of_idx').on(t.retryOf).where(sql`retry_of is not null`),
    // Text search (`ilike '%…%'`) in the error message and the record key: trigram indexes (pg_trgm).
    index('runs_error_message_trgm_idx').using('gin', sql`(error ->> 'message') gin_trgm_ops`),
    index('runs_ordering_key_trgm_idx').using('gin', sql`ordering_key gin_trgm_ops`),
    // Finished runs by time, covering what the hourly rollup of the dashboard reads (index-only scans).
    index('runs_workspace_finished_idx').on(t.workspaceId, t.finishedAt, t.flowId, t.status, t.startedAt, t.createdAt).where(sql`finished_at is not null`),
    index('runs_active_key_idx').on(t.flowId, t.orderingKey).where(sql`status in ('queued', 'running')`),
  ],
);

export interface StepSample {
  /** The first items only: samples are bounded so run history stays small. */
  items: unknown[];
  total: number;
}

export const runSteps = pgTable(
  'run_steps',
  {
    id: uuid('id').notNull().defaultRandom(),
    runId: uuid('run_id').notNull(),
    /** The run's `created_at`: the partition key, and with `run_id` the reference to the run. */
    runCreatedAt: timestamp('run_created_at', { withTimezone: true }).notNull(),
    nodeId: text('node_id').notNull(),
    nodeType: text('node_type').notNull(),
    status: runStatusEnum('status').notNull(),
    attempts: integer('attempts').notNull().default(1),
    itemsIn: integer('items_in').notNull().default(0),
    itemsOut: jsonb('items_out').$type<Record<string, number>>().notNull().default({}),
    input: jsonb('input').$type<StepSample>(),
    output: jsonb('output').$type<Record<string, StepSample>>(),
    skipped: jsonb('skipped').$type<{ item: unknown; reason: string }[]>(),
    error: jsonb('error').$type<RunError>(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /**
     * While a step is being retried (status `running`): the retry policy's attempt limit (0: no
     * limit) and when the next attempt is due. Written by the effect activity when an attempt fails.
     */
    maxAttempts: integer('max_attempts'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ name: 'run_steps_pkey', columns: [t.id, t.runCreatedAt] }),
    // One row per (run, node): `run_created_at` follows from `run_id`, so this is that same rule.
    unique('run_steps_run_node_key').on(t.runId, t.nodeId, t.runCreatedAt),
    foreignKey({ name: 'run_steps_run_fk', columns: [t.runId, t.runCreatedAt], foreignColumns: [runs.id, runs.createdAt] }).onDelete('cascade'),
  ],
);
