/**
 * A readable diff between two flow documents, at node / edge / config-field level. Pure (no I/O):
 * used by the versions panel through `flows.diff`, and unit-tested.
 */
import type { Flow, FlowNode } from '../../../flows-engine/index';

export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface NodeChange {
  readonly nodeId: string;
  readonly label: string;
  readonly type: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** For `changed`: which fields differ (config fields, `label`, `settings`, `typeVersion`). */
  readonly fields: readonly FieldChange[];
}

export interface EdgeChange {
  readonly edgeId: string;
  readonly kind: 'added' | 'removed';
  /** "Filter (kept) → Transform" */
  readonly description: string;
}

export interface FlowDiff {
  readonly nodes: readonly NodeChange[];
  readonly edges: readonly EdgeChange[];
  readonly unchanged: boolean;
}

type DiffableFlow = Pick<Flow, 'nodes' | 'edges'>;

/** Stable JSON: object keys sorted, so key order never shows up as a change. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function nodeFieldChanges(before: FlowNode, after: FlowNode): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.label !== after.label) changes.push({ field: 'label', before: before.label, after: after.label });
  if (before.typeVersion !== after.typeVersion) changes.push({ field: 'typeVersion', before: before.typeVersion, after: after.typeVersion });
  const keys = new Set([...Object.keys(before.config ?? {}), ...Object.keys(after.config ?? {})]);
  for (const key of [...keys].sort()) {
    const a = before.config?.[key];
    const b = after.config?.[key];
    if (stable(a) !== stable(b)) changes.push({ field: `config.${key}`, before: a, after: b });
  }
  if (stable(before.settings ?? {}) !== stable(after.settings ?? {})) {
    changes.push({ field: 'settings', before: before.settings, after: after.settings });
  }
  return changes;
}

/**
 * Compares two flows. Nodes are matched by their stable id (never by label).
 *
 * @example
 * ```ts
 * diffFlows(v1.graph, draft).nodes.filter((n) => n.kind === 'changed').map((n) => n.label);
 * ```
 */
export function diffFlows(before: DiffableFlow, after: DiffableFlow): FlowDiff {
  const beforeNodes = new Map(before.nodes.map((n) => [n.id, n] as const));
  const afterNodes = new Map(after.nodes.map((n) => [n.id, n] as const));
  const nodes: NodeChange[] = [];
  for (const node of after.nodes) {
    const old = beforeNodes.get(node.id);
    if (!old) nodes.push({ nodeId: node.id, label: node.label, type: node.type, kind: 'added', fields: [] });
    else {
      const fields = nodeFieldChanges(old, node);
      if (fields.length > 0) nodes.push({ nodeId: node.id, label: node.label, type: node.type, kind: 'changed', fields });
    }
  }
  for (const node of before.nodes) {
    if (!afterNodes.has(node.id)) nodes.push({ nodeId: node.id, label: node.label, type: node.type, kind: 'removed', fields: [] });
  }
  const label = (id: string) => afterNodes.get(id)?.label ?? beforeNodes.get(id)?.label ?? id;
  const describe = (e: DiffableFlow['edges'][number]) =>
    `${label(e.from.node)}${e.from.port === 'main' ? '' : ` (${e.from.port})`} → ${label(e.to.node)}`;
  const key = (e: DiffableFlow['edges'][number]) => `${e.from.node}:${e.from.port}>${e.to.node}:${e.to.port}`;
  const beforeEdges = new Set(before.edges.map(key));
  const afterEdges = new Set(after.edges.map(key));
  const edges: EdgeChange[] = [
    ...after.edges.filter((e) => !beforeEdges.has(key(e))).map((e) => ({ edgeId: e.id, kind: 'added' as const, description: describe(e) })),
    ...before.edges.filter((e) => !afterEdges.has(key(e))).map((e) => ({ edgeId: e.id, kind: 'removed' as const, description: describe(e) })),
  ];
  return { nodes, edges, unchanged: nodes.length === 0 && edges.length === 0 };
}
