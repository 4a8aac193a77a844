/**
 * A config field path (`conditions[0].field`, `matchBy.naturalKey.sourcePath`) in the words of the
 * node's form: each key by its `.meta({ label })`, list entries by their number. Messages name the
 * field as the analyst sees it ("Conditions › condition 1 › field") instead of the code's path.
 */
import { z } from 'zod';
import { parseFieldPath } from './field-path';

function humanise(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/Id$/, '').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Unwraps optional, nullable, default and pipe layers, keeping the outermost label seen. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; label: string | undefined } {
  let inner = schema;
  let label = (inner.meta() as { label?: string } | undefined)?.label;
  for (let i = 0; i < 10; i++) {
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
    else if (inner instanceof z.ZodPipe) inner = inner.in as z.ZodType;
    else break;
    label ??= (inner.meta() as { label?: string } | undefined)?.label;
  }
  return { inner, label };
}

/** One list entry's noun: "condition 3" for `conditions[2]`, otherwise "row 3". */
function entryName(listKey: string | undefined, index: number): string {
  const noun = listKey?.endsWith('s') ? humanise(listKey.slice(0, -1)).toLowerCase() : 'row';
  return `${noun} ${index + 1}`;
}

/**
 * @example
 * ```ts
 * fieldLabelPath(filterNode.config, 'conditions[0].field'); // 'Conditions › condition 1 › field'
 * fieldLabelPath(upsertRecordNode.config, 'connectionId'); // 'Write to'
 * ```
 */
export function fieldLabelPath(schema: z.ZodType, path: string): string {
  if (!path) return 'Settings';
  const parts: string[] = [];
  let current: z.ZodType | undefined = schema;
  let lastKey: string | undefined;
  for (const segment of parseFieldPath(path)) {
    const inner: z.ZodType | undefined = current ? unwrap(current).inner : undefined;
    if (typeof segment === 'number') {
      parts.push(entryName(lastKey, segment));
      current = inner instanceof z.ZodArray ? (inner.element as z.ZodType) : undefined;
      continue;
    }
    const child: z.ZodType | undefined = inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>)[segment] : undefined;
    const label = child ? unwrap(child).label : undefined;
    parts.push(label ?? (parts.length === 0 ? humanise(segment) : humanise(segment).toLowerCase()));
    lastKey = segment;
    current = child;
  }
  return parts.join(' › ');
}
