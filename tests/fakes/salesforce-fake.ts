/**
 * A local fake of Salesforce's REST API for contacts, implementing the documented contract:
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm         GET /services/data/vXX.X/query?q=SOQL →
 *       { totalSize, done, nextRecordsUrl?, records }; records carry `attributes { type, url }`; batch size from the
 *       `Sforce-Query-Options: batchSize=n` header (200 to 2,000, default 2,000); GET nextRecordsUrl for the next batch
 *   https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm   the SOQL subset used:
 *       SELECT fields FROM Contact [WHERE field >= dateTime | field = 'string'] [ORDER BY f, f] [LIMIT n]; field names are
 *       case-insensitive; an unknown field is 400 INVALID_FIELD "No such column"
 *   https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm   dateTime
 *       literals YYYY-MM-DDThh:mm:ssZ or ±hh:mm, unquoted
 *   https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm  \' \\ \n
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm  POST → 201 { id, success, errors }
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm   PATCH …/Contact/{id} → 204
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_delete_record.htm   DELETE → 204 (Recycle Bin)
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_get_field_values.htm GET …/Contact/{id}?fields=a,b
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm          PATCH …/Contact/{ExtId__c}/{value}:
 *       201 { id, success, errors, created: true }, 200 { …, created: false }, 300 for several matches, 404 NOT_FOUND for a field
 *       that is not an external id
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_describe.htm GET …/Contact/describe → { fields[] }
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm           [{ message, errorCode, fields }];
 *       401 INVALID_SESSION_ID; 403 REQUEST_LIMIT_EXCEEDED
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm        POST /services/oauth2/token on the
 *       login host, grant_type=refresh_token, client_id / client_secret in the form → { access_token, instance_url, id, token_type,
 *       issued_at, signature } (no expires_in); a revoked refresh token → 400 { error: invalid_grant }
 * Two servers, as in Salesforce: the login host (token endpoint only) and the org's instance (the API).
 * Stamps have whole seconds ("2026-12-03T11:00:00.000+0000"), as Salesforce stores them.
 */
import { randomUUID } from 'node:crypto';
import { monotonicClock, startFakeApi, type FakeApi, type FakeReply } from './fake-api';

const API = '/services/data/v62.0';
const CONTACT = `${API}/sobjects/Contact`;
export const INTEGRATION_USER = '005000000000001AAA';
export const OTHER_USER = '005000000000002AAA';

interface FieldSchema {
  name: string;
  label: string;
  type: string;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  externalId: boolean;
  defaultedOnCreate: boolean;
  custom: boolean;
}

const field = (name: string, label: string, type: string, flags: Partial<FieldSchema> = {}): FieldSchema => ({
  name, label, type, nillable: true, createable: true, updateable: true, externalId: false, defaultedOnCreate: false, custom: name.endsWith('__c'), ...flags,
});
const readOnly = { nillable: false, createable: false, updateable: false };

export type SalesforceContact = Record<string, unknown> & { Id: string; LastModifiedDate: string; LastModifiedById: string };

export interface SalesforceFake extends FakeApi {
  /** The login host (token endpoint); the API is at `url`. */
  readonly login: FakeApi;
  readonly contacts: Map<string, SalesforceContact>;
  readonly deleted: Set<string>;
  /** Adds a contact directly (as a user in Salesforce would), changed at `modifiedAt` by another user. */
  seed(fields: Record<string, unknown>, modifiedAt?: Date): SalesforceContact;
  /** Deletes a field from the org's Contact object (an admin removing a custom field). */
  removeField(name: string): void;
  /** Access tokens the API accepts. */
  readonly tokens: Set<string>;
  /** Refresh tokens the token endpoint accepts. */
  readonly refreshTokens: Set<string>;
}

export const SALESFORCE_LIMIT_EXCEEDED: FakeReply = { status: 403, body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] };

const refuse = (status: number, errorCode: string, message: string, fields?: string[]): FakeReply => ({ status, body: [{ message, errorCode, ...(fields ? { fields } : {}) }] });
const stampOf = (d: Date) => `${d.toISOString().slice(0, 19)}.000+0000`;

/** Reads a SOQL string literal's body (after the opening quote); returns the value and the rest, or null. */
function soqlString(text: string): { value: string; rest: string } | null {
  let value = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[++i];
      const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };
      if (next === undefined || !(next in escapes)) return null;
      value += escapes[next];
    } else if (c === "'") return { value, rest: text.slice(i + 1) };
    else value += c;
  }
  return null;
}

const DATETIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(Z|[+-]\d\d:\d\d)$/;

export async function startSalesforceFake(options: { oauthClient: { id: string; secret: string } }): Promise<SalesforceFake> {
  const schema: FieldSchema[] = [
    field('Id', 'Contact ID', 'id', readOnly),
    field('FirstName', 'First Name', 'string'),
    field('LastName', 'Last Name', 'string', { nillable: false }),
    field('Email', 'Email', 'email'),
    field('Phone', 'Business Phone', 'phone'),
    field('MobilePhone', 'Mobile Phone', 'phone'),
    field('Title', 'Title', 'string'),
    field('AccountId', 'Account ID', 'reference'),
    field('CreatedDate', 'Created Date', 'datetime', readOnly),
    field('LastModifiedDate', 'Last Modified Date', 'datetime', readOnly),
    field('LastModifiedById', 'Last Modified By ID', 'reference', readOnly),
    field('Loyalty_Tier__c', 'Loyalty Tier', 'picklist'),
    field('External_Key__c', 'External Key', 'string', { externalId: true }),
    field('Legacy_Code__c', 'Legacy Code', 'string'),
    field('Region__c', 'Region', 'picklist', { nillable: false, defaultedOnCreate: true }),
  ];
  const contacts = new Map<string, SalesforceContact>();
  const deleted = new Set<string>();
  const tokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const locators = new Map<string, { ids: string[]; fields: string[] }>();
  const clock = monotonicClock();
  let nextId = 101;
  let instanceUrl = '';

  const known = (name: string) => schema.find((f) => f.name.toLowerCase() === name.toLowerCase());
  const live = () => [...contacts.values()].filter((c) => !deleted.has(c.Id));
  const view = (c: SalesforceContact, fields: string[]) => ({
    attributes: { type: 'Contact', url: `${CONTACT}/${c.Id}` },
    ...Object.fromEntries(fields.map((f) => [f, c[f] ?? null])),
  });

  function stamp(contact: Record<string, unknown>, by: string, at = clock()) {
    contact.LastModifiedDate = stampOf(at);
    contact.LastModifiedById = by;
  }

  function seed(fields: Record<string, unknown>, modifiedAt = clock()): SalesforceContact {
    const Id = `003${String(nextId++).padStart(12, '0')}AAA`;
    const contact: SalesforceContact = { ...fields, Id, CreatedDate: stampOf(modifiedAt), LastModifiedDate: stampOf(modifiedAt), LastModifiedById: OTHER_USER };
    contacts.set(Id, contact);
    return contact;
  }

  /** A write's body checked as Salesforce does: unknown fields, fields not writable, required fields, email format. */
  function validate(body: Record<string, unknown>, creating: boolean, current?: SalesforceContact): FakeReply | null {
    for (const name of Object.keys(body)) {
      const f = known(name);
      if (!f) return refuse(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type Contact`);
      if (creating ? !f.createable : !f.updateable) {
        return refuse(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${f.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, [f.name]);
      }
    }
    const lastName = 'LastName' in body ? body.LastName : current?.LastName;
    if (lastName === undefined || lastName === null || lastName === '') return refuse(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', ['LastName']);
    const email = body.Email;
    if (email !== undefined && email !== null && email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(email))) {
      return refuse(400, 'INVALID_EMAIL_ADDRESS', `Email: invalid email address: ${String(email)}`, ['Email']);
    }
    return null;
  }

  function write(contact: SalesforceContact, body: Record<string, unknown>) {
    for (const [name, value] of Object.entries(body)) contact[known(name)!.name] = value;
    stamp(contact, INTEGRATION_USER);
  }

  function create(body: Record<string, unknown>): { contact?: SalesforceContact; refused?: FakeReply } {
    const refused = validate(body, true);
    if (refused) return { refused };
    const contact = seed({});
    write(contact, body);
    return { contact };
  }

  function query(soql: string, batchHeader: string | undefined): FakeReply {
    const m = /^SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER BY\s+(.+?))?(?:\s+LIMIT\s+(\d+))?$/i.exec(soql.trim());
    if (!m) return refuse(400, 'MALFORMED_QUERY', `unexpected token in: ${soql}`);
    const [, selectList, object, where, orderBy, limit] = m;
    if (object!.toLowerCase() !== 'contact') return refuse(400, 'INVALID_TYPE', `sObject type '${object}' is not supported.`);
    const fields: string[] = [];
    for (const name of selectList!.split(',').map((s) => s.trim())) {
      const f = known(name);
      if (!f) return refuse(400, 'INVALID_FIELD', `\n${soql.slice(0, 60)}\n       ^\nERROR at Row:1:Column:8\nNo such column '${name}' on entity 'Contact'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
      fields.push(f.name);
    }
    let rows = live();
    if (where) {
      const c = /^(\w+)\s*(>=|>|=)\s*(.+)$/s.exec(where);
      const f = c ? known(c[1]!) : undefined;
      if (!c || !f) return refuse(400, c ? 'INVALID_FIELD' : 'MALFORMED_QUERY', c ? `No such column '${c[1]}' on entity 'Contact'.` : `unexpected token: ${where}`);
      const literal = c[3]!.trim();
      if (literal.startsWith("'")) {
        const parsed = soqlString(literal.slice(1));
        if (!parsed || parsed.rest.trim() !== '' || c[2] !== '=') return refuse(400, 'MALFORMED_QUERY', `unexpected token: ${literal}`);
        rows = rows.filter((r) => String(r[f.name] ?? '').toLowerCase() === parsed.value.toLowerCase());
      } else {
        const d = DATETIME.exec(literal);
        if (!d || f.type !== 'datetime') return refuse(400, 'MALFORMED_QUERY', `line 1:${soql.indexOf(literal)} no viable alternative at character '${literal}'`);
        const at = Date.parse(`${d[1]}${d[2]}`);
        rows = rows.filter((r) => {
          const t = Date.parse(String(r[f.name]).replace('+0000', 'Z'));
          return c[2] === '>=' ? t >= at : t > at;
        });
      }
    }
    const keys = (orderBy ?? 'Id').split(',').map((s) => known(s.trim())?.name ?? s.trim());
    const sortable = (r: SalesforceContact, k: string) => (k === 'Id' ? r.Id : Date.parse(String(r[k]).replace('+0000', 'Z')));
    rows.sort((a, b) => {
      for (const k of keys) {
        const x = sortable(a, k);
        const y = sortable(b, k);
        if (x < y) return -1;
        if (x > y) return 1;
      }
      return 0;
    });
    if (limit) rows = rows.slice(0, Number(limit));
    const requested = Number(/batchSize=(\d+)/.exec(batchHeader ?? '')?.[1] ?? 2000);
    const batch = Math.min(2000, Math.max(200, requested));
    const locator = `01g${randomUUID().replace(/-/g, '').slice(0, 15)}`;
    locators.set(locator, { ids: rows.map((r) => r.Id), fields });
    return page(locator, 0, batch);
  }

  function page(locator: string, offset: number, batch: number): FakeReply {
    const found = locators.get(locator);
    if (!found) return refuse(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const ids = found.ids.slice(offset, offset + batch);
    const done = offset + batch >= found.ids.length;
    return {
      status: 200,
      body: {
        totalSize: found.ids.length,
        done,
        ...(done ? {} : { nextRecordsUrl: `${API}/query/${locator}-${offset + batch}` }),
        records: ids.map((id) => view(contacts.get(id)!, found.fields)),
      },
    };
  }

  const login = await startFakeApi(({ method, url, body }) => {
    if (method !== 'POST' || url.pathname !== '/services/oauth2/token') return refuse(404, 'NOT_FOUND', 'The requested resource does not exist');
    const form = new URLSearchParams(String(body ?? ''));
    if (form.get('client_id') !== options.oauthClient.id || form.get('client_secret') !== options.oauthClient.secret) return { status: 400, body: { error: 'invalid_client_id', error_description: 'client identifier invalid' } };
    if (form.get('grant_type') !== 'refresh_token' || !refreshTokens.has(form.get('refresh_token') ?? '')) return { status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } };
    const access = `00D000000000001!${randomUUID()}`;
    tokens.add(access);
    return {
      status: 200,
      body: { access_token: access, instance_url: instanceUrl, id: `https://login.salesforce.com/id/00D000000000001EAA/${INTEGRATION_USER}`, token_type: 'Bearer', issued_at: String(Date.now()), signature: 'c2lnbmF0dXJl', scope: 'api refresh_token' },
    };
  });

  const api = await startFakeApi(({ method, url, headers, body }) => {
    if (!tokens.has(String(headers.authorization ?? '').replace(/^Bearer /, ''))) return refuse(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    const path = url.pathname;
    if (method === 'GET' && path === `${API}/limits`) return { status: 200, body: { DailyApiRequests: { Max: 15000, Remaining: 14990 } } };
    if (method === 'GET' && path === `${API}/query`) return query(url.searchParams.get('q') ?? '', headers['sforce-query-options'] as string | undefined);
    const more = new RegExp(`^${API}/query/(01g\\w+)-(\\d+)$`).exec(path);
    if (method === 'GET' && more) return page(more[1]!, Number(more[2]), Math.min(2000, Math.max(200, Number(/batchSize=(\d+)/.exec(String(headers['sforce-query-options'] ?? ''))?.[1] ?? 2000))));
    if (method === 'GET' && path === `${CONTACT}/describe`) return { status: 200, body: { name: 'Contact', label: 'Contact', fields: schema } };
    const fields = (body ?? {}) as Record<string, unknown>;
    if (method === 'POST' && path === CONTACT) {
      const made = create(fields);
      return made.refused ?? { status: 201, body: { id: made.contact!.Id, success: true, errors: [] } };
    }
    const byKey = new RegExp(`^${CONTACT}/(\\w+)/([^/]+)$`).exec(path);
    if (method === 'PATCH' && byKey) {
      const key = known(byKey[1]!);
      if (!key || !(key.externalId || key.name === 'Id')) return refuse(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${byKey[1]}`);
      const value = decodeURIComponent(byKey[2]!);
      const matches = live().filter((c) => String(c[key.name] ?? '') === value);
      if (matches.length > 1) return { status: 300, body: matches.map((c) => `${CONTACT}/${c.Id}`) };
      if (matches.length === 0) {
        const made = create({ ...fields, [key.name]: value });
        return made.refused ?? { status: 201, body: { id: made.contact!.Id, success: true, errors: [], created: true } };
      }
      const refused = validate(fields, false, matches[0]);
      if (refused) return refused;
      write(matches[0]!, fields);
      return { status: 200, body: { id: matches[0]!.Id, success: true, errors: [], created: false } };
    }
    const one = new RegExp(`^${CONTACT}/(\\w+)$`).exec(path);
    const contact = one ? contacts.get(one[1]!) : undefined;
    if (one && (!contact || deleted.has(contact.Id))) return refuse(404, 'NOT_FOUND', 'The requested resource does not exist');
    if (one && method === 'GET') {
      const wanted = (url.searchParams.get('fields') ?? schema.map((f) => f.name).join(',')).split(',');
      const unknown = wanted.find((f) => !known(f));
      if (unknown) return refuse(400, 'INVALID_FIELD', `No such column '${unknown}' on entity 'Contact'.`);
      return { status: 200, body: view(contact!, wanted.map((f) => known(f)!.name)) };
    }
    if (one && method === 'PATCH') {
      const refused = validate(fields, false, contact);
      if (refused) return refused;
      write(contact!, fields);
      return { status: 204 };
    }
    if (one && method === 'DELETE') {
      deleted.add(contact!.Id);
      return { status: 204 };
    }
    return refuse(404, 'NOT_FOUND', 'The requested resource does not exist');
  });
  instanceUrl = api.url;
  return {
    ...api,
    login,
    contacts,
    deleted,
    seed,
    removeField: (name) => {
      const index = schema.findIndex((f) => f.name === name);
      if (index >= 0) schema.splice(index, 1);
    },
    tokens,
    refreshTokens,
    close: async () => {
      await api.close();
      await login.close();
    },
  };
}
