'use client';

import { Background, Controls, Handle, Position, ReactFlow, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import clsx from 'clsx';
import { memo, useMemo } from 'react';
import dagre from '@dagrejs/dagre';
import type { RunDetail } from '../../../_server/runs/run-queries';
import { stepTitle } from '../run-problem';

type Step = RunDetail['steps'][number];
type RunNodeData = { label: string; /** The step's kind in words ("Upsert record"). */ type: string; step: Step | undefined; failedHere: boolean; selected: boolean; live: boolean };
type RunNode = Node<RunNodeData, 'runNode'>;

const CARD_WIDTH = 190;
const CARD_HEIGHT = 70;

function compactLayout(graph: RunDetail['graph']): Record<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  // Room between ranks for the port labels on the edges ("kept (1)").
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 84, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: CARD_WIDTH, height: CARD_HEIGHT });
  for (const e of graph.edges) if (g.hasNode(e.from.node) && g.hasNode(e.to.node)) g.setEdge(e.from.node, e.to.node);
  dagre.layout(g);
  return Object.fromEntries(
    graph.nodes.flatMap((n) => {
      const p = g.node(n.id);
      return p ? [[n.id, { x: Math.round(p.x - CARD_WIDTH / 2), y: Math.round(p.y - CARD_HEIGHT / 2) }]] : [];
    }),
  );
}

const TONE: Record<string, string> = {
  succeeded: 'border-emerald-400 bg-emerald-50',
  failed: 'border-red-500 bg-red-50 ring-2 ring-red-500/30',
  running: 'border-sky-400 bg-sky-50',
  skipped: 'border-slate-200 bg-slate-50 opacity-70',
  cancelled: 'border-slate-300 bg-slate-50',
};

/** A port id in words: `notFound` → "not found". */
const portWords = (port: string) => port.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

function counts(step: Step): string {
  const ports = Object.entries(step.itemsOut);
  const out = ports.length > 1 ? ports.map(([p, n]) => `${n} ${portWords(p)}`).join(' · ') : `${ports[0]?.[1] ?? 0} out`;
  const skipped = step.skipped?.length ?? 0;
  return `${step.itemsIn} in → ${out}${skipped ? ` · ${skipped} skipped` : ''}`;
}

function RunNodeCardImpl({ data }: NodeProps<RunNode>) {
  const status = data.step?.status ?? (data.failedHere ? 'failed' : 'none');
  return (
    <div
      data-testid="run-node"
      data-node-label={data.label}
      data-status={status}
      style={{ width: CARD_WIDTH, minHeight: CARD_HEIGHT }}
      className={clsx('rounded-lg border-2 px-3 py-2 shadow-sm', TONE[status] ?? 'border-dashed border-slate-200 bg-white', data.selected && 'outline-2 outline-offset-2 outline-brand-600')}
    >
      <Handle type="target" position={Position.Left} className="!h-2 !w-2 !bg-slate-400" isConnectable={false} />
      <p className="truncate text-sm font-semibold text-slate-900">{data.label}</p>
      {data.type !== data.label && <p className="truncate text-[11px] text-slate-500">{data.type}</p>}
      <p className={clsx('mt-1 text-xs font-medium', status === 'failed' ? 'text-red-700' : status === 'succeeded' ? 'text-emerald-800' : 'text-slate-500')}>
        {data.step ? (data.step.status === 'skipped' ? 'Not reached' : data.step.status === 'failed' ? `Failed${data.step.attempts > 1 ? ` after ${data.step.attempts} attempts` : ''}` : data.step.status === 'running' ? `Retrying: attempt ${data.step.attempts} of ${data.step.maxAttempts ?? '?'} failed` : counts(data.step)) : data.failedHere ? 'Failed' : data.live ? 'Recorded when the run ends' : 'No step recorded'}
      </p>
      <Handle type="source" position={Position.Right} className="!h-2 !w-2 !bg-slate-400" isConnectable={false} />
    </div>
  );
}

const nodeTypes = { runNode: memo(RunNodeCardImpl) };

/** The run's flow version, read-only, each node coloured by its step status with its item counts. */
export function RunGraph({ detail, selected, onSelect }: { detail: RunDetail; selected: string | null; onSelect: (nodeId: string) => void }) {
  const { graph, steps, run } = detail;
  // A compact layered layout of its own (smaller cards than the editor's), so a whole flow stays readable.
  const layout = useMemo(() => compactLayout(graph), [graph]);
  const nodes: RunNode[] = useMemo(
    () =>
      graph.nodes.map((n, i) => ({
        id: n.id,
        type: 'runNode' as const,
        position: layout[n.id] ?? { x: i * 300, y: 0 },
        draggable: false,
        selectable: true,
        data: { label: n.label, type: stepTitle(n), step: steps.find((s) => s.nodeId === n.id), failedHere: run.error?.nodeId === n.id, selected: selected === n.id, live: run.status === 'queued' || run.status === 'running' },
      })),
    [graph, layout, steps, run.error?.nodeId, selected],
  );
  const edges = useMemo(
    () =>
      graph.edges.map((e) => {
        const source = steps.find((s) => s.nodeId === e.from.node);
        const carried = source?.itemsOut[e.from.port];
        return {
          id: e.id,
          source: e.from.node,
          target: e.to.node,
          label: `${e.from.port === 'main' ? '' : `${portWords(e.from.port)} `}${carried !== undefined ? `(${carried})` : ''}`.trim() || undefined,
          animated: run.status === 'running',
          style: { stroke: carried ? '#059669' : '#cbd5e1', strokeWidth: carried ? 2 : 1.5 },
        };
      }),
    [graph, steps, run.status],
  );
  return (
    <div className="h-72 rounded-lg border border-slate-200 bg-white" data-testid="run-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.08, maxZoom: 1 }}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        onNodeClick={(_, node) => onSelect(node.id)}
        proOptions={{ hideAttribution: true }}
        minZoom={0.2}
        // The wheel scrolls the page past the graph; Ctrl + wheel (or the buttons, or a pinch) zooms it.
        zoomOnScroll={false}
        preventScrolling={false}
        zoomActivationKeyCode="Control"
      >
        <Background gap={16} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
