/**
 * The form generator's model: which fields a node's form has (from `describeConfig`), how each is
 * edited, and which item fields are available to pick from. Pure; unit-tested.
 */
import { z } from 'zod';
import { typeOfValue } from '../../../domain/connectors/value-type';
import { describeConfig, getAt, parsePath, type AnyNodeDefinition, type FieldSpec, type Flow, type FlowNode, upstreamOf } from '../../../flows-engine/index';
import type { TestRunResult } from '../../_server/flows/test-run';

/** How a field-mapping widget stores its rows. */
export type MappingVariant = 'source' | 'source-path';

export interface FormField extends FieldSpec {
  /** Only for `field-mapping`. */
  readonly mappingVariant?: MappingVariant;
  /** Whether the literal/expression toggle is offered (structured widgets are literal-only). */
  readonly allowsExpression: boolean;
  /**
   * A nested settings object (Match existing records by, Conflicts, Signature) is a sub-form of these
   * fields, never a JSON box. The stored value stays the object the node's schema reads.
   */
  readonly children?: readonly FormField[];
}

const STRUCTURED = new Set(['condition-list', 'field-mapping']);

/** The schema inside optional/nullable/default wrappers. */
function unwrapped(schema: z.ZodType | undefined): z.ZodType | undefined {
  let inner = schema;
  for (let i = 0; i < 10 && inner; i++) {
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
    else break;
  }
  return inner;
}

/** The fields of a nested object schema, literal-only; a fixed literal (`algorithm: 'sha256'`) is a one-choice select. */
function nestedFields(schema: z.ZodObject): FormField[] {
  const shape = schema.shape as Record<string, z.ZodType>;
  return describeConfig(schema).map((spec) => {
    const inner = unwrapped(shape[spec.key]);
    if (inner instanceof z.ZodLiteral) return { ...spec, widget: 'select', options: [...inner.values].map(String), allowsExpression: false };
    if (inner instanceof z.ZodObject && spec.widget === 'json') return { ...spec, allowsExpression: false, children: nestedFields(inner) };
    return { ...spec, allowsExpression: false };
  });
}

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
    const inner = unwrapped(shape[spec.key]);
    if (spec.widget === 'json' && inner instanceof z.ZodObject) return { ...spec, allowsExpression: false, children: nestedFields(inner) };
    return { ...spec, allowsExpression: !STRUCTURED.has(spec.widget), ...(mappingVariant ? { mappingVariant } : {}) };
  });
}

/** A nested settings object as the sub-form edits it (anything else is an empty one). */
export function groupValue(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * The nested object with one key set, or removed when `next` is undefined (an emptied optional
 * field is absent, as the schema expects, never an empty string).
 *
 * @example
 * ```ts
 * withGroupKey({ externalIdPath: 'x' }, 'naturalKey', { target: 'email', sourcePath: 'email' });
 * ```
 */
export function withGroupKey(value: unknown, key: string, next: unknown): Record<string, unknown> {
  const { [key]: _old, ...rest } = groupValue(value);
  return next === undefined ? rest : { ...rest, [key]: next };
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

/** One choice of a field picker: a name, and what the system or the sample says about it. */
export interface FieldOption {
  readonly name: string;
  readonly label?: string;
  readonly type?: string;
  readonly required?: boolean;
  readonly readOnly?: boolean;
}

function valueAtPath(item: Record<string, unknown>, path: string): unknown {
  const parsed = parsePath(path);
  return parsed.ok ? getAt(item, parsed.value) : undefined;
}

/**
 * The fields of the items a step receives, with the type their values suggest, followed by the fields
 * of the trigger's object that the sample does not show (a sample may lack empty fields).
 */
export function inputFieldOptions(items: readonly Record<string, unknown>[], objectFields: readonly FieldOption[] = []): FieldOption[] {
  const sampled = availableFields(items).map((name) => {
    const value = items.map((item) => valueAtPath(item, name)).find((v) => v !== null && v !== undefined);
    const declared = objectFields.find((f) => f.name === name);
    return { ...declared, name, type: declared?.type ?? typeOfValue(value) };
  });
  const seen = new Set(sampled.map((f) => f.name));
  return [...sampled, ...objectFields.filter((f) => !seen.has(f.name))];
}

/** What a picker says under a value that is not among its choices. */
export type PickerWarning = (value: string) => string | null;

/** What the pickers of one step offer: the fields of its input items and of the object it writes. */
export interface FieldContext {
  /** Input field names (expression autocomplete). */
  readonly fields: readonly string[];
  readonly inputFields: readonly FieldOption[];
  readonly inputWarning: PickerWarning;
  readonly targetFields: readonly FieldOption[];
  readonly targetWarning: PickerWarning;
  readonly upstream: readonly { id: string; label: string }[];
  readonly sampleItem: Record<string, unknown> | undefined;
}

/** The literal string of a config field, if it is one. */
export function literalString(node: FlowNode | undefined, key: string): string | undefined {
  const source = node?.config[key];
  return source?.kind === 'literal' && typeof source.value === 'string' && source.value !== '' ? source.value : undefined;
}

/** A connection and one of its objects, as a step names them. */
export interface ObjectRef {
  readonly connectionId: string;
  readonly objectType: string;
  /** The step that names them. */
  readonly nodeId: string;
}

const refOf = (node: FlowNode): ObjectRef | undefined => {
  const connectionId = literalString(node, 'connectionId');
  const objectType = literalString(node, 'objectType');
  return connectionId && objectType ? { connectionId, objectType, nodeId: node.id } : undefined;
};

/**
 * Whose fields a step's "target field" pickers offer: the step's own connection and object, or, for a
 * step without one (Transform), those of the nearest step after it that writes records.
 */
export function targetObjectOf(doc: Pick<Flow, 'nodes' | 'edges'>, nodeId: string, writesRecords: (type: string) => boolean): ObjectRef | undefined {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const own = byId.get(nodeId);
  if (own && refOf(own)) return refOf(own);
  const seen = new Set([nodeId]);
  let frontier = [nodeId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const edge of doc.edges) {
        if (edge.from.node !== id || seen.has(edge.to.node)) continue;
        seen.add(edge.to.node);
        const node = byId.get(edge.to.node);
        const ref = node && writesRecords(node.type) ? refOf(node) : undefined;
        if (ref) return ref;
        next.push(edge.to.node);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** The trigger upstream of a step (or the step itself) when it names a connection and object (poll): its fields describe the items. */
export function sourceObjectOf(doc: Pick<Flow, 'nodes' | 'edges'>, nodeId: string, isTrigger: (type: string) => boolean): ObjectRef | undefined {
  const upstream = upstreamOf(doc, nodeId);
  const trigger = doc.nodes.find((n) => isTrigger(n.type) && (n.id === nodeId || upstream.has(n.id)));
  return trigger ? refOf(trigger) : undefined;
}
