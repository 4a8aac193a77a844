import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { connections } from './connections';
import { workspaces } from './workspaces';

export const OAUTH_GRANT_STATUS_VALUES = ['connected', 'reconnect_needed'] as const;
export type OAuthGrantStatus = (typeof OAUTH_GRANT_STATUS_VALUES)[number];

/**
 * What an OAuth2 sign-in ("Connect") produced for a connection: its tokens, encrypted as ONE
 * AES-256-GCM blob like connection secrets (`tokensCiphertext`: access token, refresh token; null once
 * the grant was revoked), and the two addresses the grant is bound to. Tokens are only ever sent to
 * `tokenUrl` (refresh) and under `resourceBaseUrl` (API calls): a connection whose settings now point
 * elsewhere must be reconnected. A rotated refresh token is written here, so a restart keeps working.
 */
export const oauthGrants = pgTable('oauth_grants', {
  connectionId: uuid('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  workspaceId: uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  status: text('status').$type<OAuthGrantStatus>().notNull(),
  /** Why a reconnect is needed, in the user's words. */
  statusReason: text('status_reason'),
  tokensCiphertext: text('tokens_ciphertext'),
  accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
  tokenUrl: text('token_url').notNull(),
  resourceBaseUrl: text('resource_base_url').notNull(),
  connectedAt: timestamp('connected_at', { withTimezone: true }).notNull().defaultNow(),
  connectedBy: text('connected_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A sign-in under way: the authorize page was opened, the callback has not come back yet. Found by
 * the SHA-256 of its `state` (the state itself only travels through the browser), used once, and
 * valid for a few minutes. It names the workspace, connection and user explicitly; the PKCE
 * verifier is encrypted.
 */
export const oauthSignIns = pgTable(
  'oauth_sign_ins',
  {
    stateHash: text('state_hash').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    verifierCiphertext: text('verifier_ciphertext').notNull(),
    redirectUri: text('redirect_uri').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('oauth_sign_ins_expires_idx').on(t.expiresAt)],
);
