/**
 * What the web app shows of the declared connectors: systems, their sign-in methods and per-account
 * parameters (the connection form), their objects and fields (object and field pickers). Plain data,
 * safe for the browser: declarations hold no secrets.
 */
import type { FieldDeclaration } from './define-connector';
import { listConnectors } from './registry';

export interface ConnectorSummary {
  readonly id: string;
  readonly label: string;
  readonly docs: readonly string[];
  readonly params: { readonly name: string; readonly label: string; readonly help?: string; readonly example?: string; readonly optional: boolean }[];
  readonly auth: { readonly id: string; readonly label: string; readonly type: string }[];
  readonly objects: { readonly name: string; readonly label: string; readonly idField: string; readonly modifiedAtField: string; readonly fields: readonly FieldDeclaration[] }[];
}

export function connectorCatalog(): ConnectorSummary[] {
  return listConnectors().map((c) => ({
    id: c.id,
    label: c.label,
    docs: c.docs,
    params: Object.entries(c.params ?? {}).map(([name, p]) => ({ name, label: p.label, optional: (p.optional ?? false) || p.default !== undefined, ...(p.help ? { help: p.help } : {}), ...(p.example ? { example: p.example } : {}) })),
    auth: Object.entries(c.auth).map(([id, a]) => ({ id, label: 'label' in a ? a.label : 'None', type: a.type })),
    objects: Object.entries(c.objects).map(([name, o]) => ({ name, label: o.label, idField: o.idField, modifiedAtField: o.modifiedAtField, fields: o.fields.static })),
  }));
}
