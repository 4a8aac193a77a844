/**
 * Export and import of a flow as a JSON document. Connections are referenced by NAME (ids differ
 * between workspaces) and a document never contains secrets (flows never hold them: connections
 * do). Import re-binds names to the target workspace's connection ids and reports the ones that do
 * not resolve. Hostile documents (pollution keys, huge or deep payloads) are refused with an issue.
 */
import { z } from 'zod';
import { connectionFields } from './describe-config';
import { errorIssue, warningIssue, type Issue } from './issues';
import type { NodeRegistry } from './node-registry';
import { parsePath, getAt, setAt } from './path';
import { checkPayload } from './payload';
import { FlowSchema, type Flow, type FlowNode } from './schema';
import { formatPath } from './zod-issues';

/** The identifier of an exported flow document. */
export const FLOW_EXPORT_FORMAT = 'syncline.flow' as const;

/** A connection reference inside an exported flow. */
export const ExportedConnectionRefSchema = z.object({
  nodeId: z.string(),
  /** Path inside the node's config, e.g. `connectionId` or `conditions[0].connectionId`. */
  field: z.string(),
  name: z.string().nullable(),
});

/**
 * The exported document.
 *
 * @example
 * ```ts
 * FlowExportSchema.parse(JSON.parse(text));
 * ```
 */
export const FlowExportSchema = z.object({
  format: z.literal(FLOW_EXPORT_FORMAT),
  formatVersion: z.literal(1),
  flow: FlowSchema,
  connections: z.array(ExportedConnectionRefSchema),
});
/** @see {@link FlowExportSchema} */
export type FlowExport = z.infer<typeof FlowExportSchema>;

interface ConnectionSlot {
  readonly nodeId: string;
  readonly field: string;
  readonly top: string;
  readonly rest: readonly (string | number)[];
}

function connectionSlots(flow: Flow, registry: NodeRegistry): ConnectionSlot[] {
  const slots: ConnectionSlot[] = [];
  for (const node of flow.nodes) {
    const def = registry.get(node.type, node.typeVersion);
    if (!def) continue;
    for (const f of connectionFields(def.config)) {
      if (node.config[f.key]?.kind === 'literal') slots.push({ nodeId: node.id, field: f.key, top: f.key, rest: [] });
    }
    if (!def.connectionRefs) continue;
    const literal = literalConfig(node);
    const parsed = def.config.safeParse(literal);
    if (!parsed.success) continue;
    for (const r of def.connectionRefs(parsed.data)) {
      const path = parsePath(r.field);
      if (!path.ok || typeof path.value[0] !== 'string') continue;
      if (node.config[path.value[0]]?.kind !== 'literal') continue;
      slots.push({ nodeId: node.id, field: r.field, top: path.value[0], rest: path.value.slice(1) });
    }
  }
  return slots;
}

function literalConfig(node: FlowNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node.config)) if (v.kind === 'literal') out[k] = v.value;
  return out;
}

function readSlot(node: FlowNode, slot: ConnectionSlot): unknown {
  const source = node.config[slot.top];
  if (source?.kind !== 'literal') return undefined;
  return slot.rest.length === 0 ? source.value : getAt(source.value, slot.rest);
}

function writeSlot(node: FlowNode, slot: ConnectionSlot, value: string): FlowNode {
  const source = node.config[slot.top];
  if (source?.kind !== 'literal') return node;
  let next: unknown = value;
  if (slot.rest.length > 0) {
    const container = { v: source.value };
    const written = setAt(container, ['v', ...slot.rest], value);
    next = written.ok ? written.value.v : source.value;
  }
  return { ...node, config: { ...node.config, [slot.top]: { kind: 'literal', value: next } } };
}

/**
 * Exports a flow: connection ids are blanked and listed by name.
 *
 * @example
 * ```ts
 * const doc = exportFlow(flow, { registry: nodeRegistry, connectionNameById: { c1: 'Demo CRM' } });
 * JSON.stringify(doc); // safe to share: no ids of this workspace's connections, no secrets
 * ```
 */
export function exportFlow(flow: Flow, options: { registry: NodeRegistry; connectionNameById: Readonly<Record<string, string>> }): FlowExport {
  const connections: FlowExport['connections'] = [];
  const nodes = flow.nodes.map((node) => {
    let current = node;
    for (const slot of connectionSlots(flow, options.registry).filter((s) => s.nodeId === node.id)) {
      const id = readSlot(current, slot);
      if (typeof id !== 'string' || id === '') continue;
      const name = Object.prototype.hasOwnProperty.call(options.connectionNameById, id) ? (options.connectionNameById[id] ?? null) : null;
      connections.push({ nodeId: node.id, field: slot.field, name });
      current = writeSlot(current, slot, '');
    }
    return current;
  });
  return { format: FLOW_EXPORT_FORMAT, formatVersion: 1, flow: { ...flow, nodes }, connections };
}

/** The outcome of {@link importFlow}: the flow (when readable) and every problem found. */
export interface ImportResult {
  readonly flow?: Flow;
  readonly issues: readonly Issue[];
}

/**
 * Imports a document, re-binding connection names to this workspace's ids. Never throws.
 *
 * @example
 * ```ts
 * const { flow, issues } = importFlow(JSON.parse(text), { registry: nodeRegistry, connectionIdByName: { 'Demo CRM': 'c9' } });
 * ```
 */
export function importFlow(doc: unknown, options: { registry: NodeRegistry; connectionIdByName: Readonly<Record<string, string>> }): ImportResult {
  try {
    const safe = checkPayload(doc);
    if (!safe.ok) return { issues: [errorIssue('import.refused', `The file was refused: ${safe.error}`)] };
    const parsed = FlowExportSchema.safeParse(doc);
    if (!parsed.success) {
      return {
        issues: parsed.error.issues.slice(0, 50).map((i) => {
          const field = formatPath(i.path);
          return errorIssue('import.shape', `This is not a valid Syncline flow file: ${field ? `${field}: ` : ''}${i.message}`, field ? { field } : {});
        }),
      };
    }
    const issues: Issue[] = [];
    let flow = parsed.data.flow;
    const slots = connectionSlots(flow, options.registry);
    for (const ref of parsed.data.connections) {
      const slot = slots.find((s) => s.nodeId === ref.nodeId && s.field === ref.field);
      if (!slot) {
        issues.push(warningIssue('import.connection-slot', `A connection reference for ${ref.field} does not match any setting; it was ignored`, { nodeId: ref.nodeId, field: ref.field }));
        continue;
      }
      const id = ref.name !== null && Object.prototype.hasOwnProperty.call(options.connectionIdByName, ref.name) ? options.connectionIdByName[ref.name] : undefined;
      if (id === undefined) {
        issues.push(
          errorIssue('import.connection-unresolved', ref.name === null
            ? `A step used a connection that had no name when exported; choose a connection`
            : `There is no connection named "${ref.name}" in this workspace; create it or choose another one`, { nodeId: ref.nodeId, field: ref.field }),
        );
        continue;
      }
      flow = { ...flow, nodes: flow.nodes.map((n) => (n.id === ref.nodeId ? writeSlot(n, slot, id) : n)) };
    }
    return { flow, issues };
  } catch (e) {
    return { issues: [errorIssue('import.unreadable', `The file could not be read: ${e instanceof Error ? e.message : String(e)}`)] };
  }
}
