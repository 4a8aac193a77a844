/**
 * EffectDeps.http: requests through a connection's auth. A request with a connection must stay on
 * that connection's base URL (a relative URL is joined to it; `connections/base-url.ts` compares
 * parsed URLs), and so must every redirect it follows, so a flow cannot send the connection's
 * credentials to another host. Private and loopback addresses are refused unless the
 * connection allows them; requests without a connection never may.
 */
import type { Db } from '../../db/client';
import { TransientError, UserError } from '../../flows-engine/index';
import type { HttpClient, HttpResponse } from '../../nodes/effect-deps';
import { HttpFailure, sendHttp } from '../connections/http-client';
import { isRestKind, type RestSettings } from '../connections/kinds';
import type { ResolvedConnection } from '../connections/resolve';
import { authHeaders, forgetToken } from '../connections/rest-auth';
import { assertInsideBaseUrl, isInsideBaseUrl } from '../connections/base-url';
import { connectionForEffect } from './scope';

/** Joins a path to a base URL, keeping the base's path (`/api` + `contacts` = `/api/contacts`). */
export function joinUrl(baseUrl: string, pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  return new URL(pathOrUrl.replace(/^\/+/, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}

const MAX_REDIRECTS = 5;

type ConnectionRequest = { method: string; url: string; headers?: Readonly<Record<string, string>>; body?: unknown; timeoutMs?: number; idempotencyKey?: string };

/**
 * Sends one request with the connection's auth; retries once with a fresh token after a 401 (OAuth2).
 * Redirects are followed here, not by fetch (which would carry the credentials along): only to a URL
 * inside the base URL; a redirect anywhere else is refused before anything is sent there.
 */
export async function sendWithConnection(connection: ResolvedConnection, request: ConnectionRequest): Promise<HttpResponse> {
  if (!isRestKind(connection.kind)) throw new UserError(`Connection “${connection.name}” is a ${connection.kind} connection, not a REST API.`, { field: 'connectionId' });
  const settings = connection.settings as RestSettings;
  let current = { method: request.method, url: joinUrl(settings.baseUrl, request.url), body: request.body };
  for (let redirects = 0; ; redirects++) {
    assertInsideBaseUrl(connection, settings.baseUrl, current.url);
    const response = await sendOnce(connection, settings, { ...request, ...current });
    const location = response.headers.location;
    if (response.status < 300 || response.status >= 400 || response.status === 304 || !location) return response;
    if (redirects === MAX_REDIRECTS) throw new UserError(`${request.url} redirected more than ${MAX_REDIRECTS} times (connection “${connection.name}”).`, { field: 'url' });
    const next = new URL(location, current.url).toString();
    if (!isInsideBaseUrl(settings.baseUrl, next)) {
      throw new UserError(
        `${current.url} redirected to ${next}, outside the base URL ${settings.baseUrl} of connection “${connection.name}”: the redirect was not followed, so its credentials were not sent there.`,
        { field: 'url' },
      );
    }
    // 307/308 repeat the request as it was; 301/302/303 continue with a GET, as browsers do.
    current = response.status === 307 || response.status === 308 ? { ...current, url: next } : { method: 'GET', url: next, body: undefined };
  }
}

async function sendOnce(connection: ResolvedConnection, settings: RestSettings, request: ConnectionRequest): Promise<HttpResponse> {
  const attempt = async () =>
    sendHttp({
      method: request.method,
      url: request.url,
      headers: { ...request.headers, ...(request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {}), ...(await authHeaders(connection)) },
      body: request.body,
      timeoutMs: request.timeoutMs,
      allowPrivateNetwork: connection.allowPrivateNetwork,
    });
  try {
    let response = await attempt();
    if (response.status === 401 && settings.auth.type === 'oauth2') {
      forgetToken(connection);
      response = await attempt();
    }
    return response;
  } catch (error) {
    throw classify(error);
  }
}

export function classify(error: unknown): Error {
  if (error instanceof HttpFailure) return error.transient ? new TransientError(error.message) : new UserError(error.message);
  return error as Error;
}

export function createHttpConnector(db: Db, scope: { workspaceId: string }): HttpClient {
  return {
    async request(request) {
      if (request.connectionId) {
        const connection = await connectionForEffect(db, { workspaceId: scope.workspaceId, connectionId: request.connectionId });
        return sendWithConnection(connection, request);
      }
      try {
        return await sendHttp({ ...request, allowPrivateNetwork: false, headers: { ...request.headers, 'idempotency-key': request.idempotencyKey } });
      } catch (error) {
        throw classify(error);
      }
    },
  };
}
