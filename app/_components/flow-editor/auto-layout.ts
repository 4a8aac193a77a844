/**
 * Layered layout with dagre (a well-kept layout library), left to right or top to bottom. Pure:
 * takes the graph, returns positions; the store records them as one undoable change. The cards'
 * ports follow the direction (see layout-direction.ts). Loaded on demand (the first "Tidy up").
 */
import dagre from '@dagrejs/dagre';
import type { Flow } from '../../../flows-engine/index';
import type { LayoutDirection } from './layout-direction';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';

export function autoLayout(flow: Pick<Flow, 'nodes' | 'edges'>, direction: LayoutDirection = 'LR'): Flow['layout'] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: direction, nodesep: direction === 'LR' ? 40 : 60, ranksep: direction === 'LR' ? 80 : 60, marginx: 20, marginy: 20 });
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
