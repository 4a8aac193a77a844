/**
 * The poll trigger's cursor (table poll_cursors): the last modified-at read, in UTC microseconds,
 * and the ids seen at that instant. Timestamps travel as ISO strings: a JS Date drops microseconds.
 * Shared by the worker's poll activity and the admin cursor view.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { pollCursors } from '../../db/schema';

const STAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** A timestamp (ISO 8601 or PostgreSQL text, any offset, or a Date) as UTC microseconds; null if unreadable. */
export function toMicros(value: unknown): bigint | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : BigInt(value.getTime()) * 1000n;
  if (typeof value !== 'string') return null;
  const m = STAMP.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return null;
  let micros = BigInt(ms) * 1000n + BigInt((frac + '000000').slice(0, 6));
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
    micros -= sign * offsetMinutes * 60_000_000n;
  }
  return micros;
}

/** UTC microseconds as `2024-05-01T12:00:00.123456Z`. */
export function microsToIso(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const fraction = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${fraction.toString().padStart(6, '0')}Z`;
}

export interface PollCursor {
  /** ISO, UTC, microseconds; null: never polled. */
  modifiedAt: string | null;
  micros: bigint | null;
  ids: string[];
}

export async function readPollCursor(db: Pick<Db, 'execute'>, flowId: string, nodeId: string, options: { lock?: boolean } = {}): Promise<PollCursor> {
  const rows = await db.execute<{ modified_at: string | null; ids: string[] }>(sql`
    select to_char(${pollCursors.modifiedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as modified_at, ${pollCursors.idsAtModifiedAt} as ids
    from ${pollCursors} where ${pollCursors.flowId} = ${flowId} and ${pollCursors.nodeId} = ${nodeId}
    ${options.lock ? sql`for update` : sql``}`);
  const row = rows[0];
  const modifiedAt = row?.modified_at ?? null;
  return { modifiedAt, micros: modifiedAt ? toMicros(modifiedAt) : null, ids: row?.ids ?? [] };
}

