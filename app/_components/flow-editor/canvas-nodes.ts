/**
 * The React Flow nodes of the document, built so that dragging stays cheap on big flows:
 * - a node whose position, selection and ports did not change keeps its object, so React Flow and
 *   the memoised card skip it;
 * - every node carries its size (`measured`) and port boxes (`handles`): React Flow draws edges
 *   without measuring the DOM first, and a node object replaced while dragging keeps them. Without
 *   them React Flow re-measured the dragged card on every frame (a forced layout and a full store
 *   update per frame).
 * Pure; unit-tested.
 */
import type { Flow, FlowNode } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import type { FlowCanvasNode } from './flow-node-card';
import { outputPorts } from './graph-ops';
import type { LayoutDirection } from './layout-direction';
import { portHandles } from './node-ports';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';

/** Last build's nodes by id, with the ports they were built for. */
export type CanvasNodeCache = ReadonlyMap<string, { node: FlowCanvasNode; ports: string }>;

const CARD_MEASURED = { width: NODE_WIDTH, height: NODE_HEIGHT };

/** Where a node without a stored position goes (a grid, so none overlap). */
const fallbackPosition = (i: number) => ({ x: 80 + (i % 4) * 300, y: 80 + Math.floor(i / 4) * 140 });

export function buildCanvasNodes(input: {
  nodes: readonly FlowNode[];
  layout: Flow['layout'];
  selected: ReadonlySet<string>;
  /** Which sides the ports are on (see layout-direction.ts). */
  direction: LayoutDirection;
  previous: CanvasNodeCache;
}): { list: FlowCanvasNode[]; cache: CanvasNodeCache } {
  const cache = new Map<string, { node: FlowCanvasNode; ports: string }>();
  const list = input.nodes.map((n, i) => {
    const position = input.layout[n.id] ?? fallbackPosition(i);
    const isSelected = input.selected.has(n.id);
    const inPorts = nodeRegistry.get(n.type, n.typeVersion)?.ports.in ?? [];
    const outPorts = outputPorts(n, nodeRegistry);
    const ports = `${input.direction}:${n.type}@${n.typeVersion}:${inPorts.join()}>${outPorts.join()}`;
    const prev = input.previous.get(n.id);
    const samePorts = prev?.ports === ports;
    const node: FlowCanvasNode =
      prev && samePorts && prev.node.position.x === position.x && prev.node.position.y === position.y && prev.node.selected === isSelected
        ? prev.node
        : {
            id: n.id,
            type: 'flowNode',
            position,
            selected: isSelected,
            measured: CARD_MEASURED,
            data: prev && samePorts ? prev.node.data : { nodeId: n.id, type: n.type, typeVersion: n.typeVersion },
            handles: prev && samePorts ? prev.node.handles : portHandles(inPorts, outPorts, input.direction),
          };
    cache.set(n.id, { node, ports });
    return node;
  });
  return { list, cache };
}
