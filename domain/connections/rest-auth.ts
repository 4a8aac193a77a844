/**
 * Authentication headers for REST connections. OAuth2 client-credentials tokens are cached per
 * connection and secret version (in this process only: a token is a secret and is not stored) and
 * refreshed PROACTIVELY once less than a fifth of their lifetime (at most 5 minutes) is left, so a
 * request never starts with a token about to expire. Concurrent callers share one refresh.
 */
import { HttpFailure, explainStatus, sendHttp } from './http-client';
import type { RestSettings } from './kinds';
import type { ResolvedConnection } from './resolve';

interface CachedToken {
  readonly accessToken: string;
  readonly expiresAt: number;
  readonly refreshAt: number;
}

const tokens = new Map<string, CachedToken>();
const inflight = new Map<string, Promise<CachedToken>>();

/** Counts token requests (tests and metrics). */
export const oauthStats = { tokenRequests: 0 };

export async function authHeaders(connection: ResolvedConnection, now: () => number = Date.now): Promise<Record<string, string>> {
  const auth = (connection.settings as RestSettings).auth;
  const secret = connection.secret ?? '';
  switch (auth.type) {
    case 'none':
      return {};
    case 'apiKey':
      return { [auth.headerName]: secret };
    case 'bearer':
      return { authorization: `Bearer ${secret}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${secret}`).toString('base64')}` };
    case 'oauth2':
      return { authorization: `Bearer ${(await oauthToken(connection, now)).accessToken}` };
    default: {
      const never: never = auth;
      throw new Error(`unknown auth type ${String(never)}`);
    }
  }
}

/** Forgets a connection's cached token (after a 401, or when its secret changes). */
export function forgetToken(connection: ResolvedConnection): void {
  tokens.delete(connection.secretVersion);
}

async function oauthToken(connection: ResolvedConnection, now: () => number): Promise<CachedToken> {
  const key = connection.secretVersion;
  const cached = tokens.get(key);
  if (cached && now() < cached.refreshAt) return cached;
  let pending = inflight.get(key);
  if (!pending) {
    pending = fetchToken(connection, now).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  try {
    const token = await pending;
    tokens.set(key, token);
    return token;
  } catch (error) {
    // A still-valid token beats a failed refresh: use it until it really expires.
    if (cached && now() < cached.expiresAt) return cached;
    throw error;
  }
}

async function fetchToken(connection: ResolvedConnection, now: () => number): Promise<CachedToken> {
  const auth = (connection.settings as RestSettings).auth;
  if (auth.type !== 'oauth2') throw new Error('not an OAuth2 connection');
  oauthStats.tokenRequests += 1;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scope) form.set('scope', auth.scope);
  const started = now();
  const response = await sendHttp({
    method: 'POST',
    url: auth.tokenUrl,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(connection.secret ?? '')}`).toString('base64')}`,
    },
    body: form,
    allowPrivateNetwork: connection.allowPrivateNetwork,
    timeoutMs: 15_000,
  });
  const body = response.body as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
  if (response.status < 200 || response.status >= 300 || typeof body?.access_token !== 'string') {
    const detail = typeof body?.error === 'string' ? ` (${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''})` : '';
    throw new HttpFailure(`The OAuth2 token endpoint refused the client credentials: ${explainStatus(response.status)}${detail}`, response.status >= 500);
  }
  const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
  const margin = Math.min(lifetimeMs / 5, 5 * 60_000);
  return { accessToken: body.access_token, expiresAt: started + lifetimeMs, refreshAt: started + lifetimeMs - margin };
}
