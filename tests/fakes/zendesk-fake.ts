/**
 * A local fake of Zendesk Support's users API, implementing the documented contract:
 *   https://developer.zendesk.com/api-reference/ticketing/users/users/     show, create, update (PUT), delete (deactivates),
 *                                                                         search (?query=field:value), me; bodies { user: {…} }
 *   https://developer.zendesk.com/api-reference/ticketing/users/deleted_users/   permanent delete of a deleted user
 *   https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/   cursor-based incremental user
 *       export: start_time (unix seconds, older than one minute) then cursor; per_page ≤ 1000; { users, after_url, after_cursor,
 *       before_url, before_cursor, end_of_stream }; changes of the last minute are left out
 *   https://developer.zendesk.com/api-reference/introduction/pagination/  cursor pagination: page[size] ≤ 100, page[after],
 *       { meta: { has_more, after_cursor }, links: { next } }
 *   https://developer.zendesk.com/api-reference/introduction/security-and-auth/  basic auth {email}/token:{api_token}
 *   https://developer.zendesk.com/api-reference/introduction/rate-limits/        429 with Retry-After
 *   https://developer.zendesk.com/api-reference/introduction/requests/           422 { error: RecordInvalid, description, details }
 */
import { monotonicClock, startFakeApi, type FakeApi, type FakeReply } from './fake-api';

export interface ZendeskUser {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  role: string;
  external_id: string | null;
  notes: string;
  active: boolean;
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}

export interface ZendeskFake extends FakeApi {
  readonly users: Map<number, ZendeskUser>;
  /** Adds a user directly (as if made in Zendesk) with a given update time. */
  seed(fields: Partial<ZendeskUser> & { name: string }, updatedAt?: Date): ZendeskUser;
  /** Changes a user directly (as an agent in Zendesk would) at a given time. */
  touch(id: number, fields: Partial<ZendeskUser>, at: Date): void;
}

export const zendeskRateLimit = (retryAfterS: number): FakeReply => ({ status: 429, headers: { 'retry-after': String(retryAfterS) }, body: 'Too Many Requests' });

const invalid = (details: Record<string, { description: string; error: string }[]>): FakeReply => ({ status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors', details } });
const notFound: FakeReply = { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'); // Zendesk stamps have whole seconds

export async function startZendeskFake(options: { email: string; token: string }): Promise<ZendeskFake> {
  const users = new Map<number, ZendeskUser>();
  const clock = monotonicClock();
  let nextId = 9001;
  const expected = `Basic ${Buffer.from(`${options.email}/token:${options.token}`).toString('base64')}`;
  let origin = '';

  function seed(fields: Partial<ZendeskUser> & { name: string }, updatedAt = clock()): ZendeskUser {
    const user: ZendeskUser = { id: nextId++, email: null, phone: null, role: 'end-user', external_id: null, notes: '', active: true, ...fields, created_at: stamp(updatedAt), updated_at: stamp(updatedAt) };
    // Keep the exact instant for ordering; Zendesk's own order is by update time, then id.
    Object.defineProperty(user, '__updatedMs', { value: updatedAt.getTime(), writable: true, enumerable: false });
    users.set(user.id, user);
    return user;
  }
  const updatedMs = (u: ZendeskUser) => (u as unknown as { __updatedMs: number }).__updatedMs;

  function validate(fields: Record<string, unknown>, selfId?: number): FakeReply | null {
    const details: Record<string, { description: string; error: string }[]> = {};
    if ('name' in fields && !String(fields.name ?? '').trim()) details.name = [{ description: 'Name: cannot be blank', error: 'BlankValue' }];
    if (fields.email !== undefined && fields.email !== null) {
      const email = String(fields.email).toLowerCase();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) details.email = [{ description: `Email: ${email} is not properly formatted`, error: 'InvalidFormat' }];
      else if ([...users.values()].some((u) => u.id !== selfId && u.email === email)) details.email = [{ description: `Email: ${email} is already being used by another user`, error: 'DuplicateValue' }];
    }
    return Object.keys(details).length ? invalid(details) : null;
  }

  function write(user: ZendeskUser, fields: Record<string, unknown>, now = clock()) {
    for (const [k, v] of Object.entries(fields)) if (!['id', 'created_at', 'updated_at', 'active'].includes(k)) user[k] = k === 'email' && typeof v === 'string' ? v.toLowerCase() : v;
    user.updated_at = stamp(now);
    (user as unknown as { __updatedMs: number }).__updatedMs = now.getTime();
  }

  function incremental(url: URL): FakeReply {
    const perPage = Number(url.searchParams.get('per_page') ?? 1000);
    if (perPage > 1000) return { status: 400, body: { error: 'InvalidValue', description: 'per_page must be at most 1000' } };
    const cursor = url.searchParams.get('cursor');
    let after: { ms: number; id: number };
    if (cursor) after = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { ms: number; id: number };
    else {
      const startTime = url.searchParams.get('start_time');
      if (startTime === null || !/^\d+$/.test(startTime)) return { status: 400, body: { error: 'InvalidValue', description: 'start_time is required' } };
      if (Number(startTime) * 1000 > Date.now() - 60_000) return { status: 400, body: { error: 'InvalidValue', description: 'Too recent start_time. Use a start_time older than 1 minute' } };
      after = { ms: Number(startTime) * 1000 - 1, id: Number.MAX_SAFE_INTEGER };
    }
    const horizon = Date.now() - 60_000; // changes of the last minute are not exported yet
    const ordered = [...users.values()]
      .filter((u) => updatedMs(u) <= horizon && (updatedMs(u) > after.ms || (updatedMs(u) === after.ms && u.id > after.id)))
      .sort((a, b) => updatedMs(a) - updatedMs(b) || a.id - b.id);
    const page = ordered.slice(0, perPage);
    const last = page.at(-1);
    const next = Buffer.from(JSON.stringify(last ? { ms: updatedMs(last), id: last.id } : after)).toString('base64url');
    return {
      status: 200,
      body: {
        users: page,
        after_cursor: next,
        after_url: `${origin}/api/v2/incremental/users/cursor.json?cursor=${next}&per_page=${perPage}`,
        before_cursor: null,
        before_url: null,
        end_of_stream: ordered.length <= perPage,
      },
    };
  }

  function list(url: URL): FakeReply {
    const size = Number(url.searchParams.get('page[size]') ?? 100);
    if (size > 100) return { status: 400, body: { error: 'InvalidPaginationParameter', description: 'page[size] must be at most 100' } };
    const afterId = Number(url.searchParams.get('page[after]') ?? 0);
    const all = [...users.values()].filter((u) => u.id > afterId).sort((a, b) => a.id - b.id);
    const page = all.slice(0, size);
    const more = all.length > size;
    const cursor = String(page.at(-1)?.id ?? afterId);
    return { status: 200, body: { users: page, meta: { has_more: more, after_cursor: cursor, before_cursor: null }, links: { next: more ? `${origin}/api/v2/users.json?page[size]=${size}&page[after]=${cursor}` : null, prev: null } } };
  }

  const api = await startFakeApi(({ method, url, headers, body }) => {
    if (headers.authorization !== expected) return { status: 401, body: { error: "Couldn't authenticate you" } };
    const path = url.pathname;
    if (method === 'GET' && path === '/api/v2/incremental/users/cursor.json') return incremental(url);
    if (method === 'GET' && path === '/api/v2/users/me.json') return { status: 200, body: { user: { id: 1, name: 'Admin', email: options.email, role: 'admin' } } };
    if (method === 'GET' && path === '/api/v2/users.json') return list(url);
    if (method === 'GET' && path === '/api/v2/users/search.json') {
      const m = /^(\w+):(.*)$/.exec(url.searchParams.get('query') ?? '');
      const found = m ? [...users.values()].filter((u) => String(u[m[1]!] ?? '').toLowerCase() === m[2]!.toLowerCase()) : [];
      return { status: 200, body: { users: found, next_page: null, previous_page: null, count: found.length } };
    }
    if (method === 'POST' && path === '/api/v2/users.json') {
      const fields = ((body as { user?: Record<string, unknown> })?.user ?? {}) as Record<string, unknown>;
      const refused = validate({ name: '', ...fields });
      if (refused) return refused;
      const user = seed({ name: String(fields.name) });
      write(user, fields);
      return { status: 201, body: { user } };
    }
    const deleted = /^\/api\/v2\/deleted_users\/(\d+)\.json$/.exec(path);
    if (deleted && method === 'DELETE') {
      const user = users.get(Number(deleted[1]));
      if (!user || user.active) return notFound; // only a deleted (deactivated) user can be removed for good
      users.delete(user.id);
      return { status: 204 };
    }
    const one = /^\/api\/v2\/users\/(\d+)\.json$/.exec(path);
    const user = one ? users.get(Number(one[1])) : undefined;
    if (one && !user) return notFound;
    if (one && method === 'GET') return { status: 200, body: { user } };
    if (one && method === 'PUT') {
      const fields = ((body as { user?: Record<string, unknown> })?.user ?? {}) as Record<string, unknown>;
      const refused = validate(fields, user!.id);
      if (refused) return refused;
      write(user!, fields);
      return { status: 200, body: { user } };
    }
    if (one && method === 'DELETE') {
      write(user!, {});
      user!.active = false;
      return { status: 200, body: { user } };
    }
    return notFound;
  });
  origin = api.url;
  return { ...api, users, seed, touch: (id, fields, at) => write(users.get(id)!, fields, at) };
}
