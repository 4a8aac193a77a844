/**
 * Left-to-right layered layout with dagre (a well-kept layout library). Pure: takes the graph,
 * returns positions; the store records them as one undoable change. Always left to right, because
 * inputs are on the left of a card and outputs on the right: a top-to-bottom layout made every
 * edge leave sideways and loop back in. Loaded on demand (the first "Tidy up"), not with the editor.
 */
import dagre from '@dagrejs/dagre';
import type { Flow } from '../../../flows-engine/index';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';

export function autoLayout(flow: Pick<Flow, 'nodes' | 'edges'>): Flow['layout'] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
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
