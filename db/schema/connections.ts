import { boolean, index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { workspaces } from './workspaces';

/** The connection kinds (mirrors `nodes/connection-field.ts`, which db/ must not import). */
export const CONNECTION_KIND_VALUES = ['rest', 'postgres', 'webhook', 'demo-crm', 'demo-helpdesk', 'connector', 'mysql'] as const;
export type ConnectionKindValue = (typeof CONNECTION_KIND_VALUES)[number];

/**
 * An integration account: a connected system, its non-secret settings (`config`, validated by the
 * zod schema of its kind in app/_server/connections) and its secrets, encrypted as ONE AES-256-GCM
 * blob (`secretCiphertext`, prefixed with the key id so rotation can tell old from new). Nothing
 * secret ever lives in `config`: a PostgreSQL URL, which embeds a password, is a secret too.
 */
export const connections = pgTable(
  'connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind').$type<ConnectionKindValue>().notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    secretCiphertext: text('secret_ciphertext'),
    secretUpdatedAt: timestamp('secret_updated_at', { withTimezone: true }),
    /** The user/account id the integration acts as in that system (loop prevention). */
    integrationIdentity: text('integration_identity').notNull().default(''),
    owner: text('owner').notNull().default(''),
    description: text('description').notNull().default(''),
    scopes: text('scopes').array().notNull().default([]),
    credentialExpiresAt: timestamp('credential_expires_at', { withTimezone: true }),
    /** Admin opt-in: requests may go to private and loopback addresses. */
    allowPrivateNetwork: boolean('allow_private_network').notNull().default(false),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    lastCheckOk: boolean('last_check_ok'),
    lastCheckError: text('last_check_error'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('connections_workspace_name_key').on(t.workspaceId, t.name), index('connections_checked_idx').on(t.lastCheckedAt)],
);
