/**
 * EffectDeps.http: requests through a connection's auth. A request with a connection must stay on
 * that connection's base URL (a relative URL is joined to it), so a flow cannot send the
 * connection's credentials to another host. Private and loopback addresses are refused unless the
 * connection allows them; requests without a connection never may.
 */
import type { Db } from '../../db/client';
import { TransientError, UserError } from '../../flows-engine/index';
import type { HttpClient, HttpResponse } from '../../nodes/effect-deps';
import { HttpFailure, sendHttp } from '../connections/http-client';
import { isRestKind, type RestSettings } from '../connections/kinds';
import type { ResolvedConnection } from '../connections/resolve';
import { authHeaders, forgetToken } from '../connections/rest-auth';
import { connectionForEffect } from './scope';

/** Joins a path to a base URL, keeping the base's path (`/api` + `contacts` = `/api/contacts`). */
export function joinUrl(baseUrl: string, pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  return new URL(pathOrUrl.replace(/^\/+/, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}

/** Sends one request with the connection's auth; retries once with a fresh token after a 401 (OAuth2). */
export async function sendWithConnection(
  connection: ResolvedConnection,
  request: { method: string; url: string; headers?: Readonly<Record<string, string>>; body?: unknown; timeoutMs?: number; idempotencyKey?: string },
): Promise<HttpResponse> {
  if (!isRestKind(connection.kind)) throw new UserError(`Connection “${connection.name}” is a ${connection.kind} connection, not a REST API.`, { field: 'connectionId' });
  const settings = connection.settings as RestSettings;
  const url = joinUrl(settings.baseUrl, request.url);
  const base = new URL(settings.baseUrl);
  if (!url.startsWith(base.origin + base.pathname.replace(/\/$/, ''))) {
    throw new UserError(`${url} is outside the base URL ${settings.baseUrl} of connection “${connection.name}”: its credentials are only sent there.`, { field: 'url' });
  }
  const attempt = async () =>
    sendHttp({
      method: request.method,
      url,
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
