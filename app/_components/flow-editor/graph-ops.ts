/**
 * Pure edits of a flow document, used by the editor store. No React; unit-tested. Validation and
 * graph questions (cycles, upstream sets) are delegated to the engine.
 */
import { ERROR_PORT, upstreamOf, type Edge, type Flow, type FlowNode, type NodeRegistry, type ValueSource } from '../../../flows-engine/index';

/** A connection attempt, as React Flow reports it. */
export interface ConnectionAttempt {
  readonly source: string | null;
  readonly sourceHandle?: string | null;
  readonly target: string | null;
  readonly targetHandle?: string | null;
}

export type ConnectCheck = { ok: true } | { ok: false; reason: string };

/** The output ports a node offers (its declared ports, plus `error` when it routes failures). */
export function outputPorts(node: FlowNode, registry: NodeRegistry): string[] {
  const def = registry.get(node.type, node.typeVersion);
  const ports = [...(def?.ports.out ?? [])];
  if (node.settings?.onError === 'route') ports.push(ERROR_PORT);
  return ports;
}

/**
 * Whether an edge may be drawn, and why not. Refuses: self loops, unknown ports, connections into
 * a trigger, duplicates, and anything that would close a cycle.
 *
 * @example
 * ```ts
 * canConnect(flow, nodeRegistry, { source: 'a', sourceHandle: 'main', target: 'b', targetHandle: 'main' });
 * ```
 */
export function canConnect(flow: Pick<Flow, 'nodes' | 'edges'>, registry: NodeRegistry, c: ConnectionAttempt): ConnectCheck {
  if (!c.source || !c.target) return { ok: false, reason: 'Drop the connection on a step’s input port' };
  if (c.source === c.target) return { ok: false, reason: 'A step cannot feed itself' };
  const from = flow.nodes.find((n) => n.id === c.source);
  const to = flow.nodes.find((n) => n.id === c.target);
  if (!from || !to) return { ok: false, reason: 'That step no longer exists' };
  const toDef = registry.get(to.type, to.typeVersion);
  if (toDef && toDef.ports.in.length === 0) return { ok: false, reason: `“${to.label}” is a trigger: it starts the flow and takes no input` };
  const sourcePort = c.sourceHandle ?? 'main';
  const targetPort = c.targetHandle ?? 'main';
  if (!outputPorts(from, registry).includes(sourcePort)) return { ok: false, reason: `“${from.label}” has no output “${sourcePort}”` };
  if (toDef && !(toDef.ports.in as readonly string[]).includes(targetPort)) {
    return { ok: false, reason: `Connect an output to an input: “${targetPort}” is not an input of “${to.label}”` };
  }
  if (flow.edges.some((e) => e.from.node === c.source && e.from.port === sourcePort && e.to.node === c.target && e.to.port === targetPort)) {
    return { ok: false, reason: 'These steps are already connected this way' };
  }
  if (upstreamOf(flow, c.source).has(c.target)) {
    return { ok: false, reason: `That would make a loop: “${to.label}” already runs before “${from.label}”` };
  }
  return { ok: true };
}

/**
 * Default literal config of a new node: each field's default, and empty lists for the list builders
 * (so validation says "add at least one condition" rather than "this field is required").
 */
export function defaultConfig(fields: readonly { key: string; widget?: string; defaultValue?: unknown }[]): Record<string, ValueSource> {
  const config: Record<string, ValueSource> = {};
  for (const f of fields) {
    if (f.defaultValue !== undefined) config[f.key] = { kind: 'literal', value: f.defaultValue };
    else if (f.widget === 'condition-list' || f.widget === 'field-mapping') config[f.key] = { kind: 'literal', value: [] };
  }
  return config;
}

/** A label not yet used in the flow: "Filter", "Filter 2", ... (labels are for people; ids stay random). */
export function uniqueLabel(flow: Pick<Flow, 'nodes'>, title: string): string {
  const taken = new Set(flow.nodes.map((n) => n.label));
  if (!taken.has(title)) return title;
  for (let i = 2; ; i++) if (!taken.has(`${title} ${i}`)) return `${title} ${i}`;
}

/** Removes nodes (and their edges) and edges by id. */
export function removeElements(flow: Flow, nodeIds: ReadonlySet<string>, edgeIds: ReadonlySet<string>): Flow {
  const layout = { ...flow.layout };
  for (const id of nodeIds) delete layout[id];
  return {
    ...flow,
    nodes: flow.nodes.filter((n) => !nodeIds.has(n.id)),
    edges: flow.edges.filter((e) => !edgeIds.has(e.id) && !nodeIds.has(e.from.node) && !nodeIds.has(e.to.node)),
    layout,
  };
}

/** What is copied: nodes with their positions and the edges between them. */
export interface Clipboard {
  readonly nodes: readonly FlowNode[];
  readonly edges: readonly Edge[];
  readonly layout: Flow['layout'];
}

export function copySelection(flow: Flow, nodeIds: ReadonlySet<string>): Clipboard {
  return {
    nodes: flow.nodes.filter((n) => nodeIds.has(n.id)),
    edges: flow.edges.filter((e) => nodeIds.has(e.from.node) && nodeIds.has(e.to.node)),
    layout: Object.fromEntries(Object.entries(flow.layout).filter(([id]) => nodeIds.has(id))),
  };
}

/** Pastes with fresh ids and offset positions; returns the new flow and the pasted node ids. */
export function pasteClipboard(flow: Flow, clip: Clipboard, newId: () => string, offset = 40): { flow: Flow; pasted: string[] } {
  const ids = new Map(clip.nodes.map((n) => [n.id, newId()] as const));
  const nodes = clip.nodes.map((n) => ({ ...n, id: ids.get(n.id) as string, label: uniqueLabel(flow, n.label) }));
  const edges = clip.edges.map((e) => ({
    id: newId(),
    from: { ...e.from, node: ids.get(e.from.node) as string },
    to: { ...e.to, node: ids.get(e.to.node) as string },
  }));
  const layout = { ...flow.layout };
  for (const [oldId, id] of ids) {
    const p = clip.layout[oldId] ?? { x: 0, y: 0 };
    layout[id] = { x: p.x + offset, y: p.y + offset };
  }
  return { flow: { ...flow, nodes: [...flow.nodes, ...nodes], edges: [...flow.edges, ...edges], layout }, pasted: [...ids.values()] };
}
