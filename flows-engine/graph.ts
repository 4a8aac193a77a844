/**
 * Graph helpers over a flow's nodes and edges: deterministic topological order, cycles,
 * reachability and upstream sets. They tolerate dangling edges (they are ignored here and reported
 * by validation).
 */
import type { Edge, FlowNode } from './schema';

/** The part of a flow the graph helpers need. */
export interface GraphLike {
  readonly nodes: readonly Pick<FlowNode, 'id'>[];
  readonly edges: readonly Pick<Edge, 'from' | 'to'>[];
}

/** The result of {@link topologicalOrder}. */
export interface TopoResult {
  /** Node ids in execution order (ties broken by their order in `flow.nodes`). */
  readonly order: readonly string[];
  /** Nodes that sit on or behind a cycle (empty for an acyclic graph). */
  readonly cyclic: readonly string[];
}

/**
 * Kahn's algorithm with a deterministic tie-break, so every replay sees the same order.
 *
 * @example
 * ```ts
 * topologicalOrder({ nodes: [{ id: 'b' }, { id: 'a' }], edges: [{ from: { node: 'a', port: 'main' }, to: { node: 'b', port: 'main' } }] });
 * // { order: ['a', 'b'], cyclic: [] }
 * ```
 */
export function topologicalOrder(graph: GraphLike): TopoResult {
  const index = new Map<string, number>();
  graph.nodes.forEach((n, i) => {
    if (!index.has(n.id)) index.set(n.id, i);
  });
  const indegree = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const id of index.keys()) {
    indegree.set(id, 0);
    next.set(id, []);
  }
  for (const e of graph.edges) {
    if (!index.has(e.from.node) || !index.has(e.to.node)) continue;
    (next.get(e.from.node) as string[]).push(e.to.node);
    indegree.set(e.to.node, (indegree.get(e.to.node) ?? 0) + 1);
  }
  const ready = [...index.keys()].filter((id) => indegree.get(id) === 0);
  const byPosition = (a: string, b: string) => (index.get(a) ?? 0) - (index.get(b) ?? 0);
  ready.sort(byPosition);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    let added = false;
    for (const to of next.get(id) ?? []) {
      const d = (indegree.get(to) ?? 0) - 1;
      indegree.set(to, d);
      if (d === 0) {
        ready.push(to);
        added = true;
      }
    }
    if (added) ready.sort(byPosition);
  }
  const done = new Set(order);
  const cyclic = [...index.keys()].filter((id) => !done.has(id));
  return { order, cyclic };
}

/**
 * Ids of every node from which `nodeId` can be reached (its ancestors), excluding itself.
 *
 * @example
 * ```ts
 * upstreamOf(flow, 'transform'); // Set { 'trigger', 'filter' }
 * ```
 */
export function upstreamOf(graph: GraphLike, nodeId: string): Set<string> {
  const prev = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = prev.get(e.to.node) ?? [];
    list.push(e.from.node);
    prev.set(e.to.node, list);
  }
  const seen = new Set<string>();
  const stack = [...(prev.get(nodeId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(prev.get(id) ?? []));
  }
  seen.delete(nodeId);
  return seen;
}

/**
 * Ids of every node reachable from the given start nodes (including them).
 *
 * @example
 * ```ts
 * reachableFrom(flow, ['trigger']).has('orphan'); // false
 * ```
 */
export function reachableFrom(graph: GraphLike, starts: readonly string[]): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = next.get(e.from.node) ?? [];
    list.push(e.to.node);
    next.set(e.from.node, list);
  }
  const seen = new Set<string>();
  const stack = [...starts];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return seen;
}
