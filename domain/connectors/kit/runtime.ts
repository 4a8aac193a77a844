/**
 * The generic runtime of declared connectors: records (upsert by id or natural key, delete, read,
 * anonymise), "find ids by field", and one page of a listing (changes since a time, or every
 * record). It knows no system: everything system-specific comes from the declaration.
 */
import { UserError } from '../../../flows-engine/index';
import type { RecordGateway, UpsertRecordResult } from '../../../nodes/effect-deps';
import type { ResolvedConnection } from '../../connections/resolve';
import { UNORDERED_READ_LIMIT, type ChangesDeclaration, type ListDeclaration, type ObjectDeclaration, type RequestTemplate } from './define-connector';
import { forgetConnectorToken } from './auth';
import { declaredObject, type DeclaredObject } from './declared-object';
import { fieldsOf } from './discover-fields';
import { nextPosition, pageRequest, parsePosition } from './paging';
import { createRequester } from './requester';
import { readOne, renderText } from './templates';

export { declaredObject, type DeclaredObject } from './declared-object';

function purpose(object: DeclaredObject, action: string) {
  return { object: object.declaration.label, action };
}

/** A record as flows see it: its fields flat, beside its id. */
export function recordView(object: ObjectDeclaration, raw: unknown): Record<string, unknown> {
  const record = (raw ?? {}) as Record<string, unknown>;
  const nested = object.shape?.fieldsAt ? record[object.shape.fieldsAt] : undefined;
  if (!nested || typeof nested !== 'object') return record;
  return { [object.idField]: record[object.idField], ...(nested as Record<string, unknown>) };
}

function unwrap(object: ObjectDeclaration, body: unknown): unknown {
  const envelope = object.shape?.envelope;
  return envelope && body && typeof body === 'object' ? (body as Record<string, unknown>)[envelope] : body;
}

function writeBody(object: DeclaredObject, fields: Readonly<Record<string, unknown>>, creating: boolean): unknown {
  const statics = object.declaration.fields.static;
  for (const name of Object.keys(fields)) {
    if (statics.find((f) => f.name === name)?.readOnly) {
      throw new UserError(`${object.requester.declaration.label} · ${object.declaration.label}: “${name}” is read-only; remove it from the fields written.`, { field: name });
    }
  }
  if (creating) {
    const missing = statics.find((f) => f.required && (fields[f.name] === undefined || fields[f.name] === null || fields[f.name] === ''));
    if (missing) throw new UserError(`${object.requester.declaration.label} · ${object.declaration.label}: “${missing.name}” is required to create a record.`, { field: missing.name });
  }
  const { fieldsAt, envelope } = object.declaration.shape ?? {};
  const inner = fieldsAt ? { [fieldsAt]: fields } : fields;
  return envelope ? { [envelope]: inner } : inner;
}

function idOf(object: DeclaredObject, record: unknown, action: string): string {
  return idText(object, (record as Record<string, unknown> | null)?.[object.declaration.idField], action);
}

/** The id of the record a write made or changed: at `idPath` of the answer, else the record's id field. */
function writtenId(object: DeclaredObject, body: unknown, idPath: string | undefined, action: string): string {
  return idPath ? idText(object, readOne(body, idPath), action) : idOf(object, unwrap(object.declaration, body), action);
}

function idText(object: DeclaredObject, id: unknown, action: string): string {
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  throw new UserError(`${object.requester.declaration.label} · ${object.declaration.label}: the answer to ${action} has no “${object.declaration.idField}” (the id field).`, { field: object.declaration.idField });
}

function operation<K extends 'create' | 'update' | 'delete' | 'findBy'>(object: DeclaredObject, key: K, verb: string): NonNullable<ObjectDeclaration[K]> {
  const op = object.declaration[key];
  if (!op) throw new UserError(`${object.requester.declaration.label} · ${object.declaration.label}: records cannot be ${verb} through this connector.`, { field: 'objectType' });
  return op as NonNullable<ObjectDeclaration[K]>;
}

function sameValue(a: unknown, b: unknown): boolean {
  return String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase();
}

/** Ids of the records whose `field` equals `value` (checked again on the answer: a system may match loosely). */
export async function findDeclaredIds(object: DeclaredObject, field: string, value: string): Promise<string[]> {
  return (await findDeclared(object, field, value)).map((record) => idOf(object, record, `finding by “${field}”`));
}

/** The records (as flows see them) whose `field` equals `value`. */
async function findDeclared(object: DeclaredObject, field: string, value: string): Promise<Record<string, unknown>[]> {
  const op = operation(object, 'findBy', 'searched by a field');
  const names = await fieldNames(object);
  const answer = await sendNaming(object, names, () =>
    object.requester.send({ template: op, values: { ...object.requester.values, field, value, fieldNames: names }, purpose: purpose(object, `finding by “${field}”`) }),
  );
  return recordsAt(answer.body, op.records)
    .map((raw) => recordView(object.declaration, raw))
    .filter((record) => sameValue(record[field], value));
}

/** The found record already holds every value to write (text as the systems give it back, null as missing). */
function holdsAll(found: Record<string, unknown>, fields: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(fields).every(([name, value]) => (found[name] ?? null) === (value ?? null) || (found[name] != null && value != null && String(found[name]) === String(value)));
}

/** The record list at a path of an answer ('' when the answer is the list), or [] when there is none. */
function recordsAt(body: unknown, path: string): unknown[] {
  const list = path === '' ? body : readOne(body, path);
  return Array.isArray(list) ? list : [];
}

/** The fields a request asks for by name: the static ones, and the discovered ones when the object says `select`. */
async function fieldNames(object: DeclaredObject): Promise<string[]> {
  const { static: statics, discover } = object.declaration.fields;
  return (discover?.select ? await fieldsOf(object) : statics).map((f) => f.name);
}

/**
 * A refusal that names no field, of a request that named fields the object discovers: when one of
 * them is gone from a fresh field list (deleted or renamed in the system since the flow was
 * published), that is the analyst's answer, located on the field. Otherwise the refusal as it was.
 */
async function explainVanishedField(object: DeclaredObject, sent: readonly string[], error: unknown): Promise<unknown> {
  if (!(error instanceof UserError) || error.location.field || !object.declaration.fields.discover) return error;
  const known = new Set((await fieldsOf(object, { refresh: true })).map((f) => f.name.toLowerCase()));
  const gone = sent.find((name) => !known.has(name.toLowerCase()));
  if (!gone) return error;
  const system = object.requester.declaration.label;
  return new UserError(`${system} · ${object.declaration.label}: the field “${gone}” no longer exists in ${system} (deleted or renamed since the flow was published). Refresh the fields and map the step again.`, { field: gone });
}

/** Sends a request whose failure may come from a field that no longer exists. */
async function sendNaming<T>(object: DeclaredObject, sent: readonly string[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw await explainVanishedField(object, sent, error);
  }
}

/** Runs `work` over items with the connection's concurrency (the requester enforces the limit). */
async function eachInParallel<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  return Promise.all(items.map((item, index) => work(item, index)));
}

export function createDeclaredGateway(resolve: (connectionId: string) => Promise<ResolvedConnection>): RecordGateway {
  const objectOf = async (connectionId: string, objectType: string) => declaredObject(await resolve(connectionId), objectType);
  return {
    async upsertMany({ connectionId, objectType, records }) {
      const object = await objectOf(connectionId, objectType);
      const values = object.requester.values;
      const nativeUpsert = object.declaration.upsert;
      const keyFields = nativeUpsert ? new RegExp(`^(?:${renderText(nativeUpsert.keyFields, values)})$`) : null;
      const upsertOne = async (record: (typeof records)[number]): Promise<UpsertRecordResult> => {
        let targetId = record.externalId;
        const natural = record.naturalKey;
        const hasKey = natural && natural.value !== null && natural.value !== undefined && natural.value !== '';
        if (!targetId && hasKey && nativeUpsert && keyFields?.test(natural.field)) {
          // The system matches on its own key, in one request (Salesforce external ids, Dataverse alternate keys).
          const answer = await object.requester.send({ template: nativeUpsert, values: { ...values, field: natural.field, value: String(natural.value) }, body: writeBody(object, record.fields, false), purpose: purpose(object, `upsert by “${natural.field}”`) });
          return { externalId: writtenId(object, answer.body, nativeUpsert.idPath, 'upsert'), created: answer.status === 201 };
        }
        // No value, no match: an empty filter could match every record.
        if (!targetId && hasKey) {
          const [found] = await findDeclared(object, natural.field, String(natural.value));
          targetId = found ? idOf(object, found, `finding by “${natural.field}”`) : undefined;
          // A write of nothing new would stamp the record as the integration's and hide a person's pending change
          // from a poller's loop guard; on a two-way sync it is the echo of this very record coming back.
          if (found && targetId && holdsAll(found, record.fields)) return { externalId: targetId, created: false, unchanged: true };
        }
        if (targetId) {
          const update = operation(object, 'update', 'updated');
          const answer = await object.requester.send({ template: update, values: { ...values, id: targetId }, body: writeBody(object, record.fields, false), purpose: purpose(object, 'update'), accept: [404] });
          if (answer.status !== 404) return { externalId: targetId, created: false };
        }
        const create = operation(object, 'create', 'created');
        const answer = await object.requester.send({ template: create, values, body: writeBody(object, record.fields, true), purpose: purpose(object, 'create') });
        return { externalId: writtenId(object, answer.body, create.idPath, 'create'), created: true };
      };
      // Records that match on the same natural key go one after the other (the second must find
      // the first); the others run in parallel up to the connection's declared concurrency.
      const groups = new Map<string, number[]>();
      records.forEach((record, index) => {
        const key = record.externalId ? `id:${record.externalId}` : record.naturalKey ? `key:${String(record.naturalKey.value).toLowerCase()}` : `new:${index}`;
        groups.set(key, [...(groups.get(key) ?? []), index]);
      });
      const results: UpsertRecordResult[] = new Array(records.length);
      await eachInParallel([...groups.values()], async (indexes) => {
        for (const index of indexes) results[index] = await sendNaming(object, Object.keys(records[index]!.fields), () => upsertOne(records[index]!));
      });
      return results;
    },

    async deleteMany({ connectionId, objectType, externalIds, mode }) {
      if (externalIds.length === 0) return;
      const object = await objectOf(connectionId, objectType);
      if (mode === 'flag') throw new UserError(`${object.requester.declaration.label} · ${object.declaration.label}: records cannot be flagged for deletion; choose delete.`, { field: 'mode' });
      const hard = mode === 'hard' ? object.declaration.hardDelete : undefined;
      const steps: RequestTemplate[] = hard ? (hard.afterDelete ? [operation(object, 'delete', 'deleted'), hard] : [hard]) : [operation(object, 'delete', 'deleted')];
      // Already gone is what we wanted (404 accepted).
      await eachInParallel(externalIds, async (id) => {
        for (const template of steps) await object.requester.send({ template, values: { ...object.requester.values, id }, purpose: purpose(object, 'delete'), accept: [404] });
      });
    },

    async readMany({ connectionId, objectType, externalIds }) {
      const object = await objectOf(connectionId, objectType);
      const found = new Map<string, Record<string, unknown>>();
      const names = await fieldNames(object);
      await eachInParallel(externalIds, async (id) => {
        const answer = await sendNaming(object, names, () =>
          object.requester.send({ template: object.declaration.get, values: { ...object.requester.values, id, fieldNames: names }, purpose: purpose(object, 'read'), accept: [404] }),
        );
        if (answer.status !== 404) found.set(id, recordView(object.declaration, unwrap(object.declaration, answer.body)));
      });
      return found;
    },

    async anonymiseMany({ connectionId, objectType, externalIds, fields }) {
      const object = await objectOf(connectionId, objectType);
      const update = operation(object, 'update', 'updated');
      const body = writeBody(object, Object.fromEntries(fields.map((f) => [f, null])), false);
      await eachInParallel(externalIds, (id) => object.requester.send({ template: update, values: { ...object.requester.values, id }, body, purpose: purpose(object, 'anonymise'), accept: [404] }));
    },
  };
}

function formatSince(since: string | null, format: ChangesDeclaration['sinceFormat']): string | number {
  const ms = since ? Date.parse(since) : 0; // never polled: everything since the epoch
  switch (format) {
    case 'iso':
      return new Date(ms).toISOString();
    case 'isoSeconds':
      return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    case 'unixSeconds':
      return Math.floor(ms / 1000);
    case 'unixMs':
      return ms;
    default: {
      const never: never = format;
      throw new Error(`unknown since format ${String(never)}`);
    }
  }
}

/**
 * Every change of a listing whose order is not documented, sorted by modified-at and id: the whole
 * set is read in one call so a page never skips an older record that a later page would carry.
 */
async function readUnorderedChanges(object: DeclaredObject, since: string | null): Promise<Record<string, unknown>[]> {
  const { modifiedAtField, idField, label } = object.declaration;
  const all: Record<string, unknown>[] = [];
  let position: string | null = null;
  do {
    const page = await readDeclaredPage(object, { since, changesOnly: true, position, limit: object.declaration.changes.maxPageSize, whole: true });
    all.push(...page.records);
    position = page.next;
    if (all.length > UNORDERED_READ_LIMIT) {
      throw new UserError(`${object.requester.declaration.label} · ${label}: more than ${UNORDERED_READ_LIMIT} records changed since the last check; load them with a bulk load first, then poll.`, { field: 'objectType' });
    }
  } while (position);
  const stamp = (r: Record<string, unknown>) => Date.parse(String(r[modifiedAtField] ?? ''));
  return all.sort((a, b) => stamp(a) - stamp(b) || String(a[idField]).localeCompare(String(b[idField])));
}

/** One page of a listing: the records as flows see them, and the position of the next page. */
export async function readDeclaredPage(
  object: DeclaredObject,
  request: { since: string | null; changesOnly: boolean; position: string | null; limit: number; whole?: boolean },
): Promise<{ records: Record<string, unknown>[]; next: string | null }> {
  if (request.changesOnly && object.declaration.changes.ordered === false && !request.whole) {
    return { records: await readUnorderedChanges(object, request.since), next: null };
  }
  const list: ListDeclaration = request.changesOnly ? object.declaration.changes : object.declaration.list;
  const limit = Math.min(request.limit, list.maxPageSize);
  const position = parsePosition(request.position);
  const page = pageRequest(list, position);
  const names = await fieldNames(object);
  const values = {
    ...object.requester.values,
    limit,
    fieldNames: names,
    ...(request.changesOnly ? { since: formatSince(request.since, object.declaration.changes.sinceFormat) } : {}),
    ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
  };
  const answer = await sendNaming(object, names, () =>
    object.requester.send({ template: page.template, values, ...(page.url ? { url: page.url } : {}), purpose: purpose(object, request.changesOnly ? 'listing changes' : 'listing records') }),
  );
  const list_ = list.records === '' ? answer.body : readOne(answer.body, list.records);
  if (!Array.isArray(list_)) {
    throw new UserError(`${object.requester.declaration.label} · ${object.declaration.label}: the answer has no record list at “${list.records}”.`, { field: 'objectType' });
  }
  const { idField } = object.declaration;
  const missing = list_.findIndex((raw) => { const id = (raw as Record<string, unknown> | null)?.[idField]; return id === undefined || id === null || id === ''; });
  if (missing >= 0) {
    // A record without its id cannot be matched, written back or remembered in a cursor: refuse the page, say where.
    throw new UserError(`${object.requester.declaration.label} · ${object.declaration.label}: record ${missing + 1} of the answer has no “${idField}” (the id field), so it cannot be synced.`, { field: idField });
  }
  return { records: list_.map((raw) => recordView(object.declaration, raw)), next: nextPosition(list, answer, position, { count: list_.length, limit }) };
}

/** "Test connection" for a declared connector: its declared check request, signed. */
export async function checkDeclared(connection: ResolvedConnection): Promise<string> {
  forgetConnectorToken(connection); // a test must prove the credentials work now, not that a token was cached
  const requester = createRequester(connection);
  const answer = await requester.send({ template: requester.declaration.check, values: requester.values, purpose: { object: 'connection', action: 'the connection test' } });
  return `${requester.declaration.label}: ${requester.declaration.check.method ?? 'GET'} ${new URL(answer.url).pathname} answered HTTP ${answer.status}.`;
}

