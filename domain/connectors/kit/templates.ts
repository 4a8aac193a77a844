/**
 * The two small languages of declarations: `{{name}}` placeholders in request templates, and
 * dotted paths into answers (`paging.next.after`, `errors[].field`, `details.@keys`).
 *
 * A placeholder may pass its value through filters, left to right: `{{value|odataString|urlSegment}}`.
 * They keep a value from changing the meaning of the query language or URL it is put in.
 */
import { UserError } from '../../../flows-engine/index';

export type TemplateValues = Readonly<Record<string, unknown>>;

const WHOLE = /^\{\{\s*([\w.]+)((?:\s*\|\s*\w+)*)\s*\}\}$/;
const PLACEHOLDER = /\{\{\s*([\w.]+)((?:\s*\|\s*\w+)*)\s*\}\}/g;

const FILTERS: Readonly<Record<string, (text: string) => string>> = {
  /** Inside a SOQL string literal: backslash escapes (Salesforce SOQL "Quoted String Escape Sequences"). */
  soqlString: (text) => text.replace(/[\\'"\n\r\t]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\${c}`),
  /** Inside an OData string literal: a single quote is doubled (OData v4 ABNF, `SQUOTE-in-string`). */
  odataString: (text) => text.replace(/'/g, "''"),
  /** One URL path segment. */
  urlSegment: (text) => encodeURIComponent(text),
  /** A field name put into a query language: letters, digits, underscores and dots only. */
  name: (text) => {
    if (!/^[A-Za-z_][A-Za-z0-9_.]{0,127}$/.test(text)) throw new UserError(`“${text}” is not a field name (letters, digits and underscores).`, { field: text });
    return text;
  },
};

function applyFilters(value: unknown, filters: string): unknown {
  const names = filters.split('|').map((f) => f.trim()).filter(Boolean);
  if (names.length === 0) return value;
  return names.reduce((text, filter) => {
    const apply = FILTERS[filter];
    if (!apply) throw new Error(`unknown template filter “${filter}”`);
    return apply(text);
  }, asText(value));
}

function lookup(values: TemplateValues, name: string): unknown {
  let current: unknown = values;
  for (const part of name.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(asText).join(',');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A template string filled in as text (`/users/{{id}}.json`). */
export function renderText(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_, name: string, filters: string) => asText(applyFilters(lookup(values, name), filters)));
}

/** A JSON template filled in; a string that is one placeholder keeps the value's type. */
export function renderJson(template: unknown, values: TemplateValues): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    return whole ? applyFilters(lookup(values, whole[1]!), whole[2] ?? '') : renderText(template, values);
  }
  if (Array.isArray(template)) return template.map((item) => renderJson(item, values));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [renderText(key, values), renderJson(value, values)]));
  }
  return template;
}

/**
 * Reads a path; `a.b[]` walks every element of the list at `a.b`, `@keys` takes the keys of an
 * object, `*` its values; `\.` is a dot inside a key (`@odata\.nextLink`). The result is a list of
 * every value reached (empty when none).
 */
export function readAll(root: unknown, path: string): unknown[] {
  if (path === '') return [root];
  let current: unknown[] = [root];
  for (const raw of path.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, '.'))) {
    const spread = raw.endsWith('[]');
    const key = spread ? raw.slice(0, -2) : raw;
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      if (key === '@keys') {
        next.push(...Object.keys(value));
        continue;
      }
      const children = key === '*' ? Object.values(value) : [key === '' ? value : (value as Record<string, unknown>)[key]];
      for (const child of children) {
        if (spread) {
          if (Array.isArray(child)) next.push(...child);
        } else if (child !== undefined) next.push(child);
      }
    }
    current = next;
  }
  return current;
}

/** The first value at a path, or undefined. */
export function readOne(root: unknown, path: string): unknown {
  return readAll(root, path)[0];
}
