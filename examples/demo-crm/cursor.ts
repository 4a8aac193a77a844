/**
 * Keyset pagination cursors: the (modifiedAt, id) of the last record of a page, as opaque base64url.
 * A keyset (not an offset) is what keeps records that share one modifiedAt from being skipped or
 * repeated across pages while other writes go on.
 */
import { HttpError } from '../shared/http';

export interface Cursor {
  modifiedAt: string; // ISO with microseconds, exactly as the API renders it
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.modifiedAt, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      if (!Number.isNaN(Date.parse(parsed[0]))) return { modifiedAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw new HttpError(400, 'cursor is not valid: pass the nextCursor of the previous page unchanged');
}
