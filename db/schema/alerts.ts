import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { flows } from './flows';
import { workspaces } from './workspaces';

/**
 * What an alert rule watches, per flow:
 * - `run_failed`: the flow's latest finished run failed (clears when a later run succeeds);
 * - `failure_count`: at least `threshold` failed runs in the last `windowMinutes`;
 * - `no_success`: an active flow has had no successful run for `windowMinutes`;
 * - `backlog`: more than `threshold` accepted events are waiting to start.
 */
export const ALERT_CONDITIONS = ['run_failed', 'failure_count', 'no_success', 'backlog'] as const;
export type AlertCondition = (typeof ALERT_CONDITIONS)[number];

export const ALERT_EVENTS = ['firing', 'resolved'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A webhook that receives signed JSON alert messages. The signing secret is encrypted (secret box) and never leaves the server. */
export const alertChannels = pgTable(
  'alert_channels',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    url: text('url').notNull(),
    secretCiphertext: text('secret_ciphertext').notNull(),
    /** Off by default, like connections: a webhook URL must not reach into the private network unless an admin says so. */
    allowPrivateNetwork: boolean('allow_private_network').notNull().default(false),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('alert_channels_workspace_name_key').on(t.workspaceId, t.name)],
);

/** A rule for one flow (`flowId`) or for every flow of the workspace (`flowId` null). */
export const alertRules = pgTable(
  'alert_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id').references(() => flows.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    condition: text('condition').$type<AlertCondition>().notNull(),
    /** N of "N failures in M minutes", B of "backlog above B"; unused otherwise. */
    threshold: integer('threshold').notNull().default(1),
    /** M of "N failures in M minutes", T of "no successful run in T"; unused otherwise. */
    windowMinutes: integer('window_minutes').notNull().default(60),
    notifyInApp: boolean('notify_in_app').notNull().default(true),
    enabled: boolean('enabled').notNull().default(true),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('alert_rules_workspace_idx').on(t.workspaceId)],
);

export const alertRuleChannels = pgTable(
  'alert_rule_channels',
  {
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => alertChannels.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.channelId] })],
);

/**
 * One incident per rule and flow while its condition holds: the partial unique index makes a
 * second "firing" impossible, even with several workers evaluating at once.
 */
export const alertIncidents = pgTable(
  'alert_incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    summary: text('summary').notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('alert_incidents_open_key').on(t.ruleId, t.flowId).where(sql`resolved_at is null`),
    index('alert_incidents_workspace_fired_idx').on(t.workspaceId, t.firedAt.desc()),
  ],
);

/** One message of an incident to one webhook channel, retried with backoff until delivered or given up. */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => alertIncidents.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => alertChannels.id, { onDelete: 'cascade' }),
    event: text('event').$type<AlertEvent>().notNull(),
    /** The exact JSON body, fixed when the incident changed state. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('alert_deliveries_once_key').on(t.incidentId, t.channelId, t.event),
    index('alert_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('alert_deliveries_workspace_idx').on(t.workspaceId, t.createdAt.desc()),
  ],
);

/** In-app notifications (the bell), one per incident state change; read state is per user. */
export const alertNotifications = pgTable(
  'alert_notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => alertIncidents.id, { onDelete: 'cascade' }),
    flowId: uuid('flow_id').references(() => flows.id, { onDelete: 'cascade' }),
    event: text('event').$type<AlertEvent>().notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('alert_notifications_once_key').on(t.incidentId, t.event), index('alert_notifications_workspace_idx').on(t.workspaceId, t.createdAt.desc())],
);

export const alertNotificationReads = pgTable(
  'alert_notification_reads',
  {
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => alertNotifications.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.notificationId, t.userId] })],
);
