/**
 * Reading typed values out of items by configured paths, with errors that name the item.
 */
import { getAt, parsePath, UserError, type Item } from '../flows-engine/index';

/**
 * Reads a string-like id (string or number) at `path` in every item. Items without one get `undefined`.
 *
 * @example
 * ```ts
 * readIds([{ json: { id: 7 } }], 'id', 'externalIdPath'); // ['7']
 * ```
 */
export function readIds(items: readonly Item[], path: string, field: string): (string | undefined)[] {
  const segments = parsePath(path);
  if (!segments.ok) throw new UserError(segments.error, { field });
  return items.map((item) => {
    const v = getAt(item.json, segments.value);
    return typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
  });
}

/**
 * Like {@link readIds} but every item must have one.
 *
 * @example
 * ```ts
 * requireIds(items, 'id', 'externalIdPath'); // throws UserError 'Item 3 has no value at "id"'
 * ```
 */
export function requireIds(items: readonly Item[], path: string, field: string): string[] {
  return readIds(items, path, field).map((id, index) => {
    if (id === undefined) throw new UserError(`Item ${index + 1} has no value at "${path}"`, { field });
    return id;
  });
}
