/**
 * The OAuth2 client side of a declared connector's connection, shared by the sign-in ("Connect",
 * `oauth-sign-in.ts`) and the signing of requests (`auth.ts`): where the authorize and token endpoints
 * are (the declaration's, or the connection's own for a sandbox or a test server), which client the
 * connection is (id and secret from the connection, or from the environment when the declaration
 * names variables and both are set), PKCE (S256, RFC 7636) and the one token request (RFC 6749 §4.1.3,
 * §6). Secrets leave only towards the token endpoint, through the private-network guard.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HttpFailure, explainStatus, sendHttp } from '../../connections/http-client';
import type { ResolvedConnection } from '../../connections/resolve';
import { authOf, declarationOf, type ConnectorSettings } from './connector-settings';
import { clientFromEnvironment } from './oauth-app';
import type { AuthDeclaration, ConnectorDeclaration } from './define-connector';
import { renderText, type TemplateValues } from './templates';

export type TokenAuth = Extract<AuthDeclaration, { tokenUrl: string }>;
export type AuthorizationCodeAuth = Extract<AuthDeclaration, { type: 'oauth2AuthorizationCode' }>;

/** The addresses a connection's OAuth grant uses: tokens go nowhere else. */
export interface OAuthEndpoints {
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  /** Where the access token is sent (the connection's API base URL). */
  readonly resourceBaseUrl: string;
}

/** The template values of a connection's auth: its parameters and its base URL (`{{baseUrl}}`). */
/** The connection's parameters, a declared default standing in for each one left empty. */
export function paramsOf(settings: ConnectorSettings, declaration: ConnectorDeclaration = declarationOf(settings)): Record<string, string> {
  const defaults = Object.fromEntries(Object.entries(declaration.params ?? {}).flatMap(([name, p]) => (p.default !== undefined ? [[name, p.default]] : [])));
  return { ...defaults, ...Object.fromEntries(Object.entries(settings.params).filter(([, v]) => v !== '')) };
}

export function signingValuesOf(connection: ResolvedConnection): TemplateValues {
  const settings = connection.settings as ConnectorSettings;
  const declaration = declarationOf(settings);
  // Defaults count in sign-in too (Dataverse's `authorityHost` in its token URL, a custom API's basic user name).
  const values: TemplateValues = { params: paramsOf(settings, declaration) };
  return { ...values, secret: connection.secret ?? '', baseUrl: (settings.baseUrl || renderText(declaration.baseUrl, values)).replace(/\/$/, '') };
}

export function endpointsOf(connection: ResolvedConnection, auth: TokenAuth, values: TemplateValues = signingValuesOf(connection)): OAuthEndpoints {
  const settings = connection.settings as ConnectorSettings;
  return {
    authorizeUrl: settings.authorizeUrl || (auth.type === 'oauth2AuthorizationCode' ? renderText(auth.authorizeUrl, values) : ''),
    tokenUrl: settings.tokenUrl || renderText(auth.tokenUrl, values),
    resourceBaseUrl: String(values.baseUrl),
  };
}

/** The connection's sign-in method when it is an OAuth2 authorization code, else null. */
export function authorizationCodeAuthOf(connection: ResolvedConnection): AuthorizationCodeAuth | null {
  const auth = authOf(connection.settings as ConnectorSettings);
  return auth.type === 'oauth2AuthorizationCode' ? auth : null;
}

/** The stored secret of an authorization-code connection: the client secret, or JSON with a refresh token too. */
export function storedSecretOf(connection: ResolvedConnection): { clientSecret: string; refreshToken?: string } {
  const secret = connection.secret ?? '';
  if (!secret.trim().startsWith('{')) return { clientSecret: secret };
  try {
    const stored = JSON.parse(secret) as { clientSecret?: unknown; refreshToken?: unknown };
    return { clientSecret: typeof stored.clientSecret === 'string' ? stored.clientSecret : '', ...(typeof stored.refreshToken === 'string' ? { refreshToken: stored.refreshToken } : {}) };
  } catch {
    return { clientSecret: '' };
  }
}

export function clientOf(connection: ResolvedConnection, auth: TokenAuth, values: TemplateValues): { id: string; secret: string } {
  const fromEnvironment = clientFromEnvironment(auth);
  if (fromEnvironment) return fromEnvironment;
  const id = String((values.params as Record<string, string> | undefined)?.[auth.clientIdParam] ?? '');
  return { id, secret: auth.type === 'oauth2ClientCredentials' ? (connection.secret ?? '') : storedSecretOf(connection).clientSecret };
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A token endpoint's successful answer. */
export interface TokenAnswer {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Seconds; 3600 when the answer does not say. */
  readonly expiresIn: number;
  readonly instanceUrl?: string;
}

/** The token endpoint refused the grant itself (RFC 6749 §5.2 `invalid_grant`): only signing in again helps. */
export class GrantRevokedError extends Error {}

/** POSTs one token request with the client's authentication; refusals are HttpFailures, `invalid_grant` a GrantRevokedError. */
export async function requestToken(connection: ResolvedConnection, auth: TokenAuth, request: { tokenUrl: string; values: TemplateValues; form: URLSearchParams; connectorLabel: string }): Promise<TokenAnswer> {
  const client = clientOf(connection, auth, request.values);
  const form = new URLSearchParams(request.form);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (auth.clientAuth === 'body') {
    form.set('client_id', client.id);
    form.set('client_secret', client.secret);
  } else headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
  const response = await sendHttp({ method: 'POST', url: request.tokenUrl, headers, body: form, allowPrivateNetwork: connection.allowPrivateNetwork, timeoutMs: 15_000 });
  const body = response.body as Record<string, unknown> | null;
  if (response.status < 200 || response.status >= 300 || typeof body?.access_token !== 'string') {
    const detail = typeof body?.error === 'string' ? ` (${body.error})` : '';
    if (body?.error === 'invalid_grant') throw new GrantRevokedError(`the sign-in was revoked or expired${detail}`);
    throw new HttpFailure(`${request.connectorLabel}: the token endpoint refused the connection's credentials: ${explainStatus(response.status)}${detail}`, response.status >= 500);
  }
  const instanceUrl = auth.type === 'oauth2AuthorizationCode' && auth.instanceUrlPath ? body[auth.instanceUrlPath] : undefined;
  return {
    accessToken: body.access_token,
    ...(typeof body.refresh_token === 'string' && body.refresh_token ? { refreshToken: body.refresh_token } : {}),
    expiresIn: typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600,
    ...(typeof instanceUrl === 'string' ? { instanceUrl } : {}),
  };
}

/** When a token of this lifetime is refreshed: a fifth of its lifetime early, at most five minutes. */
export function refreshAtOf(obtainedAt: number, expiresAt: number): number {
  const lifetime = expiresAt - obtainedAt;
  return expiresAt - Math.min(lifetime / 5, 5 * 60_000);
}
