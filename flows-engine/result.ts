/**
 * A tagged success-or-failure value. The engine returns `Result` (or `Issue[]`) for expected
 * failures instead of throwing, so callers must handle both branches.
 *
 * @example
 * ```ts
 * const r: Result<number, string> = ok(1);
 * if (r.ok) console.log(r.value); else console.error(r.error);
 * ```
 */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/**
 * Builds a successful {@link Result}.
 *
 * @example
 * ```ts
 * const r = ok({ id: 1 }); // { ok: true, value: { id: 1 } }
 * ```
 */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/**
 * Builds a failed {@link Result}.
 *
 * @example
 * ```ts
 * const r = err('not found'); // { ok: false, error: 'not found' }
 * ```
 */
export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}
