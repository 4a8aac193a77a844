/**
 * The type a JSON value suggests, for field pickers over records that carry no schema (a REST API's
 * record, a trigger's sample). Pure: the web app's browser code uses it too.
 *
 * @example
 * ```ts
 * typeOfValue('2026-01-02T03:04:05Z'); // 'datetime'
 * typeOfValue('ada@example.com');      // 'email'
 * ```
 */
export function typeOfValue(value: unknown): string {
  if (value === null || value === undefined) return 'unknown';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}T/.test(value) ? 'datetime' : /^[^\s@]+@[^\s@]+$/.test(value) ? 'email' : 'string';
  return typeof value === 'object' ? 'object' : typeof value;
}
