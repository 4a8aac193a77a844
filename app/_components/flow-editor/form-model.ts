/**
 * The form generator's model: which fields a node's form has (from `describeConfig`), how each is
 * edited, and which item fields are available to pick from. Pure; unit-tested.
 */
import { z } from 'zod';
import { describeConfig, type AnyNodeDefinition, type FieldSpec, type Flow, upstreamOf } from '../../../flows-engine/index';
import type { TestRunResult } from '../../_server/flows/test-run';

/** How a field-mapping widget stores its rows. */
export type MappingVariant = 'source' | 'source-path';

export interface FormField extends FieldSpec {
  /** Only for `field-mapping`. */
  readonly mappingVariant?: MappingVariant;
  /** Whether the literal/expression toggle is offered (structured widgets are literal-only). */
  readonly allowsExpression: boolean;
}

const STRUCTURED = new Set(['condition-list', 'field-mapping']);

/**
 * The fields of a node's form, generated from its config schema. For field-mapping widgets, the
 * row shape is found by asking the schema (public `safeParse`) which of the two row shapes it takes.
 *
 * @example
 * ```ts
 * formFields(transformNode).map((f) => f.widget); // ['field-mapping', 'toggle']
 * ```
 */
export function formFields(def: AnyNodeDefinition): FormField[] {
  const shape = def.config instanceof z.ZodObject ? (def.config.shape as Record<string, z.ZodType>) : {};
  return describeConfig(def.config).map((spec) => {
    let mappingVariant: MappingVariant | undefined;
    if (spec.widget === 'field-mapping') {
      const probe = shape[spec.key]?.safeParse([{ target: 'a', sourcePath: 'b' }]);
      mappingVariant = probe?.success ? 'source-path' : 'source';
    }
    return { ...spec, allowsExpression: !STRUCTURED.has(spec.widget), ...(mappingVariant ? { mappingVariant } : {}) };
  });
}

/** Every leaf path of a JSON object ("email", "address.city"), for pickers and autocomplete. */
export function flattenPaths(value: unknown, prefix = '', depth = 0, out: Set<string> = new Set()): Set<string> {
  if (depth > 4 || !value || typeof value !== 'object' || Array.isArray(value)) {
    if (prefix) out.add(prefix);
    return out;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 && prefix) out.add(prefix);
  for (const [k, v] of entries.slice(0, 200)) {
    const path = /^[A-Za-z_$][\w$]*$/.test(k) ? (prefix ? `${prefix}.${k}` : k) : `${prefix}[${JSON.stringify(k)}]`;
    flattenPaths(v, path, depth + 1, out);
  }
  return out;
}

/**
 * The items a node receives, as far as the editor knows: the last test run's input sample for that
 * node, else the pinned sample of the trigger when the trigger is upstream.
 */
export function knownInputItems(
  doc: Pick<Flow, 'nodes' | 'edges'> & { samples?: Record<string, Record<string, unknown>[]> },
  nodeId: string,
  testRun: TestRunResult | null,
): readonly Record<string, unknown>[] {
  const traced = testRun?.trace.find((t) => t.nodeId === nodeId);
  if (traced && traced.inputSample.length > 0) return traced.inputSample;
  const upstream = upstreamOf(doc, nodeId);
  for (const [triggerId, items] of Object.entries(doc.samples ?? {})) {
    if ((upstream.has(triggerId) || triggerId === nodeId) && items.length > 0) return items;
  }
  return [];
}

/** Field paths available on a node's input items. */
export function availableFields(items: readonly Record<string, unknown>[]): string[] {
  const out = new Set<string>();
  for (const item of items.slice(0, 20)) flattenPaths(item, '', 0, out);
  return [...out].sort();
}
