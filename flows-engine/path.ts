/**
 * Field paths such as `customer.address.city` or `emails[0]`, with safe getters and setters.
 * Keys `__proto__`, `constructor` and `prototype` are refused, so user data can never write through
 * to an object's prototype.
 */
import { err, ok, type Result } from './result';

/** Keys that are never read or written through. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * True for `__proto__`, `constructor` and `prototype`.
 *
 * @example
 * ```ts
 * isForbiddenKey('__proto__'); // true
 * ```
 */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/** A parsed path: object keys and array indices. */
export type PathSegment = string | number;

const pathCache = new Map<string, Result<readonly PathSegment[], string>>();

/**
 * Parses `a.b[0].c` into `['a', 'b', 0, 'c']`. Results are cached (paths repeat across items).
 *
 * @example
 * ```ts
 * parsePath('emails[0].address'); // { ok: true, value: ['emails', 0, 'address'] }
 * parsePath('a.__proto__.x');     // { ok: false, error: 'The key "__proto__" is not allowed in a field path' }
 * ```
 */
export function parsePath(path: string): Result<readonly PathSegment[], string> {
  const cached = pathCache.get(path);
  if (cached) return cached;
  const parsed = parseUncached(path);
  if (pathCache.size < 10_000) pathCache.set(path, parsed);
  return parsed;
}

function parseUncached(path: string): Result<readonly PathSegment[], string> {
  if (typeof path !== 'string' || path.trim() === '') return err('The field path is empty');
  if (path.length > 500) return err('The field path is longer than 500 characters');
  const segments: PathSegment[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) return err(`"${path}" is not a valid field path (use a.b[0].c)`);
    const key = match[1] ?? '';
    if (key === '' && (match[2] ?? '') === '') return err(`"${path}" has an empty part (two dots in a row?)`);
    if (key !== '') {
      if (isForbiddenKey(key)) return err(`The key "${key}" is not allowed in a field path`);
      segments.push(key);
    }
    for (const idx of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) segments.push(Number(idx[1]));
  }
  return ok(segments);
}

/**
 * Reads a value at a parsed path; `undefined` when any step is missing. Only own properties are read.
 *
 * @example
 * ```ts
 * getAt({ a: { b: [1, 2] } }, ['a', 'b', 1]); // 2
 * ```
 */
export function getAt(value: unknown, segments: readonly PathSegment[]): unknown {
  let current: unknown = value;
  for (let i = 0; i < segments.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    const seg = segments[i] as PathSegment;
    if (typeof seg === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[seg];
    } else {
      if (!Object.prototype.hasOwnProperty.call(current, seg)) return undefined;
      current = (current as Record<string, unknown>)[seg];
    }
  }
  return current;
}

/**
 * Returns a copy of `target` with `value` written at `segments`, copying only the objects along the
 * path (structural sharing). Refuses forbidden keys. Missing containers are created.
 *
 * @example
 * ```ts
 * setAt({ a: 1 }, ['b', 'c'], 2); // { ok: true, value: { a: 1, b: { c: 2 } } }
 * ```
 */
export function setAt(
  target: Record<string, unknown>,
  segments: readonly PathSegment[],
  value: unknown,
): Result<Record<string, unknown>, string> {
  if (segments.length === 0) return err('Cannot write to an empty path');
  for (const seg of segments) {
    if (typeof seg === 'string' && isForbiddenKey(seg)) return err(`The key "${seg}" is not allowed in a field path`);
  }
  return ok(setRec(target, segments, 0, value) as Record<string, unknown>);
}

function setRec(node: unknown, segments: readonly PathSegment[], i: number, value: unknown): unknown {
  if (i === segments.length) return value;
  const seg = segments[i] as PathSegment;
  if (typeof seg === 'number') {
    const arr = Array.isArray(node) ? node.slice() : [];
    arr[seg] = setRec(arr[seg], segments, i + 1, value);
    return arr;
  }
  const obj: Record<string, unknown> =
    node !== null && typeof node === 'object' && !Array.isArray(node) ? { ...(node as Record<string, unknown>) } : {};
  const child = Object.prototype.hasOwnProperty.call(obj, seg) ? obj[seg] : undefined;
  Object.defineProperty(obj, seg, { value: setRec(child, segments, i + 1, value), enumerable: true, writable: true, configurable: true });
  return obj;
}
