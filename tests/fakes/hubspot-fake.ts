/**
 * A local fake of HubSpot's CRM v3 contacts API, implementing the documented contract:
 *   https://developers.hubspot.com/docs/api/crm/contacts              list (limit ≤ 100, after, properties), get, create, update, archive
 *   https://developers.hubspot.com/docs/api/crm/search                POST …/search: filterGroups (EQ, GTE), sorts, after, limit ≤ 100,
 *                                                                     at most 10,000 results per query
 *   https://developers.hubspot.com/docs/api/crm/properties            GET /crm/v3/properties/contacts
 *   https://developers.hubspot.com/docs/api/usage-details             429 body { status, message, errorType: RATE_LIMIT, policyName }
 *   https://developers.hubspot.com/docs/faq/api-error-responses       error body { status, message, category, correlationId, errors[].context }
 *   https://developers.hubspot.com/docs/api/oauth-quickstart-guide    POST /oauth/v1/token, grant_type=refresh_token, client_id/secret in the form
 *   https://developers.hubspot.com/docs/api/oauth/tokens              an OAuth access token is validated by its issuer: here,
 *                                                                     optionally, a real OAuth server's introspection (RFC 7662)
 * Records: `{ id, properties, createdAt, updatedAt, archived }`, property values as text, lastmodifieddate ISO 8601.
 * `hs_updated_by_user_id` (read-only, "Updated by user ID") holds the user behind the last change: with `apiUserId`, every
 * write through the API is stamped with it (the user the token acts for); `touch` is a change by another user in HubSpot.
 */
import { randomUUID } from 'node:crypto';
import { monotonicClock, startFakeApi, type Exchange, type FakeApi, type FakeReply } from './fake-api';

const CONTACTS = '/crm/v3/objects/contacts';
const DEFAULT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
const PROPERTIES: { name: string; label: string; type: string; readOnly: boolean }[] = [
  { name: 'email', label: 'Email', type: 'string', readOnly: false },
  { name: 'firstname', label: 'First name', type: 'string', readOnly: false },
  { name: 'lastname', label: 'Last name', type: 'string', readOnly: false },
  { name: 'phone', label: 'Phone number', type: 'string', readOnly: false },
  { name: 'company', label: 'Company name', type: 'string', readOnly: false },
  { name: 'lifecyclestage', label: 'Lifecycle stage', type: 'enumeration', readOnly: false },
  { name: 'favourite_colour', label: 'Favourite colour', type: 'string', readOnly: false },
  { name: 'createdate', label: 'Create date', type: 'datetime', readOnly: true },
  { name: 'lastmodifieddate', label: 'Last modified date', type: 'datetime', readOnly: true },
  { name: 'hs_object_id', label: 'Record ID', type: 'number', readOnly: true },
  { name: 'hs_updated_by_user_id', label: 'Updated by user ID', type: 'number', readOnly: true },
];

export interface HubSpotContact {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubSpotFake extends FakeApi {
  /** Read them freely; change them through `seed` or the API (the search index follows those changes only). */
  readonly contacts: Map<string, HubSpotContact>;
  /** Adds contacts directly (as if made in HubSpot), with a given modified time. */
  seed(properties: Record<string, string>, modifiedAt?: Date): HubSpotContact;
  /** Changes a contact as a HubSpot user would in HubSpot's own pages, stamped with that user's id. */
  touch(id: string, properties: Record<string, string>, byUserId: string): void;
  /** Access tokens the API accepts (a private app token, or tokens issued by /oauth/v1/token). */
  readonly tokens: Set<string>;
  /** Refresh tokens /oauth/v1/token accepts. */
  readonly refreshTokens: Set<string>;
}

export const HUBSPOT_RATE_LIMIT: FakeReply = {
  status: 429,
  body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', correlationId: 'c0ffee00-0000-4000-8000-000000000429', policyName: 'TEN_SECONDLY_ROLLING' },
};

const error = (status: number, category: string, message: string, errors?: unknown[]): FakeReply => ({
  status,
  body: { status: 'error', message, correlationId: randomUUID(), category, ...(errors ? { errors } : {}) },
});

export async function startHubSpotFake(options: {
  token: string;
  oauthClient?: { id: string; secret: string };
  /** Asks an OAuth authorization server whether an unknown bearer token is active (tests/fakes/oauth-provider.ts). */
  introspect?: (token: string) => Promise<boolean>;
  /** The HubSpot user id API writes are stamped with (`hs_updated_by_user_id`); unset, API writes leave it as it was. */
  apiUserId?: string;
}): Promise<HubSpotFake> {
  const contacts = new Map<string, HubSpotContact>();
  const tokens = new Set([options.token]);
  const refreshTokens = new Set<string>();
  const now = monotonicClock();
  let nextId = 101;
  /** Bumped by every change (seed, write, archive): the search index is rebuilt after one. */
  let version = 0;

  const view = (contact: HubSpotContact, wanted: string[]) => {
    const names = new Set([...DEFAULT_PROPERTIES, ...wanted]);
    return { ...contact, properties: Object.fromEntries(Object.entries(contact.properties).filter(([k]) => names.has(k))) };
  };
  const wantedFrom = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' && value ? value.split(',') : []);

  function seed(properties: Record<string, string>, modifiedAt = now()): HubSpotContact {
    const id = String(nextId++);
    const stamp = modifiedAt.toISOString();
    const contact = { id, properties: { ...properties, hs_object_id: id, createdate: stamp, lastmodifieddate: stamp }, createdAt: stamp, updatedAt: stamp, archived: false };
    contacts.set(id, contact);
    version += 1;
    return contact;
  }

  function validate(properties: Record<string, unknown>, selfId?: string): FakeReply | null {
    const errors: unknown[] = [];
    for (const [name, value] of Object.entries(properties)) {
      const known = PROPERTIES.find((p) => p.name === name);
      if (!known) errors.push({ message: `Property "${name}" does not exist`, code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: [name] } });
      else if (known.readOnly) errors.push({ message: `"${name}" is a read only property; its value cannot be set.`, code: 'READ_ONLY_VALUE', context: { propertyName: [name] } });
      else if (name === 'email' && value !== null && value !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(value))) {
        errors.push({ message: `Email address ${String(value)} is invalid`, code: 'INVALID_EMAIL', context: { propertyName: ['email'] } });
      }
    }
    if (errors.length) return error(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(errors.map((e) => (e as { message: string }).message))}`, errors);
    const email = properties.email ? String(properties.email).toLowerCase() : null;
    const taken = email ? [...contacts.values()].find((c) => !c.archived && c.id !== selfId && c.properties.email?.toLowerCase() === email) : undefined;
    if (taken) return error(409, 'CONFLICT', `Contact already exists. Existing ID: ${taken.id}`);
    return null;
  }

  function write(contact: HubSpotContact, properties: Record<string, unknown>) {
    const stamp = now().toISOString();
    for (const [k, v] of Object.entries(properties)) contact.properties[k] = v === null ? null : k === 'email' ? String(v).toLowerCase() : String(v);
    contact.properties.lastmodifieddate = stamp;
    contact.updatedAt = stamp;
    version += 1;
  }

  function stampApiUser(contact: HubSpotContact) {
    if (options.apiUserId) contact.properties.hs_updated_by_user_id = options.apiUserId;
  }

  // Timestamps parsed once each (searches re-read the same ones): a search over 50,000 contacts stays cheap (the connectors bench).
  const parsedTimes = new Map<string, number>();
  const timeOf = (value: unknown): number => {
    const text = String(value);
    let ms = parsedTimes.get(text);
    if (ms === undefined) parsedTimes.set(text, (ms = Date.parse(text)));
    return ms;
  };

  function matches(contact: HubSpotContact, filter: { propertyName: string; operator: string; value?: unknown }): boolean {
    const actual = contact.properties[filter.propertyName];
    if (filter.operator === 'EQ') return String(actual ?? '').toLowerCase() === String(filter.value ?? '').toLowerCase();
    if (filter.operator === 'GTE') {
      const isDate = filter.propertyName === 'lastmodifieddate' || filter.propertyName === 'createdate';
      return isDate ? timeOf(actual) >= Number(filter.value) : Number(actual) >= Number(filter.value);
    }
    throw new Error(`operator ${filter.operator} not in this fake`);
  }

  /** By the sort property, then by id. Contacts are usually held in that order already: checking is cheaper than sorting. */
  function ordered(found: HubSpotContact[], sort: { propertyName: string; direction: string } | undefined): HubSpotContact[] {
    const sign = sort?.direction === 'DESCENDING' ? -1 : 1;
    const order = (a: HubSpotContact, b: HubSpotContact) => (sort ? sign * (timeOf(a.properties[sort.propertyName]) - timeOf(b.properties[sort.propertyName])) : 0) || Number(a.id) - Number(b.id);
    return found.some((contact, i) => i > 0 && order(found[i - 1]!, contact) > 0) ? found.sort(order) : found;
  }

  // The change search of a sync (one GTE filter on a date, sorted ascending by it) runs on an index, as HubSpot's does,
  // so a search over 50,000 contacts does not scan them all (the connectors bench polls 500 pages).
  let index: { version: number; property: string; sorted: HubSpotContact[] } | null = null;
  function changedSince(groups: { filters: { propertyName: string; operator: string; value?: unknown }[] }[], sort: { propertyName: string; direction: string } | undefined): HubSpotContact[] | null {
    const filter = groups.length === 1 && groups[0]!.filters.length === 1 ? groups[0]!.filters[0]! : null;
    if (!filter || !sort || filter.operator !== 'GTE' || filter.propertyName !== sort.propertyName || sort.direction !== 'ASCENDING') return null;
    if (filter.propertyName !== 'lastmodifieddate' && filter.propertyName !== 'createdate') return null;
    if (index?.version !== version || index.property !== filter.propertyName) {
      index = { version, property: filter.propertyName, sorted: ordered([...contacts.values()].filter((c) => !c.archived), sort) };
    }
    const sorted = index.sorted;
    const since = Number(filter.value);
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (timeOf(sorted[mid]!.properties[filter.propertyName]) >= since) high = mid;
      else low = mid + 1;
    }
    return sorted.slice(low);
  }

  function search(body: { filterGroups?: { filters: { propertyName: string; operator: string; value?: unknown }[] }[]; sorts?: { propertyName: string; direction: string }[]; after?: string; limit?: number; properties?: string[] }): FakeReply {
    const limit = body.limit ?? 10;
    const after = Number(body.after ?? 0);
    if (limit > 100) return error(400, 'VALIDATION_ERROR', 'limit must be at most 100');
    if (after + limit > 10_000) return error(400, 'VALIDATION_ERROR', 'Search results are limited to 10,000; narrow the query.');
    const groups = body.filterGroups ?? [];
    const sort = body.sorts?.[0];
    const found = changedSince(groups, sort) ?? ordered(
      [...contacts.values()].filter((c) => !c.archived && (groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(c, f))))),
      sort,
    );
    const page = found.slice(after, after + limit);
    const more = after + limit < found.length;
    return { status: 200, body: { total: found.length, results: page.map((c) => view(c, wantedFrom(body.properties))), ...(more ? { paging: { next: { after: String(after + limit) } } } : {}) } };
  }

  function token(exchange: Exchange): FakeReply {
    const form = new URLSearchParams(String(exchange.body ?? ''));
    const client = options.oauthClient;
    if (!client || form.get('client_id') !== client.id || form.get('client_secret') !== client.secret) return { status: 400, body: { status: 'BAD_CLIENT_ID', message: 'missing or unknown client id' } };
    if (form.get('grant_type') !== 'refresh_token' || !refreshTokens.has(form.get('refresh_token') ?? '')) return { status: 400, body: { status: 'BAD_REFRESH_TOKEN', error: 'invalid_grant', message: 'missing or unknown refresh token' } };
    const access = `oauth-${randomUUID()}`;
    tokens.add(access);
    return { status: 200, body: { token_type: 'bearer', access_token: access, refresh_token: form.get('refresh_token'), expires_in: 1800 } };
  }

  const api = await startFakeApi(async (exchange) => {
    const { method, url } = exchange;
    if (method === 'POST' && url.pathname === '/oauth/v1/token') return token(exchange);
    const bearer = String(exchange.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!tokens.has(bearer) && !(bearer && options.introspect && (await options.introspect(bearer)))) {
      return error(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication.');
    }
    if (method === 'GET' && url.pathname === '/crm/v3/properties/contacts') {
      return { status: 200, body: { results: PROPERTIES.map((p) => ({ name: p.name, label: p.label, type: p.type, fieldType: 'text', modificationMetadata: { readOnlyValue: p.readOnly, archivable: !p.readOnly, readOnlyDefinition: true } })) } };
    }
    if (method === 'POST' && url.pathname === `${CONTACTS}/search`) return search(exchange.body as Parameters<typeof search>[0]);
    if (method === 'GET' && url.pathname === CONTACTS) {
      const limit = Number(url.searchParams.get('limit') ?? 10);
      if (limit > 100) return error(400, 'VALIDATION_ERROR', 'limit must be at most 100');
      const after = Number(url.searchParams.get('after') ?? 0);
      const all = [...contacts.values()].filter((c) => !c.archived).sort((a, b) => Number(a.id) - Number(b.id));
      const page = all.slice(after, after + limit);
      const more = after + limit < all.length;
      const wanted = wantedFrom(url.searchParams.get('properties'));
      return { status: 200, body: { results: page.map((c) => view(c, wanted)), ...(more ? { paging: { next: { after: String(after + limit), link: `${CONTACTS}?after=${after + limit}` } } } : {}) } };
    }
    if (method === 'POST' && url.pathname === CONTACTS) {
      const properties = ((exchange.body as { properties?: Record<string, unknown> })?.properties ?? {}) as Record<string, unknown>;
      const refused = validate(properties);
      if (refused) return refused;
      const contact = seed({});
      write(contact, properties);
      stampApiUser(contact);
      return { status: 201, body: view(contact, Object.keys(properties)) };
    }
    const one = new RegExp(`^${CONTACTS}/([^/]+)$`).exec(url.pathname);
    const contact = one ? contacts.get(one[1]!) : undefined;
    const live = contact && !contact.archived ? contact : undefined;
    if (one && method === 'DELETE') {
      if (contact) contact.archived = true;
      version += 1;
      return { status: 204 };
    }
    if (one && !live) return error(404, 'OBJECT_NOT_FOUND', 'resource not found');
    if (one && method === 'GET') return { status: 200, body: view(live!, wantedFrom(url.searchParams.get('properties'))) };
    if (one && method === 'PATCH') {
      const properties = ((exchange.body as { properties?: Record<string, unknown> })?.properties ?? {}) as Record<string, unknown>;
      const refused = validate(properties, live!.id);
      if (refused) return refused;
      write(live!, properties);
      stampApiUser(live!);
      return { status: 200, body: view(live!, Object.keys(properties)) };
    }
    return error(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${url.pathname}`);
  });
  const touch = (id: string, properties: Record<string, string>, byUserId: string) => write(contacts.get(id)!, { ...properties, hs_updated_by_user_id: byUserId });
  return { ...api, contacts, seed, touch, tokens, refreshTokens };
}
