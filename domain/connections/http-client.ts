/**
 * The one way Syncline sends HTTP to a connected system: private-network guard, timeout, JSON in
 * and out, and errors that say what went wrong. Non-2xx answers are returned, not thrown (callers
 * decide what is permanent); network failures throw `HttpFailure` with the cause explained.
 */
import { assertPublicHost } from './network-guard';

export interface SendOptions {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON unless it is already a string or URLSearchParams. */
  readonly body?: unknown;
  readonly timeoutMs?: number;
  readonly allowPrivateNetwork: boolean;
}

export interface SendResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** A request that got no HTTP answer (DNS, refused, timeout, TLS). `transient` means worth retrying. */
export class HttpFailure extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

const MAX_BODY = 10 * 1024 * 1024;

export async function sendHttp(options: SendOptions): Promise<SendResult> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new HttpFailure(`"${options.url}" is not a valid URL.`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpFailure(`Only http and https URLs are allowed, not ${url.protocol}`, false);
  try {
    await assertPublicHost(url, options.allowPrivateNetwork);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new HttpFailure(`The host ${url.hostname} could not be found (DNS ${code}).`, code === 'EAI_AGAIN');
    throw new HttpFailure((error as Error).message, false);
  }
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: string | URLSearchParams | undefined;
  if (options.body instanceof URLSearchParams || typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  let response: Response;
  try {
    // redirect: 'manual' so a redirect cannot take the request (and its credentials) to another host unchecked.
    response = await fetch(url, { method: options.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new HttpFailure(explainFetchError(error, url, timeoutMs), true);
  }
  const text = await response.text();
  if (text.length > MAX_BODY) throw new HttpFailure(`The answer from ${url.host} is larger than 10 MB.`, false);
  const contentType = response.headers.get('content-type') ?? '';
  let parsed: unknown = text;
  if (contentType.includes('json') && text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: parsed };
}

function explainFetchError(error: unknown, url: URL, timeoutMs: number): string {
  const err = error as Error & { cause?: NodeJS.ErrnoException };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `${url.host} did not answer within ${Math.round(timeoutMs / 1000)} s.`;
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return `${url.host} refused the connection: nothing is listening there, or a firewall blocks it.`;
  if (code === 'ECONNRESET') return `${url.host} closed the connection unexpectedly.`;
  if (code === 'ENOTFOUND') return `The host ${url.hostname} could not be found (DNS).`;
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return `The TLS certificate of ${url.host} was not accepted (${code}).`;
  return `The request to ${url.host} failed: ${err.cause?.message ?? err.message}`;
}

/** A short, human explanation of a non-2xx status. */
export function explainStatus(status: number): string {
  if (status === 401) return 'HTTP 401: the credentials were refused (wrong or expired secret).';
  if (status === 403) return 'HTTP 403: the credentials are valid but lack permission (check the scopes).';
  if (status === 404) return 'HTTP 404: the URL was not found (check the base URL and path).';
  if (status === 429) return 'HTTP 429: rate limited by the system; try again later.';
  if (status >= 500) return `HTTP ${status}: the system had an internal error.`;
  if (status >= 300 && status < 400) return `HTTP ${status}: the system redirected the request; use the final URL as the base URL.`;
  return `HTTP ${status}.`;
}
