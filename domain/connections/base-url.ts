/**
 * The credential guard: a connection's credentials go only to its base URL. A string prefix is not
 * enough (`http://127.0.0.1:4599` is a prefix of `http://127.0.0.1:45990/x`, `https://api.example.com`
 * of `https://api.example.com.evil.tld`), so both URLs are parsed and compared as parts: the same
 * scheme, host and port (default ports normalised by the URL parser), no user info, and a path that
 * lies inside the base path by whole segments once `..` is resolved and percent-escapes are decoded
 * (an encoded `%2F` or `%2e%2e` cannot smuggle a segment past the check).
 */
import { UserError } from '../../flows-engine/index';

/** `/api/v1/` → `['api', 'v1']`; `..` and `.` resolved after decoding; null when it cannot be decoded. */
function pathSegments(pathname: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const segments: string[] = [];
  for (const segment of decoded.split(/[/\\]/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True when `url` is the base URL itself or lies under its path, on the same scheme, host and port. */
export function isInsideBaseUrl(baseUrl: string, url: string): boolean {
  const base = parse(baseUrl);
  const target = parse(url);
  if (!base || !target) return false;
  if (target.protocol !== base.protocol || target.hostname !== base.hostname || target.port !== base.port) return false;
  if (target.username !== '' || target.password !== '') return false;
  const baseSegments = pathSegments(base.pathname);
  const targetSegments = pathSegments(target.pathname);
  if (!baseSegments || !targetSegments || targetSegments.length < baseSegments.length) return false;
  return baseSegments.every((segment, index) => targetSegments[index] === segment);
}

/** Refuses, naming the connection, a URL its credentials must not be sent to. */
export function assertInsideBaseUrl(connection: { readonly name: string }, baseUrl: string, url: string): void {
  if (isInsideBaseUrl(baseUrl, url)) return;
  throw new UserError(
    `${url} is outside the base URL ${baseUrl} of connection “${connection.name}”: its credentials are only sent there. ` +
      'Use a path under the base URL, or a step without this connection.',
    { field: 'url' },
  );
}
