'use client';

import { useQuery } from '@tanstack/react-query';
import { Handle, ReactFlow, ReactFlowProvider, type Node, type NodeHandle, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import clsx from 'clsx';
import { memo, useMemo } from 'react';
import type { Flow } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import { useTRPC } from '../../_lib/trpc/react';
import { edgeTypes, type FlowCanvasEdge } from './flow-edge';
import { outputPorts } from './graph-ops';
import { flowDirection } from './layout-direction';
import { HANDLE_SIZE, portHandles } from './node-ports';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';

type Ref = 'draft' | number;
type Mark = 'added' | 'removed' | 'changed' | 'same';
type DiffNodeData = { label: string; title: string; mark: Mark; handles: NodeHandle[] };
type DiffNode = Node<DiffNodeData, 'diffNode'>;
type Graph = Pick<Flow, 'nodes' | 'edges' | 'layout'>;

const MARK_STYLE: Record<Mark, string> = {
  added: 'border-emerald-500 bg-emerald-50 ring-2 ring-emerald-500/30',
  removed: 'border-red-500 bg-red-50 ring-2 ring-red-500/30 opacity-80',
  changed: 'border-amber-500 bg-amber-50 ring-2 ring-amber-500/30',
  same: 'border-slate-200 bg-white',
};
const MARK_WORD: Record<Mark, string> = { added: 'added', removed: 'removed', changed: 'changed', same: '' };

/** A read-only card: label, kind, and what happened to it. */
const DiffNodeCard = memo(function DiffNodeCard({ data }: NodeProps<DiffNode>) {
  return (
    <div data-testid="diff-node" data-mark={data.mark} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }} className={clsx('flex flex-col justify-center rounded-lg border px-3', MARK_STYLE[data.mark])}>
      <p className="truncate text-sm font-semibold text-slate-900">{data.label}</p>
      <p className="truncate text-[11px] text-slate-500">
        {data.title}
        {data.mark !== 'same' && <span className="ml-1 font-semibold uppercase">· {MARK_WORD[data.mark]}</span>}
      </p>
      {/* Invisible ports where the editor's are, so React Flow finds them if it ever measures the card. */}
      {data.handles.map((h) => (
        <Handle key={`${h.type}-${h.id}`} id={h.id} type={h.type} position={h.position} isConnectable={false} className="!invisible" style={{ left: h.x + HANDLE_SIZE / 2, top: h.y + HANDLE_SIZE / 2 }} />
      ))}
    </div>
  );
});

const nodeTypes = { diffNode: DiffNodeCard };
const FIT = { padding: 0.15, maxZoom: 1 };
const PRO = { hideAttribution: true };

const edgeKey = (e: Graph['edges'][number]) => `${e.from.node}:${e.from.port}>${e.to.node}:${e.to.port}`;

/** One side of the comparison: every node and edge of `graph`, marked against `other`. */
function SideCanvas({ graph, marks, otherEdges, side, title }: { graph: Graph; marks: Map<string, Mark>; otherEdges: Set<string>; side: 'before' | 'after'; title: string }) {
  const { nodes, edges } = useMemo(() => {
    const direction = flowDirection(graph.edges, graph.layout);
    const nodes: DiffNode[] = graph.nodes.map((n, i) => {
      const def = nodeRegistry.get(n.type, n.typeVersion);
      const mark = marks.get(n.id) ?? 'same';
      const handles = portHandles(def?.ports.in ?? [], outputPorts(n, nodeRegistry), direction);
      return {
        id: n.id,
        type: 'diffNode',
        position: graph.layout[n.id] ?? { x: (i % 4) * 300, y: Math.floor(i / 4) * 140 },
        data: { label: n.label, title: def?.title ?? n.type, mark, handles },
        measured: { width: NODE_WIDTH, height: NODE_HEIGHT },
        // Edges attach where the editor's cards have their ports.
        handles,
        draggable: false,
        connectable: false,
      };
    });
    const edges: FlowCanvasEdge[] = graph.edges.map((e) => ({
      id: e.id,
      type: 'flowEdge',
      source: e.from.node,
      sourceHandle: e.from.port,
      target: e.to.node,
      targetHandle: e.to.port,
      ...(e.from.port === 'main' ? {} : { label: e.from.port }),
      data: { tone: otherEdges.has(edgeKey(e)) ? 'normal' : side === 'after' ? 'added' : 'removed' },
    }));
    return { nodes, edges };
  }, [graph, marks, otherEdges, side]);
  return (
    <figure className="flex min-w-0 flex-1 flex-col" aria-label={title}>
      <figcaption className="mb-1 text-xs font-semibold text-slate-700">{title}</figcaption>
      <div className="h-72 rounded-md border border-slate-200 bg-slate-50" data-testid={`diff-canvas-${side}`}>
        <ReactFlowProvider>
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            fitView
            fitViewOptions={FIT}
            minZoom={0.05}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            proOptions={PRO}
          />
        </ReactFlowProvider>
      </div>
    </figure>
  );
}

/**
 * Two read-only canvases side by side: the older revision with removed steps and connections in
 * red, the newer one with added ones in green; changed steps are amber on both.
 */
export function VersionDiffGraph({ flowId, from, to, changes }: { flowId: string; from: Ref; to: Ref; changes: readonly { nodeId: string; kind: 'added' | 'removed' | 'changed' }[] }) {
  const trpc = useTRPC();
  const graphs = useQuery({ ...trpc.flows.diffGraphs.queryOptions({ flowId, from, to }), staleTime: 0, gcTime: 0 });
  const marks = useMemo(() => new Map<string, Mark>(changes.map((c) => [c.nodeId, c.kind])), [changes]);
  const edgeSets = useMemo(
    () => (graphs.data ? { before: new Set(graphs.data.before.edges.map(edgeKey)), after: new Set(graphs.data.after.edges.map(edgeKey)) } : null),
    [graphs.data],
  );
  if (!graphs.data || !edgeSets) return <p className="text-sm text-slate-500">Drawing both versions…</p>;
  const name = (r: Ref) => (r === 'draft' ? 'Draft' : `Version ${r}`);
  return (
    <div className="flex gap-3" data-testid="version-diff-graph">
      <SideCanvas graph={graphs.data.before} marks={marks} otherEdges={edgeSets.after} side="before" title={name(from)} />
      <SideCanvas graph={graphs.data.after} marks={marks} otherEdges={edgeSets.before} side="after" title={name(to)} />
    </div>
  );
}
