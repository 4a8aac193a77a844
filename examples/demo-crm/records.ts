/**
 * Contacts and companies in the CRM database: list by (modifiedAt, id), read, create (with an optional
 * Idempotency-Key), partial update, soft delete. Every write stamps modifiedBy/modifiedAt and writes its
 * webhook event in the same transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { Sql } from '../shared/database';
import { HttpError } from '../shared/http';
import { decodeCursor, encodeCursor } from './cursor';
import { enqueueEvent, type CrmRecord } from './outbox';
import { describeIssues, type Resource } from './resources';

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;

export interface ListQuery {
  modifiedSince?: string;
  limit?: string;
  cursor?: string;
  includeDeleted?: string;
  /** Contacts only: exact, case-insensitive email match (natural-key lookups, privacy requests). */
  email?: string;
}

export interface Page {
  data: CrmRecord[];
  nextCursor: string | null;
}

function parseLimit(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PAGE;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw new HttpError(400, `limit must be an integer from 1 to ${MAX_PAGE}, got "${value}"`);
  return n;
}

function parseInstant(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  // Date.parse only validates; the string itself goes to PostgreSQL so microseconds are kept.
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new HttpError(400, `${name} must be an ISO 8601 timestamp such as 2024-05-01T12:00:00.000000Z, got "${value}"`);
  }
  return value;
}

/** JSON fields -> columns, for the fields present in `data`. */
function toColumns(resource: Resource, data: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    if (value !== undefined) row[resource.columns[field]!] = value;
  }
  return row;
}

function requestHash(resource: Resource, data: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]]));
  return createHash('sha256').update(`${resource.name}\n${canonical}`).digest('hex');
}

function translateDbError(err: unknown): never {
  const code = (err as { code?: string }).code;
  if (code === '23503') throw new HttpError(400, 'companyId does not refer to an existing company');
  throw err;
}

export class RecordStore {
  constructor(
    private readonly sql: Sql,
    /** Called after a write commits (the webhook dispatcher wakes up). */
    private readonly onCommit: () => void = () => {},
  ) {}

  async list(resource: Resource, query: ListQuery): Promise<Page> {
    const { sql } = this;
    const limit = parseLimit(query.limit);
    const since = parseInstant('modifiedSince', query.modifiedSince);
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const includeDeleted = query.includeDeleted === 'true';
    const email = query.email?.trim() || undefined;
    if (email && !('email' in resource.columns)) throw new HttpError(400, `${resource.name} cannot be filtered by email`);
    // `::text::timestamptz`, not `::timestamptz`: postgres.js serialises a parameter it is told is a
    // timestamptz through a JS Date, which would cut microseconds and make cursors repeat records.
    const rows = await sql<CrmRecord[]>`
      SELECT ${sql.unsafe(resource.select)} FROM ${sql(resource.name)}
      WHERE true
        ${includeDeleted ? sql`` : sql`AND deleted_at IS NULL`}
        ${email ? sql`AND lower(email) = lower(${email})` : sql``}
        ${since ? sql`AND modified_at >= ${since}::text::timestamptz` : sql``}
        ${cursor ? sql`AND (modified_at, id) > (${cursor.modifiedAt}::text::timestamptz, ${cursor.id})` : sql``}
      ORDER BY modified_at, id
      LIMIT ${limit + 1}`;
    const data = rows.slice(0, limit);
    const last = data.at(-1);
    return { data, nextCursor: rows.length > limit && last ? encodeCursor({ modifiedAt: last.modifiedAt, id: last.id }) : null };
  }

  async get(resource: Resource, id: string): Promise<CrmRecord> {
    const { sql } = this;
    const [record] = await sql<CrmRecord[]>`SELECT ${sql.unsafe(resource.select)} FROM ${sql(resource.name)} WHERE id = ${id}`;
    if (!record) throw new HttpError(404, `${resource.singular} "${id}" not found`);
    return record;
  }

  async create(resource: Resource, body: unknown, user: string, idempotencyKey?: string): Promise<{ record: CrmRecord; replayed: boolean }> {
    const parsed = resource.create.safeParse(body);
    if (!parsed.success) throw new HttpError(400, `invalid ${resource.singular}: ${describeIssues(parsed.error)}`);
    const id = randomUUID();
    const result = await this.sql
      .begin(async (tx) => {
        if (idempotencyKey) {
          const replay = await this.claimKey(tx, resource, parsed.data, user, idempotencyKey, id);
          if (replay) return { record: replay, replayed: true };
        }
        const row = { id, ...toColumns(resource, parsed.data), modified_by: user };
        const [record] = await tx<CrmRecord[]>`
          INSERT INTO ${tx(resource.name)} ${tx(row)} RETURNING ${tx.unsafe(resource.select)}`;
        await enqueueEvent(tx, resource, 'created', record!);
        return { record: record!, replayed: false };
      })
      .catch(translateDbError);
    if (!result.replayed) this.onCommit();
    return result;
  }

  /**
   * Records the key as creating `id`. When the key was used before, returns that record instead; a
   * concurrent first use blocks on the primary key until it commits, so two racing POSTs yield one record.
   */
  private async claimKey(
    tx: postgres.TransactionSql,
    resource: Resource,
    data: Record<string, unknown>,
    user: string,
    key: string,
    id: string,
  ): Promise<CrmRecord | undefined> {
    const hash = requestHash(resource, data);
    const inserted = await tx`
      INSERT INTO idempotency_keys (caller, key, resource, request_hash, record_id)
      VALUES (${user}, ${key}, ${resource.name}, ${hash}, ${id})
      ON CONFLICT DO NOTHING RETURNING record_id`;
    if (inserted.length > 0) return undefined;
    const [prior] = await tx<{ resource: string; request_hash: string; record_id: string }[]>`
      SELECT resource, request_hash, record_id FROM idempotency_keys WHERE caller = ${user} AND key = ${key}`;
    if (!prior) throw new Error('idempotency key vanished');
    if (prior.resource !== resource.name || prior.request_hash !== hash) {
      throw new HttpError(409, `Idempotency-Key "${key}" was already used with a different request body or resource`);
    }
    const [record] = await tx<CrmRecord[]>`
      SELECT ${tx.unsafe(resource.select)} FROM ${tx(resource.name)} WHERE id = ${prior.record_id}`;
    return record;
  }

  async update(resource: Resource, id: string, body: unknown, user: string): Promise<CrmRecord> {
    const parsed = resource.patch.safeParse(body);
    if (!parsed.success) throw new HttpError(400, `invalid ${resource.singular}: ${describeIssues(parsed.error)}`);
    const columns = toColumns(resource, parsed.data);
    if (Object.keys(columns).length === 0) return this.get(resource, id); // nothing to change: no write, no event
    const record = await this.sql
      .begin(async (tx) => {
        const [updated] = await tx<CrmRecord[]>`
          UPDATE ${tx(resource.name)} SET ${tx(columns)}, modified_by = ${user}, modified_at = now()
          WHERE id = ${id} AND deleted_at IS NULL
          RETURNING ${tx.unsafe(resource.select)}`;
        if (!updated) await this.explainMissing(tx, resource, id, 'updated');
        await enqueueEvent(tx, resource, 'updated', updated!);
        return updated!;
      })
      .catch(translateDbError);
    this.onCommit();
    return record;
  }

  /** Soft delete: sets deletedAt (and modifiedAt, so pollers see it). Deleting again is a no-op. */
  async remove(resource: Resource, id: string, user: string): Promise<CrmRecord> {
    const outcome = await this.sql.begin(async (tx) => {
      const [deleted] = await tx<CrmRecord[]>`
        UPDATE ${tx(resource.name)} SET deleted_at = now(), modified_by = ${user}, modified_at = now()
        WHERE id = ${id} AND deleted_at IS NULL
        RETURNING ${tx.unsafe(resource.select)}`;
      if (!deleted) return { record: await this.get(resource, id), changed: false };
      await enqueueEvent(tx, resource, 'deleted', deleted);
      return { record: deleted, changed: true };
    });
    if (outcome.changed) this.onCommit();
    return outcome.record;
  }

  /**
   * GDPR erasure: clears the personal fields (all of them by default; also on a deleted record),
   * emits an `updated` event, and scrubs the same fields from the record's earlier webhook events,
   * so no copy of the person's data stays in the outbox.
   */
  async anonymise(resource: Resource, id: string, body: unknown, user: string): Promise<CrmRecord> {
    const personal = resource.personal;
    const requested = (body as { fields?: unknown } | null)?.fields;
    if (requested !== undefined && (!Array.isArray(requested) || requested.some((f) => typeof f !== 'string' || !personal.includes(f)))) {
      throw new HttpError(400, `fields must be a list of personal fields of a ${resource.singular}: ${personal.join(', ') || '(none)'}`);
    }
    const fields = (requested as string[] | undefined)?.length ? (requested as string[]) : personal;
    if (fields.length === 0) throw new HttpError(400, `a ${resource.singular} has no personal fields to anonymise`);
    const cleared = Object.fromEntries(fields.map((f) => [resource.columns[f]!, null]));
    const nulls = JSON.stringify(Object.fromEntries(fields.map((f) => [f, null])));
    const record = await this.sql.begin(async (tx) => {
      const [updated] = await tx<CrmRecord[]>`
        UPDATE ${tx(resource.name)} SET ${tx(cleared)}, modified_by = ${user}, modified_at = now()
        WHERE id = ${id} RETURNING ${tx.unsafe(resource.select)}`;
      if (!updated) throw new HttpError(404, `${resource.singular} "${id}" not found`);
      await tx`
        UPDATE webhook_events SET body = jsonb_set(body::jsonb, '{record}', (body::jsonb -> 'record') || ${nulls}::text::jsonb)::text
        WHERE record_key = ${`${resource.name}/${id}`}`;
      await enqueueEvent(tx, resource, 'updated', updated);
      return updated;
    });
    this.onCommit();
    return record;
  }

  private async explainMissing(tx: postgres.TransactionSql, resource: Resource, id: string, verb: string): Promise<never> {
    const [row] = await tx<{ deletedAt: string | null }[]>`SELECT deleted_at::text AS "deletedAt" FROM ${tx(resource.name)} WHERE id = ${id}`;
    if (!row) throw new HttpError(404, `${resource.singular} "${id}" not found`);
    throw new HttpError(409, `${resource.singular} "${id}" was deleted at ${row.deletedAt} and cannot be ${verb}`);
  }
}
