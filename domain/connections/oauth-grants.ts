/**
 * The stored OAuth2 grants of connections (what "Connect" produced): tokens encrypted at rest with the
 * connection secrets' key ring, the addresses the grant is bound to, and its status ("connected" or
 * "reconnect needed"). Refreshes of one grant are serialised across processes by a transaction-scoped
 * advisory lock, so two workers never spend the same rotating refresh token (the second would be
 * refused, and the grant wrongly taken for revoked).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { oauthGrants, type OAuthGrantStatus } from '../../db/schema';
import { decryptSecret, encryptSecret, keyRingFromEnv, type KeyRing } from './secret-box';

export interface GrantTokens {
  readonly accessToken: string;
  /** Empty when the provider gave none: the grant then lasts as long as its access token. */
  readonly refreshToken: string;
  readonly obtainedAt: number;
  readonly expiresAt: number;
  /** The account's own API address when the token endpoint names one (Salesforce's `instance_url`). */
  readonly instanceUrl?: string;
}

export interface StoredGrant {
  readonly status: OAuthGrantStatus;
  readonly reason: string | null;
  readonly tokens: GrantTokens | null;
  readonly tokenUrl: string;
  readonly resourceBaseUrl: string;
}

export type GrantWrite =
  | { readonly status: 'connected'; readonly tokens: GrantTokens; readonly tokenUrl: string; readonly resourceBaseUrl: string; readonly connectedBy?: string }
  | { readonly status: 'reconnect_needed'; readonly reason: string };

/** One connection's grant, for the code that signs requests (bound to the connection's workspace). */
export interface GrantStore {
  /**
   * Runs `step` with the current grant while no other process runs a step for it; the `write` it
   * returns is committed before its `result` is handed back (also when the result is an error to throw).
   */
  locked<T>(step: (grant: StoredGrant | null) => Promise<{ write?: GrantWrite; result: T }>): Promise<T>;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

function decode(row: typeof oauthGrants.$inferSelect, ring: KeyRing): StoredGrant {
  return {
    status: row.status,
    reason: row.statusReason,
    tokens: row.tokensCiphertext ? (JSON.parse(decryptSecret(row.tokensCiphertext, ring)) as GrantTokens) : null,
    tokenUrl: row.tokenUrl,
    resourceBaseUrl: row.resourceBaseUrl,
  };
}

/** Writes a grant (insert or replace); the tokens are encrypted, never stored in clear. */
export async function writeGrant(tx: Db | Tx, scope: { workspaceId: string; connectionId: string }, write: GrantWrite, ring: KeyRing = keyRingFromEnv()): Promise<void> {
  const now = new Date();
  if (write.status === 'reconnect_needed') {
    await tx
      .update(oauthGrants)
      .set({ status: 'reconnect_needed', statusReason: write.reason, tokensCiphertext: null, accessTokenExpiresAt: null, updatedAt: now })
      .where(and(eq(oauthGrants.connectionId, scope.connectionId), eq(oauthGrants.workspaceId, scope.workspaceId)));
    return;
  }
  const values = {
    status: 'connected' as const,
    statusReason: null,
    tokensCiphertext: encryptSecret(JSON.stringify(write.tokens), ring),
    accessTokenExpiresAt: new Date(write.tokens.expiresAt),
    tokenUrl: write.tokenUrl,
    resourceBaseUrl: write.resourceBaseUrl,
    updatedAt: now,
  };
  const connected = write.connectedBy ? { connectedAt: now, connectedBy: write.connectedBy } : {};
  await tx
    .insert(oauthGrants)
    .values({ connectionId: scope.connectionId, workspaceId: scope.workspaceId, ...values, ...connected })
    .onConflictDoUpdate({ target: oauthGrants.connectionId, set: { ...values, ...connected } });
}

export function grantStoreFor(db: Db, scope: { workspaceId: string; connectionId: string }, ring: KeyRing = keyRingFromEnv()): GrantStore {
  return {
    locked: (step) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`oauth-grant:${scope.connectionId}`}, 0))`);
        const [row] = await tx
          .select()
          .from(oauthGrants)
          .where(and(eq(oauthGrants.connectionId, scope.connectionId), eq(oauthGrants.workspaceId, scope.workspaceId)));
        const outcome = await step(row ? decode(row, ring) : null);
        if (outcome.write) await writeGrant(tx, scope, outcome.write, ring);
        return outcome.result;
      }),
  };
}

/** What the Connections page shows of each connection's sign-in (never a token). */
export interface SignInStatus {
  readonly status: OAuthGrantStatus;
  readonly reason: string | null;
  readonly connectedAt: Date;
}

export async function signInStatuses(db: Db, workspaceId: string): Promise<Map<string, SignInStatus>> {
  const rows = await db
    .select({ connectionId: oauthGrants.connectionId, status: oauthGrants.status, reason: oauthGrants.statusReason, connectedAt: oauthGrants.connectedAt })
    .from(oauthGrants)
    .where(eq(oauthGrants.workspaceId, workspaceId));
  return new Map(rows.map((r) => [r.connectionId, { status: r.status, reason: r.reason, connectedAt: r.connectedAt }]));
}

/** Forgets a connection's grant (a refresh token typed into its secret replaces it). */
export async function dropGrant(tx: Db | Tx, scope: { workspaceId: string; connectionId: string }): Promise<void> {
  await tx.delete(oauthGrants).where(and(eq(oauthGrants.connectionId, scope.connectionId), eq(oauthGrants.workspaceId, scope.workspaceId)));
}
