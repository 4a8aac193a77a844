/**
 * Import from an OpenAPI 3 document (JSON or YAML): the objects and fields of a REST API in the
 * connector kit's terms, to prefill the generic REST connector. Paths become objects (`/contacts` and
 * `/contacts/{contactId}`: list, get, create, update, delete), schemas become fields (types,
 * required, read-only), security schemes become sign-in methods. What OpenAPI does not say
 * (pagination, change detection, the modified-at field when no name gives it away) is left for the
 * analyst; `notes` lists what was skipped and why.
 *
 * Written from the OpenAPI Specification 3.0.3 / 3.1.0 (https://spec.openapis.org/oas/v3.1.0):
 * Paths Object, Operation Object, Request Body Object, Responses Object, Schema Object (`readOnly`,
 * `required`, `allOf`), Reference Object (local `#/components/...` references), Server Object with
 * Server Variables, Security Scheme Object.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { UserError } from '../../../flows-engine/index';
import type { AuthDeclaration, FieldDeclaration, FieldType, RequestTemplate } from './define-connector';

export interface ImportedObject {
  /** A declaration's object name (letters, digits, underscores), from the collection path. */
  readonly name: string;
  readonly label: string;
  readonly idField: string;
  /** Guessed from the field names (`updated_at`, `lastModified`…); absent when none looks like it. */
  readonly modifiedAtField?: string;
  readonly modifiedByField?: string;
  /** Where the list answer holds the records ('' when the answer is the list). */
  readonly records: string;
  readonly list?: RequestTemplate;
  readonly get?: RequestTemplate;
  readonly create?: RequestTemplate;
  readonly update?: RequestTemplate;
  readonly delete?: RequestTemplate;
  readonly fields: readonly FieldDeclaration[];
}

export interface ImportedApi {
  readonly title: string;
  /** The first server's URL, its variables filled with their defaults ('' when the document names none). */
  readonly baseUrl: string;
  readonly auth: Readonly<Record<string, AuthDeclaration>>;
  readonly objects: readonly ImportedObject[];
  /** What was not imported, in an analyst's words. */
  readonly notes: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const RECORD_KEYS = ['data', 'results', 'items', 'records', 'value', 'entries'];
const MODIFIED_AT = /^(updated|modified|last_?modified|last_?updated)(_?at|_?on|_?date|_?time)?$|^(updated|modified)(At|On|Date|Time)$|^lastModified(Date|At|Time)?$/i;
const MODIFIED_BY = /^(updated|modified|last_?modified)_?by(_?id)?$/i;

function fail(message: string, field?: string): never {
  throw new UserError(`OpenAPI import: ${message}`, field ? { field } : {});
}

/** The document as data; a text that is neither JSON nor YAML is refused with the parser's position. */
function parseDocument(text: string): Json {
  const trimmed = text.trim();
  if (!trimmed) fail('the document is empty.');
  let doc: unknown;
  if (trimmed.startsWith('{')) {
    try {
      doc = JSON.parse(trimmed);
    } catch (error) {
      fail(`the document does not parse as JSON: ${(error as Error).message}.`);
    }
  } else {
    try {
      doc = parseYaml(trimmed, { maxAliasCount: 100 });
    } catch (error) {
      const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
      fail(`the document does not parse as YAML${where}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  if (!isObject(doc)) fail('the document is not an object of OpenAPI fields.');
  if (typeof doc.swagger === 'string') fail(`this is a Swagger ${doc.swagger} document; convert it to OpenAPI 3 first (for example with swagger2openapi).`);
  if (typeof doc.openapi !== 'string' || !/^3\./.test(doc.openapi)) fail('the document has no “openapi: 3.x” field; only OpenAPI 3 documents can be imported.');
  if (!isObject(doc.paths)) fail('the document has no paths.');
  return doc;
}

/** Resolves local references (`#/components/schemas/Contact`); `where` names the object and field for errors. */
function resolver(doc: Json) {
  return function resolve(node: unknown, where: string, depth = 0): Json {
    if (!isObject(node)) return {};
    if (depth > 20) fail(`${where}: the schema references itself too deeply.`);
    if (typeof node.$ref !== 'string') return node;
    const ref = node.$ref;
    if (!ref.startsWith('#/')) fail(`${where}: the reference “${ref}” points outside the document; only references inside it (#/components/…) are followed.`);
    let target: unknown = doc;
    for (const part of ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) target = isObject(target) ? target[part] : undefined;
    if (!isObject(target)) fail(`${where}: the reference “${ref}” does not exist in the document.`);
    return resolve(target, where, depth + 1);
  };
}

function titleCase(name: string): string {
  return name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^\w/, (c) => c.toUpperCase());
}

function fieldType(schema: Json): FieldType {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (Array.isArray(schema.enum) && type !== 'boolean') return 'enum';
  switch (type) {
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return schema.format === 'date-time' ? 'datetime' : schema.format === 'date' ? 'date' : schema.format === 'email' ? 'email' : 'string';
    case 'object':
    case 'array':
      return 'json';
    default:
      return 'string';
  }
}

export function importOpenApi(text: string): ImportedApi {
  const doc = parseDocument(text);
  const resolve = resolver(doc);
  const notes: string[] = [];

  /** A schema with `allOf` parts merged (properties and required lists); `oneOf` / `anyOf`: the first choice. */
  function flatten(node: unknown, where: string, depth = 0): { properties: Record<string, Json>; required: string[]; schema: Json } {
    const schema = resolve(node, where);
    const properties: Record<string, Json> = {};
    const required: string[] = Array.isArray(schema.required) ? schema.required.map(String) : [];
    for (const part of Array.isArray(schema.allOf) ? schema.allOf : []) {
      const merged = flatten(part, where, depth + 1);
      Object.assign(properties, merged.properties);
      required.push(...merged.required);
    }
    const choice = Array.isArray(schema.oneOf) ? schema.oneOf[0] : Array.isArray(schema.anyOf) ? schema.anyOf[0] : undefined;
    if (choice !== undefined && depth < 20) {
      const merged = flatten(choice, where, depth + 1);
      Object.assign(properties, merged.properties);
      required.push(...merged.required);
    }
    if (isObject(schema.properties)) {
      for (const [name, property] of Object.entries(schema.properties)) properties[name] = resolve(property, `${where}, field “${name}”`);
    }
    return { properties, required, schema };
  }

  function jsonSchemaOf(holder: unknown, where: string): Json | undefined {
    const resolved = resolve(holder, where);
    const content = isObject(resolved.content) ? resolved.content : {};
    const media = Object.entries(content).find(([type]) => /json/i.test(type))?.[1];
    return isObject(media) && media.schema !== undefined ? resolve(media.schema, where) : undefined;
  }

  function successSchema(operation: Json, where: string): Json | undefined {
    const responses = isObject(operation.responses) ? operation.responses : {};
    const ok = Object.entries(responses).find(([status]) => /^2\d\d$|^2XX$/i.test(status))?.[1];
    return ok === undefined ? undefined : jsonSchemaOf(ok, where);
  }

  const paths = doc.paths as Json;
  const objects: ImportedObject[] = [];
  const taken = new Set<string>();
  for (const [collection, item] of Object.entries(paths)) {
    if (!isObject(item) || /\{[^}]+\}$/.test(collection)) continue;
    const itemPath = Object.keys(paths).find((p) => p.startsWith(`${collection}/{`) && /^\/\{[^}/]+\}$/.test(p.slice(collection.length)));
    const collectionOps = resolve(item, collection);
    const itemOps = itemPath ? resolve(paths[itemPath], itemPath) : {};
    if (!METHODS.some((m) => isObject(collectionOps[m]) || isObject(itemOps[m]))) continue;
    if (/\{[^}]+\}/.test(collection)) {
      notes.push(`${collection} was not imported: it sits under another record (its path needs ${collection.match(/\{[^}]+\}/g)!.join(', ')}).`);
      continue;
    }
    const segment = collection.split('/').filter(Boolean).pop() ?? 'records';
    let name = segment.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z]+/, '') || 'records';
    for (let n = 2; taken.has(name); n++) name = `${name.replace(/_\d+$/, '')}_${n}`;
    taken.add(name);
    const listOp = isObject(collectionOps.get) ? collectionOps.get : undefined;
    const label = titleCase(segment);
    const where = (method: string, path: string) => `${label} (${method} ${path})`;

    // The record's schema: the list's items, else the single read, else the create body.
    let records = '';
    let recordSchema: Json | undefined;
    if (listOp) {
      const answer = successSchema(listOp, where('GET', collection));
      if (answer?.type === 'array' || answer?.items) recordSchema = resolve(answer.items, where('GET', collection));
      else if (answer) {
        const wrapped = flatten(answer, where('GET', collection)).properties;
        const key = RECORD_KEYS.find((k) => wrapped[k]?.type === 'array') ?? Object.keys(wrapped).find((k) => wrapped[k]!.type === 'array');
        if (key) {
          records = key;
          recordSchema = resolve(wrapped[key]!.items, `${where('GET', collection)}, field “${key}”`);
        }
      }
    }
    const getOp = isObject(itemOps.get) ? itemOps.get : undefined;
    if (!recordSchema && getOp && itemPath) recordSchema = successSchema(getOp, where('GET', itemPath));
    const createOp = isObject(collectionOps.post) ? collectionOps.post : undefined;
    const createBody = createOp?.requestBody !== undefined ? jsonSchemaOf(createOp.requestBody, where('POST', collection)) : undefined;
    const none = { properties: {} as Record<string, Json>, required: [] as string[] };
    const record = recordSchema ? flatten(recordSchema, label) : none;
    const body = createBody ? flatten(createBody, where('POST', collection)) : none;
    const required = new Set(createBody ? body.required : record.required);
    const fields: FieldDeclaration[] = Object.entries({ ...body.properties, ...record.properties }).map(([field, schema]) => ({
      name: field,
      type: fieldType(schema),
      ...(typeof schema.title === 'string' ? { label: schema.title } : {}),
      ...(required.has(field) ? { required: true } : {}),
      ...(schema.readOnly === true ? { readOnly: true } : {}),
      ...(Array.isArray(schema.enum) ? { options: schema.enum.map(String) } : {}),
    }));
    if (fields.length === 0) notes.push(`${label}: the document describes no fields for its records; add them by hand.`);

    const param = itemPath ? /\{([^}]+)\}$/.exec(itemPath)![1]! : undefined;
    const idField = param && record.properties[param] ? param : record.properties.id || !param ? 'id' : param;
    const idPath = itemPath ? itemPath.replace(/\{[^}]+\}$/, '{{id|urlSegment}}') : undefined;
    const modifiedAt = fields.find((f) => (f.type === 'datetime' || f.type === 'string') && MODIFIED_AT.test(f.name));
    const modifiedBy = fields.find((f) => MODIFIED_BY.test(f.name));
    if (!modifiedAt) notes.push(`${label}: no field looks like “modified at”; choose it before polling for changes.`);
    const updateMethod = isObject(itemOps.patch) ? 'PATCH' : isObject(itemOps.put) ? 'PUT' : undefined;
    objects.push({
      name,
      label,
      idField,
      ...(modifiedAt ? { modifiedAtField: modifiedAt.name } : {}),
      ...(modifiedBy ? { modifiedByField: modifiedBy.name } : {}),
      records,
      ...(listOp ? { list: { method: 'GET' as const, path: collection } } : {}),
      ...(getOp && idPath ? { get: { method: 'GET' as const, path: idPath } } : {}),
      ...(createOp ? { create: { method: 'POST' as const, path: collection } } : {}),
      ...(updateMethod && idPath ? { update: { method: updateMethod, path: idPath } } : {}),
      ...(isObject(itemOps.delete) && idPath ? { delete: { method: 'DELETE' as const, path: idPath } } : {}),
      fields,
    });
  }
  if (objects.length === 0) fail('the document has no path that lists, reads or writes records (like /contacts and /contacts/{id}).');

  return { title: isObject(doc.info) && typeof doc.info.title === 'string' ? doc.info.title : 'Imported API', baseUrl: baseUrlOf(doc, notes), auth: authOf(doc, notes), objects, notes };
}

function baseUrlOf(doc: Json, notes: string[]): string {
  const server = Array.isArray(doc.servers) ? doc.servers.find(isObject) : undefined;
  if (!server || typeof server.url !== 'string') {
    notes.push('The document names no server: enter the base URL.');
    return '';
  }
  const variables = isObject(server.variables) ? server.variables : {};
  const url = server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && variable.default !== undefined ? String(variable.default) : whole;
  });
  if (!/^https?:\/\//.test(url)) notes.push(`The server URL “${url}” is relative or incomplete: enter the full base URL.`);
  return url.replace(/\/$/, '');
}

function authOf(doc: Json, notes: string[]): Record<string, AuthDeclaration> {
  const schemes = isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const auth: Record<string, AuthDeclaration> = {};
  for (const [id, raw] of Object.entries(schemes)) {
    if (!isObject(raw)) continue;
    const label = typeof raw.description === 'string' && raw.description.length < 80 ? raw.description : titleCase(id);
    const key = id.replace(/[^A-Za-z0-9_]/g, '_');
    if (raw.type === 'http' && String(raw.scheme).toLowerCase() === 'bearer') auth[key] = { type: 'bearer', label };
    else if (raw.type === 'http' && String(raw.scheme).toLowerCase() === 'basic') auth[key] = { type: 'basic', label, username: '{{params.username}}', password: '{{secret}}' };
    else if (raw.type === 'apiKey' && (raw.in === 'header' || raw.in === 'query') && typeof raw.name === 'string') auth[key] = { type: 'apiKey', label, in: raw.in, name: raw.name };
    else if (raw.type === 'oauth2' && isObject(raw.flows)) {
      const { clientCredentials: cc, authorizationCode: code } = raw.flows;
      const scopes = (flow: Json) => (isObject(flow.scopes) ? Object.keys(flow.scopes) : []);
      if (isObject(code) && typeof code.authorizationUrl === 'string' && typeof code.tokenUrl === 'string') {
        auth[key] = { type: 'oauth2AuthorizationCode', label, authorizeUrl: code.authorizationUrl, tokenUrl: code.tokenUrl, scopes: scopes(code), pkce: true, clientIdParam: 'clientId', clientAuth: 'basic' };
      } else if (isObject(cc) && typeof cc.tokenUrl === 'string') {
        auth[key] = { type: 'oauth2ClientCredentials', label, tokenUrl: cc.tokenUrl, scopes: scopes(cc), clientIdParam: 'clientId', clientAuth: 'basic' };
      } else notes.push(`Sign-in “${id}”: only the OAuth2 authorization code and client credentials flows are supported.`);
    } else notes.push(`Sign-in “${id}” (${String(raw.type)}${raw.in ? ` in ${String(raw.in)}` : ''}) is not supported; choose another sign-in.`);
  }
  if (Object.keys(auth).length === 0) auth.none = { type: 'none' };
  return auth;
}
