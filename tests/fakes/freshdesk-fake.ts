/**
 * A local fake of Freshdesk's v2 contacts API, implementing the documented contract:
 *   https://developers.freshdesk.com/api/#contacts        list (per_page ≤ 100, page, _updated_since, email / phone / mobile
 *                                                         filters; soft-deleted contacts left out), view, create (name plus one of
 *                                                         email / phone / mobile / unique_external_id), update (PUT), soft delete,
 *                                                         hard delete (?force=true)
 *   https://developers.freshdesk.com/api/#authentication  basic auth: API key as user name, any password ("X")
 *   https://developers.freshdesk.com/api/#pagination      Link: <…page=n+1…>; rel="next" while more pages exist
 *   https://developers.freshdesk.com/api/#ratelimit       429 with Retry-After
 *   https://developers.freshdesk.com/api/#error           { description: "Validation failed", errors: [{ field, message, code }] }
 * The listing's order is not documented: this fake lists by id (creation), not by update time, so a
 * connector cannot rely on an order the vendor does not promise.
 */
import { monotonicClock, startFakeApi, type FakeApi, type FakeReply } from './fake-api';

export interface FreshdeskContact {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  job_title: string | null;
  unique_external_id: string | null;
  deleted: boolean;
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}

export interface FreshdeskFake extends FakeApi {
  readonly contacts: Map<number, FreshdeskContact>;
  seed(fields: Partial<FreshdeskContact> & { name: string }, updatedAt?: Date): FreshdeskContact;
  touch(id: number, fields: Partial<FreshdeskContact>, at: Date): void;
}

export const freshdeskRateLimit = (retryAfterS: number): FakeReply => ({ status: 429, headers: { 'retry-after': String(retryAfterS) }, body: { message: 'You have exceeded the limit of requests per minute' } });

const validation = (errors: { field: string; message: string; code: string }[]): FakeReply => ({ status: 400, body: { description: 'Validation failed', errors } });
const notFound: FakeReply = { status: 404 };
const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const WRITABLE = ['name', 'email', 'phone', 'mobile', 'job_title', 'unique_external_id', 'company_id', 'description'];

export async function startFreshdeskFake(options: { apiKey: string }): Promise<FreshdeskFake> {
  const contacts = new Map<number, FreshdeskContact>();
  const clock = monotonicClock();
  let nextId = 5001;
  let origin = '';

  function seed(fields: Partial<FreshdeskContact> & { name: string }, updatedAt = clock()): FreshdeskContact {
    const contact: FreshdeskContact = { id: nextId++, email: null, phone: null, mobile: null, job_title: null, unique_external_id: null, deleted: false, ...fields, created_at: stamp(updatedAt), updated_at: stamp(updatedAt) };
    contacts.set(contact.id, contact);
    return contact;
  }

  function validate(fields: Record<string, unknown>, creating: boolean, selfId?: number): FakeReply | null {
    const errors: { field: string; message: string; code: string }[] = [];
    for (const key of Object.keys(fields)) if (!WRITABLE.includes(key)) errors.push({ field: key, message: 'Unexpected/invalid field in request', code: 'invalid_field' });
    if (creating && !String(fields.name ?? '').trim()) errors.push({ field: 'name', message: 'It should be a/an String', code: 'missing_field' });
    if (creating && !fields.email && !fields.phone && !fields.mobile && !fields.unique_external_id) {
      errors.push({ field: 'requester_id', message: 'Please fill at least 1 of email, mobile, phone, twitter_id, unique_external_id fields', code: 'missing_field' });
    }
    if (fields.email) {
      const email = String(fields.email).toLowerCase();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push({ field: 'email', message: 'It is not in a valid format', code: 'invalid_value' });
      else if ([...contacts.values()].some((c) => c.id !== selfId && c.email === email)) errors.push({ field: 'email', message: `It should be a unique value`, code: 'duplicate_value' });
    }
    return errors.length ? validation(errors) : null;
  }

  function write(contact: FreshdeskContact, fields: Record<string, unknown>, at = clock()) {
    for (const [k, v] of Object.entries(fields)) contact[k] = k === 'email' && typeof v === 'string' ? v.toLowerCase() : v;
    contact.updated_at = stamp(at);
  }

  function list(url: URL): FakeReply {
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    if (perPage > 100) return validation([{ field: 'per_page', message: 'Must be a number less than or equal to 100', code: 'invalid_value' }]);
    const page = Number(url.searchParams.get('page') ?? 1);
    const since = url.searchParams.get('_updated_since');
    const filters = (['email', 'phone', 'mobile'] as const).filter((f) => url.searchParams.has(f));
    const all = [...contacts.values()]
      .filter((c) => !c.deleted)
      .filter((c) => !since || Date.parse(c.updated_at) >= Date.parse(since))
      .filter((c) => filters.every((f) => String(c[f] ?? '').toLowerCase() === url.searchParams.get(f)!.toLowerCase()))
      .sort((a, b) => a.id - b.id);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const next = new URL(url.pathname + url.search, origin);
    next.searchParams.set('page', String(page + 1));
    return { status: 200, body: slice, headers: page * perPage < all.length ? { link: `<${next.toString()}>; rel="next"` } : {} };
  }

  const api = await startFakeApi(({ method, url, headers, body }) => {
    const [user] = Buffer.from(String(headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
    if (user !== options.apiKey) return { status: 401, body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' } };
    const path = url.pathname;
    if (method === 'GET' && path === '/api/v2/contacts') return list(url);
    if (method === 'POST' && path === '/api/v2/contacts') {
      const fields = (body ?? {}) as Record<string, unknown>;
      const refused = validate(fields, true);
      if (refused) return refused;
      const contact = seed({ name: String(fields.name) });
      write(contact, fields);
      return { status: 201, body: contact };
    }
    const hard = /^\/api\/v2\/contacts\/(\d+)\/hard_delete$/.exec(path);
    if (hard && method === 'DELETE') {
      const contact = contacts.get(Number(hard[1]));
      if (!contact) return notFound;
      if (!contact.deleted && url.searchParams.get('force') !== 'true') return { status: 400, body: { description: 'Validation failed', errors: [{ field: 'contact', message: 'Only a deleted contact can be hard deleted unless force=true', code: 'invalid_value' }] } };
      contacts.delete(contact.id);
      return { status: 204 };
    }
    const one = /^\/api\/v2\/contacts\/(\d+)$/.exec(path);
    const contact = one ? contacts.get(Number(one[1])) : undefined;
    if (one && (!contact || (contact.deleted && method !== 'GET'))) return notFound;
    if (one && method === 'GET') return { status: 200, body: contact };
    if (one && method === 'PUT') {
      const fields = (body ?? {}) as Record<string, unknown>;
      const refused = validate(fields, false, contact!.id);
      if (refused) return refused;
      write(contact!, fields);
      return { status: 200, body: contact };
    }
    if (one && method === 'DELETE') {
      contact!.deleted = true;
      write(contact!, {});
      return { status: 204 };
    }
    return notFound;
  });
  origin = api.url;
  return { ...api, contacts, seed, touch: (id, fields, at) => write(contacts.get(id)!, fields, at) };
}
