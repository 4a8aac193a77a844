/**
 * RecordGateway over a REST API (kinds `rest` and `demo-crm`), by convention:
 *   create   POST   {base}/{objectType}            -> { id }
 *   update   PATCH  {base}/{objectType}/{id}       (404: the record is gone, so it is created again)
 *   find     GET    {base}/{objectType}?{field}={value} -> [...] or { items | data | results: [...] }
 *   delete   DELETE {base}/{objectType}/{id} (hard and soft: over REST the API decides how it deletes,
 *            e.g. the demo CRM soft-deletes) | PATCH { flaggedForDeletion: true } (flag)
 *   read     GET    {base}/{objectType}/{id}       (404: absent)
 *   anonymise POST  {base}/{objectType}/{id}/anonymise { fields } when the API offers it (the demo CRM
 *            does, and also scrubs its webhook history); 404/405 there: PATCH with the fields set to null
 * Every write carries `Idempotency-Key: <run>:<node>:<index>` so an API that honours it never applies
 * a retried write twice. 408, 429 and 5xx are transient (retried); other 4xx are the user's to fix.
 */
import { TransientError, UserError } from '../../flows-engine/index';
import type { HttpResponse, RecordGateway, UpsertRecordResult } from '../../nodes/effect-deps';
import { explainStatus } from '../connections/http-client';
import type { ResolvedConnection } from '../connections/resolve';
import { sendWithConnection } from './http-connector';

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

function collection(objectType: string): string {
  if (!SEGMENT.test(objectType)) throw new UserError(`Object type "${objectType}" cannot be used in a URL (letters, digits, _ . - only).`, { field: 'objectType' });
  return objectType;
}

function check(response: HttpResponse, what: string, options: { allow404?: boolean } = {}): boolean {
  if (response.status >= 200 && response.status < 300) return true;
  if (response.status === 404 && options.allow404) return false;
  const message = `${what}: ${explainStatus(response.status)}${typeof response.body === 'object' && response.body ? ` ${JSON.stringify(response.body).slice(0, 300)}` : ''}`;
  if (response.status === 408 || response.status === 429 || response.status >= 500) throw new TransientError(message);
  throw new UserError(message);
}

function idOf(body: unknown, what: string): string {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  throw new UserError(`${what}: the answer has no "id" field.`);
}

function listOf(body: unknown): unknown[] {
  const list = Array.isArray(body) ? body : ((body as Record<string, unknown>)?.items ?? (body as Record<string, unknown>)?.data ?? (body as Record<string, unknown>)?.results);
  return Array.isArray(list) ? list : [];
}

/** The ids of the records whose `field` equals `value` (`GET {base}/{objectType}?{field}={value}`), exact matches only. */
export async function findRestIds(connection: ResolvedConnection, objectType: string, field: string, value: string): Promise<string[]> {
  const path = collection(objectType);
  const response = await sendWithConnection(connection, { method: 'GET', url: `${path}?${new URLSearchParams({ [field]: value, includeDeleted: 'true' })}` });
  check(response, `GET ${path}`);
  // An API that ignores the filter answers with everything: keep only the records that really match.
  return listOf(response.body)
    .filter((r) => String((r as Record<string, unknown>)?.[field] ?? '').toLowerCase() === value.toLowerCase())
    .map((r) => idOf(r, `GET ${path}`));
}

export function createRestGateway(resolve: (connectionId: string) => Promise<ResolvedConnection>): RecordGateway {
  return {
    async upsertMany({ connectionId, objectType, records, idempotencyKey }) {
      const connection = await resolve(connectionId);
      const path = collection(objectType);
      const results: UpsertRecordResult[] = [];
      for (const [index, record] of records.entries()) {
        const key = `${idempotencyKey}:${index}`;
        let targetId = record.externalId;
        const natural = record.naturalKey;
        // No value, no match: an empty filter could list every record.
        if (!targetId && natural && natural.value !== null && natural.value !== undefined && natural.value !== '') {
          const query = new URLSearchParams({ [natural.field]: String(natural.value) });
          const found = await sendWithConnection(connection, { method: 'GET', url: `${path}?${query}` });
          check(found, `GET ${path}`);
          // An API that ignores the filter answers with everything: take only a record that really matches.
          const match = listOf(found.body).find((r) => String((r as Record<string, unknown>)?.[natural.field] ?? '') === String(natural.value));
          if (match) targetId = idOf(match, `GET ${path}`);
        }
        if (targetId) {
          const updated = await sendWithConnection(connection, { method: 'PATCH', url: `${path}/${encodeURIComponent(targetId)}`, body: record.fields, idempotencyKey: key });
          if (check(updated, `PATCH ${path}/${targetId}`, { allow404: true })) {
            results.push({ externalId: targetId, created: false });
            continue;
          }
        }
        const created = await sendWithConnection(connection, { method: 'POST', url: path, body: record.fields, idempotencyKey: key });
        check(created, `POST ${path}`);
        results.push({ externalId: idOf(created.body, `POST ${path}`), created: true });
      }
      return results;
    },

    async deleteMany({ connectionId, objectType, externalIds, mode, idempotencyKey }) {
      const connection = await resolve(connectionId);
      const path = collection(objectType);
      for (const [index, id] of externalIds.entries()) {
        const url = `${path}/${encodeURIComponent(id)}`;
        const request = mode === 'flag' ? { method: 'PATCH', url, body: { flaggedForDeletion: true } } : { method: 'DELETE', url };
        const response = await sendWithConnection(connection, { ...request, idempotencyKey: `${idempotencyKey}:${index}` });
        check(response, `${request.method} ${url}`, { allow404: true }); // already gone is what we wanted
      }
    },

    async readMany({ connectionId, objectType, externalIds }) {
      const connection = await resolve(connectionId);
      const path = collection(objectType);
      const found = new Map<string, Record<string, unknown>>();
      for (const id of externalIds) {
        const url = `${path}/${encodeURIComponent(id)}`;
        const response = await sendWithConnection(connection, { method: 'GET', url });
        if (check(response, `GET ${url}`, { allow404: true }) && response.body && typeof response.body === 'object') found.set(id, response.body as Record<string, unknown>);
      }
      return found;
    },

    async anonymiseMany({ connectionId, objectType, externalIds, fields, idempotencyKey }) {
      const connection = await resolve(connectionId);
      const path = collection(objectType);
      const body = Object.fromEntries(fields.map((f) => [f, null]));
      for (const [index, id] of externalIds.entries()) {
        const url = `${path}/${encodeURIComponent(id)}`;
        const key = `${idempotencyKey}:${index}`;
        const dedicated = await sendWithConnection(connection, { method: 'POST', url: `${url}/anonymise`, body: { fields }, idempotencyKey: key });
        if (dedicated.status !== 404 && dedicated.status !== 405) {
          check(dedicated, `POST ${url}/anonymise`);
          continue;
        }
        check(await sendWithConnection(connection, { method: 'PATCH', url, body, idempotencyKey: key }), `PATCH ${url}`, { allow404: true });
      }
    },
  };
}

