/**
 * Splits a config field path as zod issues and node checks write it (`a.b[0].c`) into keys and
 * indexes. Not an item path (see path.ts): config keys are plain identifiers.
 *
 * @example
 * ```ts
 * parseFieldPath('conditions[0].field'); // ['conditions', 0, 'field']
 * ```
 */
export function parseFieldPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) out.push(Number(match[2]));
    else if (match[1] !== undefined) out.push(/^\d+$/.test(match[1]) ? Number(match[1]) : match[1]);
  }
  return out;
}
