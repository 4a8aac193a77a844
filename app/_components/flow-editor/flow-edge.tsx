'use client';

import { BaseEdge, getSmoothStepPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';

/** How an edge is drawn: normal, the error route, or a version-diff marking. */
export type EdgeTone = 'normal' | 'error' | 'added' | 'removed';
export type FlowEdgeData = { tone?: EdgeTone };
export type FlowCanvasEdge = Edge<FlowEdgeData, 'flowEdge'>;

const STROKES: Record<EdgeTone, { stroke: string; strokeDasharray?: string; strokeWidth?: number }> = {
  normal: { stroke: '#94a3b8' },
  error: { stroke: '#ef4444', strokeDasharray: '5 4' },
  added: { stroke: '#059669', strokeWidth: 2.5 },
  removed: { stroke: '#dc2626', strokeDasharray: '6 4', strokeWidth: 2.5 },
};
const SELECTED = { stroke: '#4f46e5', strokeWidth: 2 };

/**
 * The editor's one edge: a smooth-step path and, for named ports, the port name as plain SVG text.
 * Cheaper than React Flow's built-in label, which measures its text (getBBox) on every render.
 */
function FlowEdgeImpl({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, label, selected, data, interactionWidth }: EdgeProps<FlowCanvasEdge>) {
  const [path, labelX, labelY] = getSmoothStepPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition, borderRadius: 8 });
  const style = selected ? SELECTED : STROKES[data?.tone ?? 'normal'];
  return (
    <>
      <BaseEdge path={path} style={style} interactionWidth={interactionWidth} />
      {label && (
        <text x={labelX} y={labelY} textAnchor="middle" dominantBaseline="central" className="pointer-events-none fill-slate-500 text-[10px] font-medium [paint-order:stroke] [stroke-linejoin:round] [stroke-width:4px] [stroke:#f8fafc]">
          {label}
        </text>
      )}
    </>
  );
}

export const FlowEdge = memo(FlowEdgeImpl);

/** Module scope: React Flow must get the same object on every render. */
export const edgeTypes = { flowEdge: FlowEdge };
