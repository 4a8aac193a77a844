import { z } from 'zod';
import { defineNode, getAt, parsePath, setAt, UserError, type Item, type PathSegment } from '../../flows-engine/index';

/** Where a mapped value comes from. */
export const MappingSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('literal'), value: z.unknown() }),
  z.object({ kind: z.literal('path'), path: z.string().min(1, 'Choose a source field') }),
  z.object({ kind: z.literal('expr'), source: z.string().min(1, 'Enter an expression') }),
]);

/** One row of the mapping table. */
export const MappingSchema = z.object({
  target: z.string().min(1, 'Choose a target field').meta({ label: 'Target field' }),
  source: MappingSourceSchema.meta({ label: 'Value' }),
});

/** Transform's config. */
export const TransformConfigSchema = z.object({
  mappings: z.array(MappingSchema).min(1, 'Add at least one mapping').meta({ label: 'Field mapping', widget: 'field-mapping' }),
  keepOtherFields: z.boolean().default(true).meta({ label: 'Keep the other fields' }),
});
type TransformConfig = z.infer<typeof TransformConfigSchema>;

type CompiledMapping =
  | { readonly key: string | undefined; readonly segments: readonly PathSegment[]; readonly kind: 'literal'; readonly value: unknown }
  | { readonly key: string | undefined; readonly segments: readonly PathSegment[]; readonly kind: 'path'; readonly from: readonly PathSegment[] }
  | { readonly key: string | undefined; readonly segments: readonly PathSegment[]; readonly kind: 'expr'; readonly values: readonly unknown[] };

/** Sets each target field from a literal, a source path or an expression; keeps or drops the rest. */
export const transformNode = defineNode({
  type: 'core.transform',
  version: 1,
  group: 'logic',
  title: 'Transform',
  description: 'Map fields: rename, compute, set values',
  help: 'Each row sets a target field from a fixed value, another field, or an expression (JSONata, e.g. firstName & " " & lastName).',
  ports: { in: ['main'], out: ['main'] },
  config: TransformConfigSchema,
  itemExpressions: (config) =>
    config.mappings.flatMap((m, i) =>
      m.source.kind === 'expr' ? [{ key: `mapping:${i}`, source: m.source.source, field: `mappings[${i}].source` }] : [],
    ),
  check: (config) => {
    const problems: { field: string; message: string }[] = [];
    config.mappings.forEach((m, i) => {
      const t = parsePath(m.target);
      if (!t.ok) problems.push({ field: `mappings[${i}].target`, message: t.error });
      if (m.source.kind === 'path') {
        const s = parsePath(m.source.path);
        if (!s.ok) problems.push({ field: `mappings[${i}].source.path`, message: s.error });
      }
    });
    return problems;
  },
  effect: false,
  run: ({ items, config, ctx }) => {
    const mappings = compileMappings(config, ctx.itemValues);
    const main = new Array<Item>(items.length);
    const keep = config.keepOtherFields;
    for (let i = 0; i < items.length; i++) {
      const source = (items[i] as Item).json;
      let json: Record<string, unknown> = keep ? copyOwn(source) : {};
      for (let m = 0; m < mappings.length; m++) {
        const mapping = mappings[m] as CompiledMapping;
        const value =
          mapping.kind === 'literal' ? mapping.value : mapping.kind === 'path' ? getAt(source, mapping.from) : mapping.values[i];
        if (value === undefined) continue;
        if (mapping.key !== undefined) {
          json[mapping.key] = value; // key is checked: never __proto__/constructor/prototype
        } else {
          const written = setAt(json, mapping.segments, value);
          if (written.ok) json = written.value;
        }
      }
      main[i] = { json };
    }
    return { out: { main } };
  },
});

/**
 * Shallow copy. `Object.assign` is ~10x faster than spread when keys are added afterwards (V8
 * keeps a fast map), but it would invoke the `__proto__` setter for an own `__proto__` key, so
 * such (rare, hostile) objects are copied with defineProperty instead.
 */
function copyOwn(source: Record<string, unknown>): Record<string, unknown> {
  if (!Object.prototype.hasOwnProperty.call(source, '__proto__')) return Object.assign({}, source);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(source)) Object.defineProperty(out, k, { value: source[k], enumerable: true, writable: true, configurable: true });
  return out;
}

function compileMappings(config: TransformConfig, itemValues: (key: string) => readonly unknown[]): CompiledMapping[] {
  return config.mappings.map((m, i) => {
    const target = parsePath(m.target);
    if (!target.ok) throw new UserError(target.error, { field: `mappings[${i}].target` });
    const segments = target.value;
    const key = segments.length === 1 && typeof segments[0] === 'string' ? segments[0] : undefined;
    switch (m.source.kind) {
      case 'literal':
        return { key, segments, kind: 'literal', value: m.source.value };
      case 'path': {
        const from = parsePath(m.source.path);
        if (!from.ok) throw new UserError(from.error, { field: `mappings[${i}].source.path` });
        return { key, segments, kind: 'path', from: from.value };
      }
      case 'expr':
        return { key, segments, kind: 'expr', values: itemValues(`mapping:${i}`) };
      default: {
        const never: never = m.source;
        throw new UserError(`Unknown mapping source ${JSON.stringify(never)}`);
      }
    }
  });
}
