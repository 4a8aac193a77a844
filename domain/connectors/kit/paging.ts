/**
 * Pagination styles of declared listings. The position of the next page travels as an opaque
 * string (JSON `{ k, v }`) through poll cursors and key scans, so a restart resumes where it was.
 */
import type { ListDeclaration, RequestTemplate } from './define-connector';
import { readOne } from './templates';
import { textAt } from './requester';

type Position = { k: 'token'; v: string } | { k: 'url'; v: string } | { k: 'offset'; v: number } | { k: 'page'; v: number };

export function parsePosition(text: string | null): Position | null {
  if (!text) return null;
  const parsed = JSON.parse(text) as Position;
  return parsed;
}

/** The request for the page at `position` (null: the first page). */
export function pageRequest(list: ListDeclaration, position: Position | null): { template: RequestTemplate; url?: string; cursor?: string } {
  const p = list.pagination;
  if (position?.k === 'url') return { template: list, url: position.v };
  if (p.type === 'cursor' && position?.k === 'token') {
    const template = p.in === 'body' ? { ...list, body: { ...(list.body as object), [p.param]: '{{cursor}}' } } : { ...list, query: { ...list.query, [p.param]: '{{cursor}}' } };
    return { template, cursor: position.v };
  }
  if (p.type === 'offset') return { template: { ...list, query: { ...list.query, [p.offsetParam]: String(position?.k === 'offset' ? position.v : 0) } } };
  if (p.type === 'page') return { template: { ...list, query: { ...list.query, [p.pageParam]: String(position?.k === 'page' ? position.v : (p.firstPage ?? 1)) } } };
  return { template: list };
}

/** The `rel="next"` target of an RFC 8288 Link header. */
export function nextLink(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (m && /rel="?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2]!)) return m[1]!;
  }
  return null;
}

/** The position after a page, or null when it was the last. */
export function nextPosition(
  list: ListDeclaration,
  answer: { body: unknown; headers: Readonly<Record<string, string>>; url: string },
  current: Position | null,
  read: { count: number; limit: number },
): string | null {
  const p = list.pagination;
  if ('stopPath' in p && p.stopPath && readOne(answer.body, p.stopPath) === true) return null;
  if ('morePath' in p && p.morePath && readOne(answer.body, p.morePath) !== true) return null;
  switch (p.type) {
    case 'cursor': {
      const token = textAt(answer.body, p.tokenPath);
      return token && read.count > 0 ? JSON.stringify({ k: 'token', v: token }) : null;
    }
    case 'nextUrl': {
      const url = textAt(answer.body, p.urlPath);
      return url ? JSON.stringify({ k: 'url', v: new URL(url, answer.url).toString() }) : null;
    }
    case 'linkHeader': {
      const url = nextLink(answer.headers.link);
      return url ? JSON.stringify({ k: 'url', v: new URL(url, answer.url).toString() }) : null;
    }
    case 'offset':
      return read.count < read.limit ? null : JSON.stringify({ k: 'offset', v: (current?.k === 'offset' ? current.v : 0) + read.count });
    case 'page':
      return read.count < read.limit ? null : JSON.stringify({ k: 'page', v: (current?.k === 'page' ? current.v : (p.firstPage ?? 1)) + 1 });
    case 'none':
      return null;
    default: {
      const never: never = p;
      throw new Error(`unknown pagination ${String(never)}`);
    }
  }
}
