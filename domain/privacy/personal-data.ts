/**
 * Finding and erasing a person's data inside stored JSON (run samples, inbox payloads, step logs).
 * Pure: the caller loads and saves the rows.
 *
 * Two rules, because a sample can hold the person in two shapes:
 * - a value of theirs (name, email, phone) anywhere in a string: replaced by `[erased]`, matched
 *   case-insensitively and as a whole word (so erasing "Ada" leaves "Adams" alone);
 * - an object that carries one of their record ids as a value (a CRM record, a helpdesk row): its
 *   personal fields (by name: name, email, phone, mobile, address, birth…) are erased too, which
 *   also catches values the request did not know about (an old email, a nickname).
 */

export const ERASED = '[erased]';

const PERSONAL_FIELD = /name|e-?mail|phone|mobile|address|birth/i;
/** Fields that name who changed a record (an account, not the person the record is about). */
const ACTOR_FIELD = /(modified|updated|created|deleted)_?by/i;

export function isPersonalField(key: string): boolean {
  return PERSONAL_FIELD.test(key) && !ACTOR_FIELD.test(key);
}

export interface Subject {
  /** The person's values: full name, name parts, email, phone. */
  readonly values: readonly string[];
  /** The person's record ids in every system. */
  readonly keys: readonly string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Values worth matching: at least 3 characters (erasing every "Al" would wreck unrelated data). */
export function usableValues(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v.length >= 3))].sort((a, b) => b.length - a.length);
}

export function valuePattern(values: readonly string[]): RegExp | null {
  const usable = usableValues(values);
  if (usable.length === 0) return null;
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${usable.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

/** The value with the subject erased, and whether anything changed. */
export function scrubJson(value: unknown, subject: Subject): { value: unknown; changed: boolean } {
  const pattern = valuePattern(subject.values);
  const keys = new Set(subject.keys);
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!pattern) return v;
      const next = v.replace(pattern, ERASED);
      if (next !== v) changed = true;
      return next;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      const isSubject = entries.some(([, x]) => (typeof x === 'string' || typeof x === 'number') && keys.has(String(x)));
      return Object.fromEntries(
        entries.map(([k, x]) => {
          if (isSubject && isPersonalField(k) && x !== null && x !== ERASED && (typeof x === 'string' || typeof x === 'number')) {
            changed = true;
            return [k, ERASED];
          }
          return [k, walk(x)];
        }),
      );
    }
    return v;
  };
  const result = walk(value);
  return { value: result, changed };
}

/** The person's values found in their records: every non-empty personal field, and first + last name. */
export function personalValuesOf(record: Readonly<Record<string, unknown>>): string[] {
  const values: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (isPersonalField(key) && (typeof value === 'string' || typeof value === 'number') && String(value).trim()) values.push(String(value));
  }
  const first = record.firstName ?? record.first_name;
  const last = record.lastName ?? record.last_name;
  if (typeof first === 'string' && typeof last === 'string') values.push(`${first} ${last}`.trim());
  return values;
}

/** The personal fields of a record (what anonymisation overwrites). */
export function personalFieldsOf(record: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(record).filter(isPersonalField);
}
