/**
 * Guards against hostile or accidental huge payloads: deep nesting, huge sizes and prototype
 * pollution keys. Walks iteratively (a 100,000-level payload cannot overflow the stack) and builds
 * the location string only when it reports a problem.
 */
import { err, ok, type Result } from './result';
import { isForbiddenKey } from './path';

/** Limits for {@link checkPayload}. */
export interface PayloadLimits {
  /** Maximum nesting of objects/arrays. Default 64. */
  readonly maxDepth: number;
  /** Maximum number of values (objects, arrays, primitives) in total. Default 2,000,000. */
  readonly maxValues: number;
  /** Maximum length of any single string. Default 10,000,000 characters. */
  readonly maxStringLength: number;
  /** Refuse `__proto__`, `constructor` and `prototype` keys. Default true. */
  readonly refuseForbiddenKeys: boolean;
}

/** The defaults of {@link PayloadLimits}. */
export const DEFAULT_PAYLOAD_LIMITS: PayloadLimits = {
  maxDepth: 64,
  maxValues: 2_000_000,
  maxStringLength: 10_000_000,
  refuseForbiddenKeys: true,
};

interface Frame {
  readonly v: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly key: string | number;
}

function locate(frame: Frame | undefined): string {
  const parts: (string | number)[] = [];
  for (let f = frame; f && f.parent; f = f.parent) parts.push(f.key);
  parts.reverse();
  const path = parts.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${p}`), '$');
  return path.length > 120 ? `${path.slice(0, 117)}...` : path;
}

/**
 * Checks a JSON-like value against {@link PayloadLimits}; the error message says what and where.
 *
 * @example
 * ```ts
 * checkPayload({ a: { b: 1 } });                    // { ok: true, value: undefined }
 * checkPayload(JSON.parse('{"__proto__":{}}'));     // { ok: false, error: 'The key "__proto__" at $ is not allowed' }
 * ```
 */
export function checkPayload(value: unknown, limits: Partial<PayloadLimits> = {}): Result<void, string> {
  const l = { ...DEFAULT_PAYLOAD_LIMITS, ...limits };
  const stack: Frame[] = [{ v: value, depth: 0, parent: undefined, key: '' }];
  let count = 0;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const v = frame.v;
    count++;
    if (count > l.maxValues) return err(`The data is too large (more than ${l.maxValues.toLocaleString('en-US')} values)`);
    if (typeof v === 'string') {
      if (v.length > l.maxStringLength) return err(`The text at ${locate(frame)} is too long (${v.length} characters, limit ${l.maxStringLength})`);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (frame.depth >= l.maxDepth) return err(`The data is nested too deeply at ${locate(frame)} (limit ${l.maxDepth} levels)`);
    const depth = frame.depth + 1;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const child = v[i];
        if (child !== null && typeof child === 'object') stack.push({ v: child, depth, parent: frame, key: i });
        else if (typeof child === 'string' && child.length > l.maxStringLength) stack.push({ v: child, depth, parent: frame, key: i });
        else count++;
      }
      if (count > l.maxValues) return err(`The data is too large (more than ${l.maxValues.toLocaleString('en-US')} values)`);
      continue;
    }
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      if (l.refuseForbiddenKeys && isForbiddenKey(key)) return err(`The key "${key}" at ${locate(frame)} is not allowed`);
      const child = (v as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push({ v: child, depth, parent: frame, key });
      else if (typeof child === 'string' && child.length > l.maxStringLength) stack.push({ v: child, depth, parent: frame, key });
      else count++;
    }
    if (count > l.maxValues) return err(`The data is too large (more than ${l.maxValues.toLocaleString('en-US')} values)`);
  }
  return ok(undefined);
}
