/**
 * Signs a declared connector's requests. OAuth2 access tokens are refreshed a fifth of their lifetime
 * early (at most five minutes) and fetched again once after a 401.
 *
 * - Client credentials: tokens are cached per connection and secret version in this process only.
 * - Authorization code ("Connect"): the grant is stored encrypted (`connections/oauth-grants.ts`);
 *   this process keeps the access token in memory too. A refresh runs under the grant's lock and
 *   writes the new tokens (a rotated refresh token included) before they are used, so another worker
 *   or a restart carries on with them. `invalid_grant` marks the connection "reconnect needed" and
 *   fails the step with a UserError naming it. The tokens are only sent to the token endpoint and the
 *   API base URL the grant was obtained for: if the connection's settings now name other addresses,
 *   nothing is sent and the connection must be reconnected.
 * A token is a secret: never logged, never returned to the browser, never put in workflow history.
 */
import { UserError } from '../../../flows-engine/index';
import type { GrantTokens, GrantWrite, StoredGrant } from '../../connections/oauth-grants';
import type { ResolvedConnection } from '../../connections/resolve';
import type { AuthDeclaration } from './define-connector';
import { endpointsOf, GrantRevokedError, refreshAtOf, requestToken, storedSecretOf, type AuthorizationCodeAuth, type OAuthEndpoints, type TokenAuth } from './oauth-client';
import { renderText, type TemplateValues } from './templates';

export interface SignedParts {
  readonly headers: Record<string, string>;
  readonly query: Record<string, string>;
  /** The account's own base URL when the token endpoint names one (Salesforce's `instance_url`). */
  readonly instanceUrl?: string;
}

interface CachedToken {
  readonly accessToken: string;
  readonly refreshAt: number;
  readonly instanceUrl?: string;
  /** Authorization code: the addresses the grant is bound to. */
  readonly endpoints?: Pick<OAuthEndpoints, 'tokenUrl' | 'resourceBaseUrl'>;
}

/** Keyed by secret version (client credentials) or connection id (authorization code). */
const tokens = new Map<string, CachedToken>();
const inflight = new Map<string, Promise<CachedToken>>();
/** Access tokens an API refused (401) per connection: a refresh must not hand them out again. */
const rejected = new Map<string, string>();

const cacheKey = (connection: ResolvedConnection, auth: TokenAuth) => (auth.type === 'oauth2AuthorizationCode' ? `grant:${connection.id}` : connection.secretVersion);

/** Forgets this process's cached token ("Test connection" proves the credentials work now). */
export function forgetConnectorToken(connection: ResolvedConnection): void {
  tokens.delete(connection.secretVersion);
  tokens.delete(`grant:${connection.id}`);
}

/** The API refused the token (401): the next request gets a fresh one, never this one again. */
export function rejectConnectorToken(connection: ResolvedConnection): void {
  const cached = tokens.get(`grant:${connection.id}`);
  if (cached) rejected.set(connection.id, cached.accessToken);
  forgetConnectorToken(connection);
}

export async function signRequest(connection: ResolvedConnection, auth: AuthDeclaration, values: TemplateValues, connectorLabel: string, now: () => number = Date.now): Promise<SignedParts> {
  const secret = connection.secret ?? '';
  switch (auth.type) {
    case 'none':
      return { headers: {}, query: {} };
    case 'apiKey':
      return auth.in === 'header' ? { headers: { [auth.name]: secret }, query: {} } : { headers: {}, query: { [auth.name]: secret } };
    case 'bearer':
      return { headers: { authorization: `Bearer ${secret}` }, query: {} };
    case 'basic': {
      const pair = `${renderText(auth.username, values)}:${renderText(auth.password, values)}`;
      return { headers: { authorization: `Basic ${Buffer.from(pair).toString('base64')}` }, query: {} };
    }
    case 'oauth2ClientCredentials':
    case 'oauth2AuthorizationCode': {
      const token = await cachedToken(connection, auth, values, connectorLabel, now);
      return { headers: { authorization: `Bearer ${token.accessToken}` }, query: {}, ...(token.instanceUrl ? { instanceUrl: token.instanceUrl } : {}) };
    }
    default: {
      const never: never = auth;
      throw new Error(`unknown auth ${String(never)}`);
    }
  }
}

async function cachedToken(connection: ResolvedConnection, auth: TokenAuth, values: TemplateValues, connectorLabel: string, now: () => number): Promise<CachedToken> {
  const key = cacheKey(connection, auth);
  const endpoints = endpointsOf(connection, auth, values);
  const cached = tokens.get(key);
  const sameAddresses = !cached?.endpoints || (cached.endpoints.tokenUrl === endpoints.tokenUrl && cached.endpoints.resourceBaseUrl === endpoints.resourceBaseUrl);
  if (cached && sameAddresses && now() < cached.refreshAt) return cached;
  let pending = inflight.get(key);
  if (!pending) {
    pending = (
      auth.type === 'oauth2AuthorizationCode'
        ? grantToken(connection, auth, values, endpoints, connectorLabel, now)
        : clientCredentialsToken(connection, auth, values, endpoints, connectorLabel, now)
    ).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  const token = await pending;
  tokens.set(key, token);
  return token;
}

async function clientCredentialsToken(connection: ResolvedConnection, auth: TokenAuth, values: TemplateValues, endpoints: OAuthEndpoints, connectorLabel: string, now: () => number): Promise<CachedToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  // Scopes may name the account (Dataverse: `{{baseUrl}}/.default`).
  if (auth.scopes?.length) form.set('scope', renderText(auth.scopes.join(' '), values));
  const started = now();
  const answer = await requestToken(connection, auth, { tokenUrl: endpoints.tokenUrl, values, form, connectorLabel }).catch((error: unknown) => {
    throw error instanceof GrantRevokedError ? new UserError(`${connectorLabel}: the token endpoint refused the connection's credentials: ${error.message}.`, { field: 'connectionId' }) : error;
  });
  return { accessToken: answer.accessToken, refreshAt: refreshAtOf(started, started + answer.expiresIn * 1000), ...(answer.instanceUrl ? { instanceUrl: answer.instanceUrl } : {}) };
}

/** "<label> connection “<name>” needs to be reconnected: <why>." — the words runs and the Connections page show. */
export function reconnectNeeded(connectorLabel: string, connection: { readonly name: string }, why: string): UserError {
  return new UserError(`${connectorLabel} connection “${connection.name}” needs to be reconnected: ${why}. An admin reconnects it on the Connections page.`, { field: 'connectionId' });
}

/**
 * The access token of the connection's stored grant: the stored one while it is fresh and not refused,
 * else a refresh with the stored refresh token (or, before any "Connect", one typed into the secret).
 */
async function grantToken(connection: ResolvedConnection, auth: AuthorizationCodeAuth, values: TemplateValues, endpoints: OAuthEndpoints, connectorLabel: string, now: () => number): Promise<CachedToken> {
  const outcome = await connection.grants.locked(async (grant): Promise<{ write?: GrantWrite; result: GrantTokens | UserError }> => {
    if (grant?.status === 'reconnect_needed') return { result: reconnectNeeded(connectorLabel, connection, grant.reason ?? 'its sign-in was revoked') };
    if (grant?.tokens && (grant.tokenUrl !== endpoints.tokenUrl || grant.resourceBaseUrl !== endpoints.resourceBaseUrl)) {
      const reason = 'its sign-in or API address changed since it was connected, and its tokens are only sent to the addresses they were issued for';
      return { write: { status: 'reconnect_needed', reason }, result: reconnectNeeded(connectorLabel, connection, reason) };
    }
    const stored = grant?.tokens ?? null;
    if (stored && stored.accessToken !== rejected.get(connection.id) && now() < refreshAtOf(stored.obtainedAt, stored.expiresAt)) return { result: stored };
    return refreshGrant(connection, auth, values, endpoints, connectorLabel, now, stored ?? legacyGrant(connection, grant));
  });
  if (outcome instanceof UserError) throw outcome;
  rejected.delete(connection.id);
  return {
    accessToken: outcome.accessToken,
    refreshAt: refreshAtOf(outcome.obtainedAt, outcome.expiresAt),
    endpoints: { tokenUrl: endpoints.tokenUrl, resourceBaseUrl: endpoints.resourceBaseUrl },
    ...(outcome.instanceUrl ? { instanceUrl: outcome.instanceUrl } : {}),
  };
}

/** A refresh token typed into the connection's secret, used while no "Connect" stored a grant. */
function legacyGrant(connection: ResolvedConnection, grant: StoredGrant | null): { refreshToken: string } | null {
  if (grant) return null;
  const { refreshToken } = storedSecretOf(connection);
  return refreshToken ? { refreshToken } : null;
}

async function refreshGrant(
  connection: ResolvedConnection,
  auth: AuthorizationCodeAuth,
  values: TemplateValues,
  endpoints: OAuthEndpoints,
  connectorLabel: string,
  now: () => number,
  current: { refreshToken: string; instanceUrl?: string } | null,
): Promise<{ write?: GrantWrite; result: GrantTokens | UserError }> {
  if (!current) {
    return { result: new UserError(`${connectorLabel} connection “${connection.name}” is not connected yet: an admin clicks Connect on the Connections page.`, { field: 'connectionId' }) };
  }
  if (!current.refreshToken) {
    const reason = 'its access token expired and the provider gave no refresh token';
    return { write: { status: 'reconnect_needed', reason }, result: reconnectNeeded(connectorLabel, connection, reason) };
  }
  const started = now();
  try {
    const answer = await requestToken(connection, auth, {
      tokenUrl: endpoints.tokenUrl,
      values,
      form: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: current.refreshToken }),
      connectorLabel,
    });
    const tokens: GrantTokens = {
      accessToken: answer.accessToken,
      // RFC 6749 §6: a new refresh token replaces the old one, which the provider may now refuse.
      refreshToken: answer.refreshToken ?? current.refreshToken,
      obtainedAt: started,
      expiresAt: started + answer.expiresIn * 1000,
      ...((answer.instanceUrl ?? current.instanceUrl) ? { instanceUrl: answer.instanceUrl ?? current.instanceUrl } : {}),
    };
    return { write: { status: 'connected', tokens, tokenUrl: endpoints.tokenUrl, resourceBaseUrl: endpoints.resourceBaseUrl }, result: tokens };
  } catch (error) {
    if (!(error instanceof GrantRevokedError)) throw error;
    return { write: { status: 'reconnect_needed', reason: error.message }, result: reconnectNeeded(connectorLabel, connection, error.message) };
  }
}
