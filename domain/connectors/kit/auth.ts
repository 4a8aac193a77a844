/**
 * Signs a declared connector's requests. OAuth2 access tokens (client credentials, or refresh
 * tokens of an authorization-code grant) are cached per connection and secret version in this
 * process only (a token is a secret: never stored, never logged), refreshed a fifth of their
 * lifetime early, and forgotten after a 401 so the next attempt gets a fresh one.
 */
import { UserError } from '../../../flows-engine/index';
import { HttpFailure, explainStatus, sendHttp } from '../../connections/http-client';
import type { ResolvedConnection } from '../../connections/resolve';
import type { AuthDeclaration } from './define-connector';
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
}

const tokens = new Map<string, CachedToken>();
const inflight = new Map<string, Promise<CachedToken>>();

export function forgetConnectorToken(connection: ResolvedConnection): void {
  tokens.delete(connection.secretVersion);
}

export async function signRequest(connection: ResolvedConnection, auth: AuthDeclaration, values: TemplateValues, connectorLabel: string): Promise<SignedParts> {
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
      const token = await cachedToken(connection, auth, values, connectorLabel);
      return { headers: { authorization: `Bearer ${token.accessToken}` }, query: {}, ...(token.instanceUrl ? { instanceUrl: token.instanceUrl } : {}) };
    }
    default: {
      const never: never = auth;
      throw new Error(`unknown auth ${String(never)}`);
    }
  }
}

async function cachedToken(connection: ResolvedConnection, auth: Extract<AuthDeclaration, { tokenUrl: string }>, values: TemplateValues, connectorLabel: string): Promise<CachedToken> {
  const key = connection.secretVersion;
  const cached = tokens.get(key);
  if (cached && Date.now() < cached.refreshAt) return cached;
  let pending = inflight.get(key);
  if (!pending) {
    pending = fetchToken(connection, auth, values, connectorLabel).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  const token = await pending;
  tokens.set(key, token);
  return token;
}

function grantOf(connection: ResolvedConnection, auth: Extract<AuthDeclaration, { tokenUrl: string }>, connectorLabel: string, values: TemplateValues): URLSearchParams {
  if (auth.type === 'oauth2ClientCredentials') {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    // Scopes may name the account (Dataverse: `{{baseUrl}}/.default`).
    if (auth.scopes?.length) form.set('scope', renderText(auth.scopes.join(' '), values));
    return form;
  }
  let stored: { refreshToken?: unknown };
  try {
    stored = JSON.parse(connection.secret ?? '') as { refreshToken?: unknown };
  } catch {
    throw new UserError(`${connectorLabel} connection “${connection.name}” is not signed in yet: connect it again.`, { field: 'connectionId' });
  }
  if (typeof stored.refreshToken !== 'string') throw new UserError(`${connectorLabel} connection “${connection.name}” has no refresh token: connect it again.`, { field: 'connectionId' });
  return new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stored.refreshToken });
}

function clientSecretOf(connection: ResolvedConnection, auth: Extract<AuthDeclaration, { tokenUrl: string }>): string {
  if (auth.type === 'oauth2ClientCredentials') return connection.secret ?? '';
  try {
    const stored = JSON.parse(connection.secret ?? '') as { clientSecret?: unknown };
    return typeof stored.clientSecret === 'string' ? stored.clientSecret : '';
  } catch {
    return '';
  }
}

async function fetchToken(connection: ResolvedConnection, auth: Extract<AuthDeclaration, { tokenUrl: string }>, values: TemplateValues, connectorLabel: string): Promise<CachedToken> {
  const clientId = String((values.params as Record<string, string> | undefined)?.[auth.clientIdParam] ?? '');
  const form = grantOf(connection, auth, connectorLabel, values);
  const clientSecret = clientSecretOf(connection, auth);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth.clientAuth === 'body') {
    form.set('client_id', clientId);
    form.set('client_secret', clientSecret);
  } else headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
  const started = Date.now();
  const response = await sendHttp({
    method: 'POST',
    url: renderText(auth.tokenUrl, values),
    headers,
    body: form,
    allowPrivateNetwork: connection.allowPrivateNetwork,
    timeoutMs: 15_000,
  });
  const body = response.body as Record<string, unknown> | null;
  if (response.status < 200 || response.status >= 300 || typeof body?.access_token !== 'string') {
    const detail = typeof body?.error === 'string' ? ` (${body.error})` : '';
    // invalid_grant: the refresh token was revoked or expired; only signing in again helps.
    if (body?.error === 'invalid_grant') throw new UserError(`${connectorLabel} connection “${connection.name}” needs to be reconnected: the sign-in was revoked or expired${detail}.`, { field: 'connectionId' });
    throw new HttpFailure(`${connectorLabel}: the token endpoint refused the connection's credentials: ${explainStatus(response.status)}${detail}`, response.status >= 500);
  }
  const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
  const instanceUrl = auth.type === 'oauth2AuthorizationCode' && auth.instanceUrlPath ? body[auth.instanceUrlPath] : undefined;
  return {
    accessToken: body.access_token,
    refreshAt: started + lifetimeMs - Math.min(lifetimeMs / 5, 5 * 60_000),
    ...(typeof instanceUrl === 'string' ? { instanceUrl } : {}),
  };
}
