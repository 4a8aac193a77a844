/**
 * Turns a node's config schema (plus `.meta()` hints) into plain field specs for the side-panel
 * form, using zod's public API only (`shape`, `unwrap()`, `options`, `meta()`), never `_def`.
 */
import { z } from 'zod';

/** Editor widgets a field may ask for. */
export const Widget = {
  text: 'text',
  textarea: 'textarea',
  number: 'number',
  toggle: 'toggle',
  select: 'select',
  connection: 'connection',
  expression: 'expression',
  conditionList: 'condition-list',
  fieldMapping: 'field-mapping',
  keyValue: 'key-value',
  cron: 'cron',
  json: 'json',
  list: 'list',
} as const;
/** @see {@link Widget} */
export type Widget = (typeof Widget)[keyof typeof Widget];

/** The `.meta()` hints node configs use. */
export interface FieldMeta {
  readonly label?: string;
  readonly help?: string;
  readonly widget?: Widget;
  readonly placeholder?: string;
  /** For `widget: 'connection'`: which connection kinds fit. */
  readonly connectionKinds?: readonly string[];
  /**
   * What the editor offers to pick from: the objects of the step's connection, the fields of that
   * object (`target-field`), or the fields of the items the step receives (`input-field`).
   */
  readonly picker?: Picker;
}

/** @see {@link FieldMeta.picker} */
export type Picker = 'object' | 'target-field' | 'input-field';

/** One form field. */
export interface FieldSpec {
  readonly key: string;
  readonly label: string;
  readonly help?: string;
  readonly widget: Widget;
  readonly required: boolean;
  readonly defaultValue?: unknown;
  readonly options?: readonly string[];
  readonly connectionKinds?: readonly string[];
  readonly picker?: Picker;
}

/**
 * Lists the fields of an object schema with their editor hints.
 *
 * @example
 * ```ts
 * describeConfig(z.object({ url: z.string().meta({ label: 'URL' }) }));
 * // [{ key: 'url', label: 'URL', widget: 'text', required: true }]
 * ```
 */
export function describeConfig(schema: z.ZodType): FieldSpec[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.keys(shape).map((key) => describeField(key, shape[key] as z.ZodType));
}

function describeField(key: string, field: z.ZodType): FieldSpec {
  let inner: z.ZodType = field;
  let required = true;
  let defaultValue: unknown;
  let meta: FieldMeta = { ...((field.meta() as FieldMeta | undefined) ?? {}) };
  for (let i = 0; i < 10; i++) {
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
      required = false;
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodDefault) {
      required = false;
      const d = inner.parse(undefined);
      defaultValue = d;
      inner = inner.unwrap() as z.ZodType;
    } else break;
    meta = { ...((inner.meta() as FieldMeta | undefined) ?? {}), ...meta };
  }
  const options = inner instanceof z.ZodEnum ? (inner.options as readonly (string | number)[]).map(String) : undefined;
  const widget: Widget = meta.widget ?? guessWidget(inner);
  return {
    key,
    label: meta.label ?? humanise(key),
    widget,
    required,
    ...(meta.help === undefined ? {} : { help: meta.help }),
    ...(defaultValue === undefined ? {} : { defaultValue }),
    ...(options === undefined ? {} : { options }),
    ...(meta.connectionKinds === undefined ? {} : { connectionKinds: meta.connectionKinds }),
    ...(meta.picker === undefined ? {} : { picker: meta.picker }),
  };
}

function guessWidget(s: z.ZodType): Widget {
  if (s instanceof z.ZodEnum) return Widget.select;
  if (s instanceof z.ZodNumber) return Widget.number;
  if (s instanceof z.ZodBoolean) return Widget.toggle;
  if (s instanceof z.ZodString) return Widget.text;
  if (s instanceof z.ZodArray) return Widget.list;
  return Widget.json;
}

function humanise(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The config fields that hold a connection id, with the connection kinds they accept.
 *
 * @example
 * ```ts
 * connectionFields(upsertRecordNode.config); // [{ key: 'connectionId', kinds: ['rest', 'postgres', ...] }]
 * ```
 */
export function connectionFields(schema: z.ZodType): { key: string; kinds: readonly string[] | undefined }[] {
  return describeConfig(schema)
    .filter((f) => f.widget === Widget.connection)
    .map((f) => ({ key: f.key, kinds: f.connectionKinds }));
}
