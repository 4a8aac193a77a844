/**
 * The generic REST connector: a REST API an admin defines in the connections page (or imports from
 * an OpenAPI 3 document) instead of a declaration file. The definition is stored in the connection's
 * settings (`connector: 'custom-rest'`, `definition: {...}`), checked here field by field, and turned
 * into an ordinary `ConnectorDeclaration` — so it runs through the same kit runtime (requester,
 * paging, change detection, errors) as HubSpot and the other declared systems; there is no second
 * HTTP path. A definition that does not check out is refused when saved and when read (fail closed).
 */
import { z } from 'zod';
import { defineConnector, type AuthDeclaration, type ConnectorDeclaration, type FieldType, type ObjectDeclaration, type PaginationDeclaration, type RequestTemplate } from './define-connector';
import type { ImportedApi } from './openapi-import';

/** The reserved connector id of an admin-defined REST API. */
export const CUSTOM_REST_ID = 'custom-rest';

const FIELD_TYPES = ['string', 'number', 'boolean', 'datetime', 'date', 'email', 'phone', 'enum', 'json'] as const satisfies readonly FieldType[];
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const PARAM = /^[A-Za-z0-9_.$[\]-]+$/;

const path = (label: string) =>
  z
    .string()
    .trim()
    .refine((p) => p === '' || p.startsWith('/'), `${label}: a path starting with /, relative to the base URL (e.g. /contacts/{{id}}).`)
    .refine((p) => !p.includes('{{secret'), `${label}: the secret cannot be placed in a path.`);
const requiredPath = (label: string) => path(label).refine((p) => p !== '', `${label}: enter the path (e.g. /contacts).`);
const param = (label: string) => z.string().trim().regex(PARAM, `${label}: a query parameter name (letters, digits, _ - . $ [ ]).`);

const AuthSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('apiKey'), in: z.enum(['header', 'query'], { error: 'auth.in: send the API key in a header or in the query.' }), name: param('auth.name') }),
    z.object({ type: z.literal('bearer') }),
    z.object({ type: z.literal('basic'), username: z.string().trim().min(1, 'auth.username: enter the user name for basic sign-in.') }),
    z.object({
      type: z.literal('oauth2ClientCredentials'),
      tokenUrl: z.url({ protocol: /^https?$/, error: 'auth.tokenUrl: enter the OAuth2 token endpoint URL (https://…).' }),
      clientId: z.string().trim().min(1, 'auth.clientId: enter the OAuth2 client id.'),
      scope: z.string().trim().default(''),
    }),
  ],
  { error: 'auth.type: choose none, API key, bearer, basic or OAuth2 client credentials.' },
);

const PaginationSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('cursor'), tokenPath: z.string().trim().min(1, 'pagination.tokenPath: where the answer holds the next cursor (e.g. nextCursor).'), param: param('pagination.param') }),
    z.object({ type: z.literal('nextUrl'), urlPath: z.string().trim().min(1, 'pagination.urlPath: where the answer holds the next page’s URL (e.g. links.next).') }),
    z.object({ type: z.literal('linkHeader') }),
    z.object({ type: z.literal('offset'), offsetParam: param('pagination.offsetParam') }),
    z.object({ type: z.literal('page'), pageParam: param('pagination.pageParam'), firstPage: z.coerce.number().int().min(0).default(1) }),
  ],
  { error: 'pagination.type: choose cursor, next URL, Link header, offset/limit, page number or none.' },
);

const FieldSchema = z.object({
  name: z.string().trim().min(1, 'fields: every field needs a name.'),
  label: z.string().trim().optional(),
  type: z.enum(FIELD_TYPES, { error: `fields: a type is one of ${FIELD_TYPES.join(', ')}.` }),
  required: z.boolean().default(false),
  readOnly: z.boolean().default(false),
  options: z.array(z.string()).optional(),
});

const ObjectSchema = z.object({
  name: z.string().trim().regex(NAME, 'name: an object name of letters, digits and underscores, starting with a letter (e.g. contacts).'),
  label: z.string().trim().min(1, 'label: enter the object’s name as analysts know it.'),
  idField: z.string().trim().min(1, 'idField: enter the field that holds the record id.'),
  modifiedAtField: z.string().trim().min(1, 'modifiedAtField: enter the field that holds when a record last changed.'),
  modifiedByField: z.string().trim().default(''),
  /** Where the list answer holds the records ('' when the answer is the list). */
  records: z.string().trim().default(''),
  listPath: requiredPath('listPath'),
  getPath: requiredPath('getPath'),
  createPath: path('createPath').default(''),
  updatePath: path('updatePath').default(''),
  updateMethod: z.enum(['PATCH', 'PUT'], { error: 'updateMethod: PATCH or PUT.' }).default('PATCH'),
  deletePath: path('deletePath').default(''),
  /** The query parameter of the page size ('' when the API takes none). */
  limitParam: z.string().trim().default('limit').refine((p) => p === '' || PARAM.test(p), 'limitParam: a query parameter name.'),
  maxPageSize: z.coerce.number({ error: 'maxPageSize: a number of records.' }).int().min(1, 'maxPageSize: at least 1.').max(10_000, 'maxPageSize: at most 10,000.').default(100),
  pagination: PaginationSchema.default({ type: 'none' }),
  /** Change detection: the query parameter that takes "modified since" ('' when the API has none: every poll reads all and sorts). */
  sinceParam: z.string().trim().default('').refine((p) => p === '' || PARAM.test(p), 'sinceParam: a query parameter name (e.g. modifiedSince).'),
  sinceFormat: z.enum(['iso', 'isoSeconds', 'unixSeconds', 'unixMs'], { error: 'sinceFormat: iso, isoSeconds, unixSeconds or unixMs.' }).default('iso'),
  /** Find records by a field with `?{field}={value}` on the list path (upsert by match, GDPR requests). */
  findByQuery: z.boolean().default(false),
  fields: z.array(FieldSchema).default([]),
});

export const CustomRestDefinitionSchema = z
  .object({
    label: z.string().trim().min(1, 'label: enter the API’s name.').default('Custom REST API'),
    baseUrl: z.url({ protocol: /^https?$/, error: 'baseUrl: enter the API base URL, starting with http:// or https://.' }),
    auth: AuthSchema,
    /** Requested by "Test connection" ('' → the first object's list). */
    checkPath: path('checkPath').default(''),
    concurrency: z.coerce.number().int().min(1).max(32).default(4),
    objects: z.array(ObjectSchema).min(1, 'objects: define at least one object (e.g. contacts at /contacts).'),
  })
  .superRefine((definition, ctx) => {
    const seen = new Set<string>();
    definition.objects.forEach((object, index) => {
      if (seen.has(object.name)) ctx.addIssue({ code: 'custom', path: ['objects', index, 'name'], message: `name: two objects are called “${object.name}”.` });
      seen.add(object.name);
    });
  });
export type CustomRestDefinition = z.infer<typeof CustomRestDefinitionSchema>;
type CustomObject = CustomRestDefinition['objects'][number];

function authDeclaration(auth: CustomRestDefinition['auth']): AuthDeclaration {
  switch (auth.type) {
    case 'none':
      return { type: 'none' };
    case 'apiKey':
      return { type: 'apiKey', label: 'API key', in: auth.in, name: auth.name };
    case 'bearer':
      return { type: 'bearer', label: 'Bearer token' };
    case 'basic':
      return { type: 'basic', label: 'Password', username: '{{params.username}}', password: '{{secret}}' };
    case 'oauth2ClientCredentials':
      return { type: 'oauth2ClientCredentials', label: 'Client secret', tokenUrl: auth.tokenUrl, scopes: auth.scope.split(/\s+/).filter(Boolean), clientIdParam: 'clientId', clientAuth: 'basic' };
  }
}

function pagination(p: CustomObject['pagination']): PaginationDeclaration {
  switch (p.type) {
    case 'cursor':
      return { type: 'cursor', tokenPath: p.tokenPath, param: p.param, in: 'query' };
    case 'nextUrl':
      return { type: 'nextUrl', urlPath: p.urlPath };
    case 'page':
      return { type: 'page', pageParam: p.pageParam, firstPage: p.firstPage };
    default:
      return p;
  }
}

function objectDeclaration(o: CustomObject): ObjectDeclaration {
  const limit: Record<string, string> = o.limitParam ? { [o.limitParam]: '{{limit}}' } : {};
  const list = { method: 'GET' as const, path: o.listPath, query: limit, records: o.records, pagination: pagination(o.pagination), maxPageSize: o.maxPageSize };
  const request = (method: RequestTemplate['method'], p: string): RequestTemplate => ({ method, path: p });
  return {
    label: o.label,
    idField: o.idField,
    modifiedAtField: o.modifiedAtField,
    ...(o.modifiedByField ? { modifiedByField: o.modifiedByField } : {}),
    fields: { static: o.fields.map((f) => ({ name: f.name, type: f.type, ...(f.label ? { label: f.label } : {}), ...(f.required ? { required: true } : {}), ...(f.readOnly ? { readOnly: true } : {}), ...(f.options ? { options: f.options } : {}) })) },
    list,
    changes: o.sinceParam
      ? { ...list, query: { ...limit, [o.sinceParam]: '{{since}}' }, style: 'queryParam', sinceFormat: o.sinceFormat }
      : { ...list, style: 'queryParam', sinceFormat: o.sinceFormat, ordered: false },
    get: request('GET', o.getPath),
    ...(o.createPath ? { create: request('POST', o.createPath) } : {}),
    ...(o.updatePath ? { update: request(o.updateMethod, o.updatePath) } : {}),
    ...(o.deletePath ? { delete: { ...request('DELETE', o.deletePath), effect: 'hard' as const } } : {}),
    ...(o.findByQuery ? { findBy: { method: 'GET' as const, path: o.listPath, query: { ...limit, '{{field|name}}': '{{value}}' }, records: o.records } } : {}),
  };
}

/** A checked definition as a connector declaration, for the kit runtime. */
export function customRestDeclaration(definition: CustomRestDefinition): ConnectorDeclaration {
  const first = definition.objects[0]!;
  const auth = definition.auth;
  return defineConnector({
    id: CUSTOM_REST_ID,
    label: definition.label,
    docs: [],
    baseUrl: definition.baseUrl,
    params: {
      ...(auth.type === 'basic' ? { username: { label: 'User name', default: auth.username } } : {}),
      ...(auth.type === 'oauth2ClientCredentials' ? { clientId: { label: 'Client id', default: auth.clientId } } : {}),
    },
    auth: { main: authDeclaration(auth) },
    check: { method: 'GET', path: definition.checkPath || first.listPath, query: first.limitParam ? { [first.limitParam]: '1' } : {} },
    objects: Object.fromEntries(definition.objects.map((o) => [o.name, objectDeclaration(o)])),
    rateLimit: { concurrency: definition.concurrency },
  });
}

/** The imported sign-in method the form starts from: the first one a custom REST API can use. */
function importedAuth(api: ImportedApi): CustomRestDefinition['auth'] {
  for (const auth of Object.values(api.auth)) {
    if (auth.type === 'apiKey') return { type: 'apiKey', in: auth.in, name: auth.name };
    if (auth.type === 'bearer') return { type: 'bearer' };
    if (auth.type === 'basic') return { type: 'basic', username: '' };
    if (auth.type === 'oauth2ClientCredentials') return { type: 'oauth2ClientCredentials', tokenUrl: auth.tokenUrl, clientId: '', scope: (auth.scopes ?? []).join(' ') };
  }
  return { type: 'none' };
}

/**
 * A definition prefilled from an imported OpenAPI document: not yet checked (the analyst completes
 * what OpenAPI cannot say — pagination, change detection, a user name — then saves). The imported
 * paths are kept as they are.
 */
export function definitionFromOpenApi(api: ImportedApi): { definition: unknown; notes: readonly string[] } {
  const notes = [...api.notes];
  if (Object.values(api.auth).some((a) => a.type === 'oauth2AuthorizationCode') && importedAuth(api).type === 'none') {
    notes.push('The API signs in with OAuth2 authorization code, which a custom REST API does not offer yet; choose another sign-in.');
  }
  const definition = {
    label: api.title || 'Custom REST API',
    baseUrl: api.baseUrl,
    auth: importedAuth(api),
    checkPath: '',
    concurrency: 4,
    objects: api.objects.map((o) => ({
      name: o.name,
      label: o.label,
      idField: o.idField,
      modifiedAtField: o.modifiedAtField ?? '',
      modifiedByField: o.modifiedByField ?? '',
      records: o.records,
      listPath: o.list?.path ?? '',
      getPath: o.get?.path ?? '',
      createPath: o.create?.path ?? '',
      updatePath: o.update?.path ?? '',
      updateMethod: o.update?.method === 'PUT' ? 'PUT' : 'PATCH',
      deletePath: o.delete?.path ?? '',
      limitParam: 'limit',
      maxPageSize: 100,
      pagination: { type: 'none' },
      sinceParam: '',
      sinceFormat: 'iso',
      findByQuery: false,
      fields: o.fields.map((f) => ({ name: f.name, type: f.type, required: f.required ?? false, readOnly: f.readOnly ?? false, ...(f.label ? { label: f.label } : {}), ...(f.options ? { options: [...f.options] } : {}) })),
    })),
  };
  return { definition, notes };
}
