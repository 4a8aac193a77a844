/**
 * Left-to-right layered layout with dagre (a well-kept layout library). Pure: takes the graph,
 * returns positions; the store records them as one undoable change.
 */
import dagre from '@dagrejs/dagre';
import type { Flow } from '../../../flows-engine/index';

/** The card's box, kept in sync with `flow-node-card.tsx`. */
export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 76;

/** Top-to-bottom when the canvas is taller than wide (laptop screens with both panels open), else left-to-right. */
export type LayoutDirection = 'LR' | 'TB';

export function preferredDirection(canvas: { width: number; height: number } | undefined): LayoutDirection {
  return canvas && canvas.width < canvas.height * 1.2 ? 'TB' : 'LR';
}

export function autoLayout(flow: Pick<Flow, 'nodes' | 'edges'>, direction: LayoutDirection = 'LR'): Flow['layout'] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: direction, nodesep: direction === 'LR' ? 40 : 60, ranksep: direction === 'LR' ? 80 : 50, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of flow.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of flow.edges) if (g.hasNode(e.from.node) && g.hasNode(e.to.node)) g.setEdge(e.from.node, e.to.node);
  dagre.layout(g);
  const layout: Flow['layout'] = {};
  for (const n of flow.nodes) {
    const p = g.node(n.id);
    if (p) layout[n.id] = { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) };
  }
  return layout;
}
