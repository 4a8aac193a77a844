/**
 * The one way a declared connector talks HTTP: base URL and auth from the declaration and the
 * connection, per-connection concurrency, `429` + `Retry-After` honoured for every request of the
 * connection (one pause, shared), the declared transient statuses retried, and every other refusal
 * turned into a UserError that names the connector, the object and the field the system complained
 * about. Requests never leave the connection's base URL (a next-page URL from an answer included).
 */
import { TransientError, UserError } from '../../../flows-engine/index';
import type { HttpResponse } from '../../../nodes/effect-deps';
import { explainStatus, sendHttp } from '../../connections/http-client';
import type { ResolvedConnection } from '../../connections/resolve';
import { classify, joinUrl } from '../http-connector';
import { rejectConnectorToken, signRequest } from './auth';
import { authOf, declarationOf, type ConnectorSettings } from './connector-settings';
import type { ConnectorDeclaration, RequestTemplate } from './define-connector';
import { paramsOf, signingValuesOf } from './oauth-client';
import { readAll, readOne, renderJson, renderText, type TemplateValues } from './templates';

const DEFAULT_TRANSIENT = [408, 500, 502, 503, 504];
const DEFAULT_MAX_WAIT_S = 30;
/** Waits for 429/transient answers inside one call before leaving it to the step's retry policy. */
const MAX_ATTEMPTS = 4;

/** Requests in flight per connection, and until when a connection is asked to pause. */
const inFlight = new Map<string, { active: number; waiting: (() => void)[] }>();
const pausedUntil = new Map<string, number>();

async function acquire(key: string, limit: number): Promise<() => void> {
  let slot = inFlight.get(key);
  if (!slot) inFlight.set(key, (slot = { active: 0, waiting: [] }));
  const current = slot;
  if (current.active >= limit) await new Promise<void>((resolve) => current.waiting.push(resolve));
  else current.active += 1;
  return () => {
    const next = current.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else current.active -= 1;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds to wait from a `Retry-After` header (seconds or an HTTP date), or null. */
export function retryAfterSeconds(header: string | undefined): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** What a request is for, in the words of the error messages. */
export interface RequestPurpose {
  readonly object: string;
  /** e.g. "create", "list changes". */
  readonly action: string;
}

export interface ConnectorRequest {
  readonly template: RequestTemplate;
  readonly values: TemplateValues;
  readonly purpose: RequestPurpose;
  /** Instead of the template's path and query: a next-page URL from an answer. */
  readonly url?: string;
  /** Instead of the template's rendered body. */
  readonly body?: unknown;
  /** Statuses that are an answer, not an error (404 on a read: absent). */
  readonly accept?: readonly number[];
}

export interface Requester {
  readonly declaration: ConnectorDeclaration;
  readonly values: TemplateValues;
  send(request: ConnectorRequest): Promise<HttpResponse & { readonly url: string }>;
}

export function createRequester(connection: ResolvedConnection): Requester {
  const settings = connection.settings as ConnectorSettings;
  const declaration = declarationOf(settings);
  const auth = authOf(settings);
  const values: TemplateValues = { params: paramsOf(settings, declaration) };
  // `{{baseUrl}}` in a token URL follows a connection's own base URL (a sandbox, a fake).
  const signingValues = signingValuesOf(connection);
  const transient = new Set(declaration.rateLimit.transientStatuses ?? DEFAULT_TRANSIENT);
  const maxWaitS = declaration.rateLimit.maxWaitSeconds ?? DEFAULT_MAX_WAIT_S;
  const label = declaration.label;

  // The account's own URL from the token endpoint (Salesforce's instance_url) wins: the connection's
  // base URL is then where it signs in (a sandbox's login host, a fake), not where its data lives.
  function baseOf(instanceUrl: string | undefined): string {
    return instanceUrl || settings.baseUrl || renderText(declaration.baseUrl, values);
  }

  function headersOf(request: ConnectorRequest): Record<string, string> {
    const all = { ...declaration.headers, ...request.template.headers };
    return Object.fromEntries(Object.entries(all).map(([name, value]) => [name.toLowerCase(), renderText(value, request.values)]));
  }

  function urlOf(request: ConnectorRequest, base: string, authQuery: Record<string, string>): string {
    const baseUrl = new URL(base);
    const url = new URL(request.url ?? joinUrl(base, renderText(request.template.path, request.values)));
    if (url.origin !== baseUrl.origin) {
      throw new UserError(`${label} · ${request.purpose.object}: the answer pointed to ${url.origin}, outside ${baseUrl.origin}; the connection's credentials are only sent there.`);
    }
    if (!request.url) {
      for (const [key, value] of Object.entries(request.template.query ?? {})) {
        const text = renderText(value, request.values);
        if (text !== '') url.searchParams.set(renderText(key, request.values), text);
      }
    }
    for (const [key, value] of Object.entries(authQuery)) url.searchParams.set(key, value);
    return url.toString();
  }

  async function once(request: ConnectorRequest, method: string, body: unknown) {
    const signed = await signRequest(connection, auth, signingValues, label);
    const url = urlOf(request, baseOf(signed.instanceUrl), signed.query);
    try {
      const response = await sendHttp({ method, url, headers: { ...headersOf(request), ...signed.headers }, body, allowPrivateNetwork: connection.allowPrivateNetwork, timeoutMs: 30_000 });
      return { ...response, url };
    } catch (error) {
      throw classify(error);
    }
  }

  return {
    declaration,
    values,
    async send(request) {
      const method = request.url ? 'GET' : (request.template.method ?? 'GET');
      const body = request.body !== undefined ? request.body : request.template.body === undefined ? undefined : renderJson(request.template.body, request.values);
      const release = await acquire(connection.id, declaration.rateLimit.concurrency);
      try {
        let refreshedToken = false;
        for (let attempt = 1; ; attempt++) {
          const pause = (pausedUntil.get(connection.id) ?? 0) - Date.now();
          if (pause > 0) await sleep(pause);
          const response = await once(request, method, body);
          const { status } = response;
          if ((status >= 200 && status < 300) || request.accept?.includes(status)) return response;
          if (status === 401 && auth.type.startsWith('oauth2') && !refreshedToken) {
            refreshedToken = true; // an expired or revoked access token: one fresh token, once
            rejectConnectorToken(connection);
            continue;
          }
          const limited = status === 429 || isTransientCode(response.body);
          if (limited || transient.has(status)) {
            const waitS = retryAfterSeconds(response.headers['retry-after']) ?? Math.min(2 ** attempt, maxWaitS);
            if (attempt >= MAX_ATTEMPTS || waitS > maxWaitS) throw new TransientError(describe(request, response, `${explainStatus(status)} Asked to wait ${waitS} s.`).message);
            if (limited) pausedUntil.set(connection.id, Math.max(pausedUntil.get(connection.id) ?? 0, Date.now() + waitS * 1000));
            else await sleep(waitS * 1000);
            continue;
          }
          throw describe(request, response);
        }
      } finally {
        release();
      }
    },
  };

  function isTransientCode(body: unknown): boolean {
    const codes = declaration.rateLimit.transientCodes;
    return !!codes && readAll(body, codes.path).some((code) => typeof code === 'string' && codes.values.includes(code));
  }

  /** The system's refusal in an analyst's words: connector, object, action, field, the system's message. */
  function describe(request: ConnectorRequest, response: HttpResponse, prefix?: string): UserError {
    const errors = declaration.errors ?? {};
    const message = errors.message ? readAll(response.body, errors.message).filter((v) => typeof v === 'string').join('; ') : '';
    const listed = errors.fields ? readAll(response.body, errors.fields).flatMap((v) => (Array.isArray(v) ? v : [v])).map(String) : [];
    const named = errors.fieldInMessage && message ? new RegExp(errors.fieldInMessage).exec(message)?.slice(1).find(Boolean) : undefined;
    const fields = [...new Set([...listed, ...(named ? [named] : [])])];
    const details = errors.details ? readAll(response.body, errors.details).filter((v) => typeof v === 'string').join('; ') : '';
    const fallback = !message && typeof response.body === 'object' && response.body ? JSON.stringify(response.body).slice(0, 300) : '';
    const text = [
      `${label} · ${request.purpose.object}: ${request.purpose.action} was refused — ${prefix ?? explainStatus(response.status)}`,
      fields.length ? `Field${fields.length > 1 ? 's' : ''} ${fields.map((f) => `“${f}”`).join(', ')}.` : '',
      message || fallback,
      details && details !== message ? details : '',
    ]
      .filter(Boolean)
      .join(' ');
    return new UserError(text, fields[0] ? { field: fields[0] } : {});
  }
}

/** The first value at a path of an answer, as text (tokens, URLs). */
export function textAt(body: unknown, path: string): string | null {
  const value = readOne(body, path);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}
