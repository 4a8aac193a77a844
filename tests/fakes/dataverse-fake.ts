/**
 * A local fake of the Dataverse Web API (Dynamics 365) for contacts, implementing the documented contract:
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview       GET /api/data/v9.2/contacts with $select,
 *       $filter (eq / ge / gt joined by `and`; string literals in single quotes with '' for a quote; DateTimeOffset and GUID
 *       literals unquoted), $orderby (field [asc|desc], …), $top → { @odata.context, value }
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results   Prefer: odata.maxpagesize=n (≤ 5,000, default
 *       5,000), Preference-Applied, @odata.nextLink with $skiptoken (requested as is)
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api  POST → 204 + OData-EntityId; 201 + the
 *       record with Prefer: return=representation
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api  PATCH contacts(id) updates, or
 *       creates when the row is missing (upsert) unless If-Match: * (then 404); PATCH contacts(key='value') by an alternate key; with
 *       return=representation 201 for a create and 200 for an update; DELETE → 204
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api  GET EntityDefinitions(LogicalName='contact')/Attributes
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors  { error: { code, message } }
 *   https://learn.microsoft.com/power-apps/developer/data-platform/api-limits                   429 with Retry-After (service protection)
 *   https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow     POST /{tenant}/oauth2/v2.0/token on the
 *       sign-in host: grant_type=client_credentials, client_id, client_secret, scope={environment}/.default →
 *       { token_type, expires_in, ext_expires_in, access_token }; 401 { error: invalid_client } for a wrong secret
 * Two servers: the Microsoft Entra sign-in host and the environment (the Web API). Row ids are GUIDs whose
 * text order is their creation order; modifiedon has whole seconds, as Dataverse stores it.
 */
import { randomUUID } from 'node:crypto';
import { monotonicClock, startFakeApi, type FakeApi, type FakeReply } from './fake-api';

const API = '/api/data/v9.2';
export const APPLICATION_USER = '11111111-2222-3333-4444-000000000001';
export const OTHER_DATAVERSE_USER = '11111111-2222-3333-4444-000000000002';

interface Attribute {
  LogicalName: string;
  AttributeType: string;
  IsValidForUpdate: boolean;
  DisplayName: { UserLocalizedLabel: { Label: string } };
  RequiredLevel: { Value: 'None' | 'SystemRequired' | 'ApplicationRequired' | 'Recommended' };
  MaxLength?: number;
}

const attribute = (name: string, type: string, label: string, writable = true, maxLength?: number, required: Attribute['RequiredLevel']['Value'] = 'None'): Attribute => ({
  LogicalName: name, AttributeType: type, IsValidForUpdate: writable, DisplayName: { UserLocalizedLabel: { Label: label } }, RequiredLevel: { Value: required }, ...(maxLength ? { MaxLength: maxLength } : {}),
});

export type DataverseContact = Record<string, unknown> & { contactid: string; modifiedon: string; _modifiedby_value: string };

export interface DataverseFake extends FakeApi {
  /** The Microsoft Entra sign-in host (token endpoint); the Web API is at `url`. */
  readonly login: FakeApi;
  readonly contacts: Map<string, DataverseContact>;
  seed(fields: Record<string, unknown>, modifiedAt?: Date): DataverseContact;
  /** Deletes a column from the contact table (a maker removing a custom column). */
  removeAttribute(name: string): void;
  readonly tokens: Set<string>;
}

export const dataverseThrottle = (retryAfterS: number): FakeReply => ({
  status: 429,
  headers: { 'retry-after': String(retryAfterS) },
  body: { error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' } },
});

const fail = (status: number, code: string, message: string): FakeReply => ({ status, body: { error: { code, message } } });
const stampOf = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One `$filter` comparison: `field op literal`. */
interface Comparison {
  field: string;
  op: 'eq' | 'ge' | 'gt';
  value: string;
  kind: 'string' | 'bare';
}

function parseFilter(text: string): Comparison[] | null {
  const out: Comparison[] = [];
  let rest = text.trim();
  while (rest) {
    const m = /^([a-z_][a-z0-9_]*)\s+(eq|ge|gt)\s+/i.exec(rest);
    if (!m) return null;
    rest = rest.slice(m[0].length);
    let value = '';
    let kind: Comparison['kind'] = 'bare';
    if (rest.startsWith("'")) {
      kind = 'string';
      let i = 1;
      for (; i < rest.length; i++) {
        if (rest[i] === "'") {
          if (rest[i + 1] === "'") {
            value += "'";
            i++;
          } else break;
        } else value += rest[i];
      }
      if (i >= rest.length) return null;
      rest = rest.slice(i + 1).trim();
    } else {
      const v = /^[^\s)]+/.exec(rest);
      if (!v) return null;
      value = v[0];
      rest = rest.slice(v[0].length).trim();
    }
    out.push({ field: m[1]!.toLowerCase(), op: m[2]!.toLowerCase() as Comparison['op'], value, kind });
    if (rest) {
      const and = /^and\s+/i.exec(rest);
      if (!and) return null;
      rest = rest.slice(and[0].length);
    }
  }
  return out;
}

export async function startDataverseFake(options: { tenantId: string; client: { id: string; secret: string }; alternateKeys?: string[] }): Promise<DataverseFake> {
  const attributes: Attribute[] = [
    attribute('contactid', 'Uniqueidentifier', 'Contact', false, undefined, 'SystemRequired'),
    attribute('firstname', 'String', 'First Name', true, 50),
    attribute('lastname', 'String', 'Last Name', true, 50, 'ApplicationRequired'),
    attribute('emailaddress1', 'String', 'Email', true, 100),
    attribute('telephone1', 'String', 'Business Phone', true, 50),
    attribute('mobilephone', 'String', 'Mobile Phone', true, 50),
    attribute('jobtitle', 'String', 'Job Title', true, 100),
    attribute('createdon', 'DateTime', 'Created On', false),
    attribute('modifiedon', 'DateTime', 'Modified On', false),
    attribute('modifiedby', 'Lookup', 'Modified By', false),
    attribute('new_loyaltytier', 'Picklist', 'Loyalty Tier'),
    attribute('new_legacycode', 'String', 'Legacy Code', true, 20),
    attribute('new_region', 'Picklist', 'Region', true, undefined, 'ApplicationRequired'),
  ];
  const alternateKeys = options.alternateKeys ?? ['emailaddress1'];
  const contacts = new Map<string, DataverseContact>();
  const tokens = new Set<string>();
  const pages = new Map<string, string[]>();
  const clock = monotonicClock();
  let nextId = 101;
  let origin = '';

  const guid = () => `00000000-0000-0000-0000-${String(nextId++).padStart(12, '0')}`;
  const writable = (name: string) => attributes.find((a) => a.LogicalName === name);
  const view = (c: DataverseContact, select: string[] | null) => ({
    '@odata.etag': `W/"${Date.parse(c.modifiedon) / 1000}"`,
    ...(select ? Object.fromEntries([...new Set(['contactid', ...select])].map((f) => [f, c[f] ?? null])) : c),
  });

  function seed(fields: Record<string, unknown>, modifiedAt = clock(), by = OTHER_DATAVERSE_USER, id = guid()): DataverseContact {
    const contact: DataverseContact = { firstname: null, lastname: null, emailaddress1: null, ...fields, contactid: id, createdon: stampOf(modifiedAt), modifiedon: stampOf(modifiedAt), _modifiedby_value: by };
    contacts.set(id, contact);
    return contact;
  }

  function validate(body: Record<string, unknown>): FakeReply | null {
    for (const [name, value] of Object.entries(body)) {
      const a = writable(name);
      if (!a) return fail(400, '0x80060888', `The property '${name}' does not exist on type 'Microsoft.Dynamics.CRM.contact'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
      if (!a.IsValidForUpdate) return fail(400, '0x80048d19', `Error identified in Payload provided by the user for Entity :'contacts', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ----> InnerException : Microsoft.OData.ODataException: The property '${name}' cannot be set.`);
      if (a.MaxLength && typeof value === 'string' && value.length > a.MaxLength) {
        return fail(400, '0x80044331', `A validation error occurred. The length of the '${name}' attribute of the 'contact' entity exceeded the maximum allowed length of '${a.MaxLength}'.`);
      }
    }
    return null;
  }

  function write(contact: DataverseContact, body: Record<string, unknown>) {
    Object.assign(contact, body);
    contact.modifiedon = stampOf(clock());
    contact._modifiedby_value = APPLICATION_USER;
  }

  function written(contact: DataverseContact, status: number, prefer: string): FakeReply {
    const entityId = `${origin}${API}/contacts(${contact.contactid})`;
    return prefer.includes('return=representation')
      ? { status, headers: { 'odata-entityid': entityId, 'preference-applied': 'return=representation' }, body: { '@odata.context': `${origin}${API}/$metadata#contacts/$entity`, ...view(contact, null) } }
      : { status: 204, headers: { 'odata-entityid': entityId } };
  }

  function list(url: URL, prefer: string): FakeReply {
    const skiptoken = url.searchParams.get('$skiptoken');
    const maxPage = Math.min(5000, Number(/odata\.maxpagesize=(\d+)/.exec(prefer)?.[1] ?? 5000));
    const select = url.searchParams.get('$select')?.split(',').map((s) => s.trim()) ?? null;
    let ids: string[];
    if (skiptoken) {
      const remembered = pages.get(skiptoken);
      if (!remembered) return fail(400, '0x80040203', 'Invalid $skiptoken');
      ids = remembered;
    } else {
      const filter = url.searchParams.get('$filter');
      const comparisons = filter ? parseFilter(filter) : [];
      if (!comparisons) return fail(400, '0x80060888', `Syntax error in $filter: '${filter}'`);
      let rows = [...contacts.values()];
      for (const c of comparisons) {
        const a = writable(c.field);
        if (!a) return fail(400, '0x80060888', `Could not find a property named '${c.field}' on type 'Microsoft.Dynamics.CRM.contact'.`);
        if (a.AttributeType === 'DateTime') {
          if (c.kind !== 'bare' || Number.isNaN(Date.parse(c.value))) return fail(400, '0x80060888', `The DateTimeOffset literal '${c.value}' is not valid.`);
          const at = Date.parse(c.value);
          rows = rows.filter((r) => (c.op === 'eq' ? Date.parse(String(r[c.field])) === at : c.op === 'ge' ? Date.parse(String(r[c.field])) >= at : Date.parse(String(r[c.field])) > at));
        } else {
          if (c.op !== 'eq' || (a.AttributeType === 'String' && c.kind !== 'string')) return fail(400, '0x80060888', `A binary operator with incompatible types was detected in $filter.`);
          rows = rows.filter((r) => String(r[c.field] ?? '').toLowerCase() === c.value.toLowerCase());
        }
      }
      const order = (url.searchParams.get('$orderby') ?? 'contactid asc').split(',').map((part) => part.trim().split(/\s+/));
      rows.sort((x, y) => {
        for (const [f, dir] of order) {
          const a = f === 'modifiedon' || f === 'createdon' ? Date.parse(String(x[f!])) : String(x[f!] ?? '');
          const b = f === 'modifiedon' || f === 'createdon' ? Date.parse(String(y[f!])) : String(y[f!] ?? '');
          if (a !== b) return (a < b ? -1 : 1) * (dir === 'desc' ? -1 : 1);
        }
        return 0;
      });
      const top = url.searchParams.get('$top');
      ids = rows.slice(0, top ? Number(top) : undefined).map((r) => r.contactid);
    }
    const page = ids.slice(0, maxPage);
    const rest = ids.slice(maxPage);
    let nextLink: string | undefined;
    if (rest.length) {
      const token = randomUUID();
      pages.set(token, rest);
      const next = new URL(url.toString().replace('http://fake', origin));
      next.searchParams.set('$skiptoken', token);
      nextLink = next.toString();
    }
    return {
      status: 200,
      headers: prefer.includes('odata.maxpagesize') ? { 'preference-applied': `odata.maxpagesize=${maxPage}` } : {},
      body: { '@odata.context': `${origin}${API}/$metadata#contacts`, value: page.map((id) => view(contacts.get(id)!, select)), ...(nextLink ? { '@odata.nextLink': nextLink } : {}) },
    };
  }

  const login = await startFakeApi(({ method, url, body }) => {
    if (method !== 'POST' || url.pathname !== `/${options.tenantId}/oauth2/v2.0/token`) return { status: 404, body: { error: 'invalid_request', error_description: `AADSTS90002: Tenant not found.` } };
    const form = new URLSearchParams(String(body ?? ''));
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (form.get('client_id') !== options.client.id || form.get('client_secret') !== options.client.secret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' } };
    }
    if (form.get('scope') !== `${origin}/.default`) return { status: 400, body: { error: 'invalid_scope', error_description: `AADSTS70011: The provided value for scope ${form.get('scope')} is not valid.` } };
    const access = `eyJ0eXAiOiJKV1QifQ.${randomUUID()}`;
    tokens.add(access);
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access } };
  });

  const api = await startFakeApi(({ method, url, headers, body }) => {
    if (!tokens.has(String(headers.authorization ?? '').replace(/^Bearer /, ''))) return { status: 401, headers: { 'www-authenticate': `Bearer authorization_uri=${login.url}/${options.tenantId}/oauth2/authorize` } };
    const path = decodeURIComponent(url.pathname);
    const prefer = String(headers.prefer ?? '');
    const fields = (body ?? {}) as Record<string, unknown>;
    if (method === 'GET' && path === `${API}/WhoAmI`) return { status: 200, body: { BusinessUnitId: randomUUID(), UserId: APPLICATION_USER, OrganizationId: randomUUID() } };
    if (method === 'GET' && path === `${API}/EntityDefinitions(LogicalName='contact')/Attributes`) return { status: 200, body: { '@odata.context': `${origin}${API}/$metadata#EntityDefinitions('contact')/Attributes`, value: attributes } };
    if (method === 'GET' && path === `${API}/contacts`) return list(url, prefer);
    if (method === 'POST' && path === `${API}/contacts`) {
      const refused = validate(fields);
      if (refused) return refused;
      const contact = seed({}, clock(), APPLICATION_USER);
      write(contact, fields);
      return written(contact, 201, prefer);
    }
    const byKey = new RegExp(`^${API.replace(/\./g, '\\.')}/contacts\\(([a-z0-9_]+)='((?:[^']|'')*)'\\)$`).exec(path);
    if (byKey && method === 'PATCH') {
      if (!alternateKeys.includes(byKey[1]!)) return fail(400, '0x80060892', `The key attribute '${byKey[1]}' is not defined as an alternate key for entity 'contact'.`);
      const value = byKey[2]!.replace(/''/g, "'");
      const found = [...contacts.values()].find((c) => String(c[byKey[1]!] ?? '').toLowerCase() === value.toLowerCase());
      const refused = validate(fields);
      if (refused) return refused;
      if (found) {
        write(found, fields);
        return written(found, 200, prefer);
      }
      const contact = seed({ [byKey[1]!]: value }, clock(), APPLICATION_USER);
      write(contact, fields);
      return written(contact, 201, prefer);
    }
    const one = new RegExp(`^${API.replace(/\./g, '\\.')}/contacts\\(([0-9a-f-]{36})\\)$`).exec(path);
    if (!one) return fail(404, '0x80060888', `Resource not found for the segment '${path.split('/').pop()}'.`);
    const contact = contacts.get(one[1]!);
    const missing = fail(404, '0x80040217', `contact With Id = ${one[1]} Does Not Exist`);
    if (method === 'GET') return contact ? { status: 200, body: view(contact, url.searchParams.get('$select')?.split(',') ?? null) } : missing;
    if (method === 'DELETE') {
      if (!contact) return missing;
      contacts.delete(contact.contactid);
      return { status: 204 };
    }
    if (method === 'PATCH') {
      const refused = validate(fields);
      if (refused) return refused;
      if (!contact) {
        if (headers['if-match'] === '*') return missing; // an update only: no upsert
        const created = seed({}, clock(), APPLICATION_USER, one[1]!);
        write(created, fields);
        return written(created, 201, prefer);
      }
      write(contact, fields);
      return written(contact, 200, prefer);
    }
    return fail(405, '0x80060888', `The HTTP method '${method}' is not allowed for this resource.`);
  });
  origin = api.url;
  return {
    ...api,
    login,
    contacts,
    seed: (fields, modifiedAt) => seed(fields, modifiedAt),
    removeAttribute: (name) => {
      const index = attributes.findIndex((a) => a.LogicalName === name);
      if (index >= 0) attributes.splice(index, 1);
    },
    tokens,
    close: async () => {
      await api.close();
      await login.close();
    },
  };
}
