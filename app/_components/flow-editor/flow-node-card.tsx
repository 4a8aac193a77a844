'use client';

import clsx from 'clsx';
import { Handle, type Node, type NodeProps } from '@xyflow/react';
import { AlertTriangle } from 'lucide-react';
import { createContext, memo, useContext, useMemo } from 'react';
import type { Issue } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import { outputPorts } from './graph-ops';
import type { LayoutDirection } from './layout-direction';
import { portFraction, portSides } from './node-ports';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';
import { FALLBACK_ICON, GROUP_ACCENTS, NODE_ICONS, summariseConfig } from './node-meta';
import { useEditor } from './store';

/** React Flow data: identity only. Everything else is read from the store by id. */
export type FlowNodeData = { nodeId: string; type: string; typeVersion: number };
export type FlowCanvasNode = Node<FlowNodeData, 'flowNode'>;

/** A handle's place along its side (top for left/right sides, left for top/bottom ones). */
function portStyle(index: number, count: number, direction: LayoutDirection) {
  const along = `${portFraction(index, count) * 100}%`;
  return direction === 'TB' ? { left: along } : { top: along };
}

function RunBadge({ nodeId, fallback }: { nodeId: string; fallback: string }) {
  const trace = useEditor((s) => s.traceByNode[nodeId]);
  if (!trace) return <p className="truncate text-[11px] text-slate-400">{fallback}</p>;
  const ports = Object.entries(trace.itemsOut);
  const out = ports.length > 1 ? ports.map(([port, n]) => `${n} ${port}`).join(' · ') : `${ports[0]?.[1] ?? 0} out`;
  const tone =
    trace.status === 'failed' ? 'bg-red-600 text-white' : trace.status === 'skipped' ? 'bg-slate-200 text-slate-600' : 'bg-emerald-600 text-white';
  const text =
    trace.status === 'failed' ? 'Failed' : trace.status === 'skipped' ? 'Not reached' : `${trace.itemsIn} in → ${out}${trace.skippedCount ? ` · ${trace.skippedCount} skipped` : ''}`;
  return (
    <span data-testid="run-badge" className={clsx('truncate rounded-full px-1.5 text-[11px] leading-4 font-medium', tone)}>
      {text}
    </span>
  );
}

const NO_ISSUES: readonly Issue[] = [];

/** "3 problems: ..." (errors first, else warnings), with its severity; null when there is nothing to say. */
function problemOf(issues: readonly Issue[]): { severity: 'error' | 'warning'; text: string } | null {
  const errors = issues.filter((i) => i.severity === 'error');
  const shown = errors.length > 0 ? errors : issues;
  const first = shown[0];
  if (!first) return null;
  const word = errors.length > 0 ? 'problem' : 'warning';
  return { severity: errors.length > 0 ? 'error' : 'warning', text: `${shown.length} ${word}${shown.length > 1 ? 's' : ''}: ${first.message}` };
}

/**
 * How the canvas wants its cards drawn, provided once by the canvas so cards re-render only when
 * it changes:
 * - `compact`: zoomed far out (a big flow opens that way), a card is a coloured tile with its
 *   label only: the text would be unreadable anyway, and a third of the elements make opening and
 *   dragging cheaper;
 * - `direction`: the sides the ports are on (see layout-direction.ts).
 */
/** `readOnly`: cards neither move nor pan the view when dragged (viewers), so a step never seems to move. */
export const CardLayout = createContext<{ compact: boolean; direction: LayoutDirection; readOnly: boolean }>({ compact: false, direction: 'LR', readOnly: false });

/** The one node component: label, type icon, config summary, ports, problem and run badges. */
function FlowNodeCardImpl({ data, selected }: NodeProps<FlowCanvasNode>) {
  // Narrow slices only: this card re-renders when ITS node, problems or test result change.
  const node = useEditor((s) => s.nodeIndex[data.nodeId]);
  const issues = useEditor((s) => s.issuesByNode[data.nodeId] ?? NO_ISSUES);
  const { compact, direction, readOnly } = useContext(CardLayout);
  const problem = useMemo(() => problemOf(issues), [issues]);
  const def = nodeRegistry.get(data.type, data.typeVersion);
  if (!node) return null;
  const Icon = NODE_ICONS[data.type] ?? FALLBACK_ICON;
  const inPorts = def?.ports.in ?? [];
  const outPorts = outputPorts(node, nodeRegistry);
  const sides = portSides(direction);
  return (
    <div
      data-testid="flow-node"
      data-node-label={node.label}
      style={CARD_SIZE}
      className={clsx(
        'relative rounded-lg border',
        readOnly && 'nopan cursor-default',
        compact ? (def ? GROUP_ACCENTS[def.group] : 'bg-slate-100') : 'bg-white px-3 py-2.5 shadow-sm',
        selected ? 'border-brand-600 ring-2 ring-brand-600/30' : 'border-slate-200 hover:border-slate-300',
        problem?.severity === 'error' && !selected && 'border-amber-400',
      )}
    >
      {compact ? (
        <p className="flex h-full items-center justify-center truncate px-3 text-2xl font-semibold">{node.label}</p>
      ) : (
        <div className="flex items-start gap-2.5">
          <span className={clsx('mt-0.5 flex h-8 w-8 shrink-0 items-center justify-center rounded-md', def ? GROUP_ACCENTS[def.group] : 'bg-slate-100')}>
            <Icon size={16} aria-hidden="true" />
          </span>
          <div className="min-w-0 flex-1">
            <div className="flex items-center gap-1">
              <p className="truncate text-sm font-semibold text-slate-900">{node.label}</p>
              {problem && (
                <span title={problem.text} aria-label={problem.text} data-testid="problem-badge" data-severity={problem.severity} className={clsx('ml-auto shrink-0', problem.severity === 'error' ? 'text-amber-500' : 'text-slate-400')}>
                  <AlertTriangle size={15} />
                </span>
              )}
            </div>
            <div className="flex h-4 min-w-0 items-center">
              {/* The last test run's counts, in place of the step's kind: no side of the card is free of ports in both directions. */}
              <RunBadge nodeId={data.nodeId} fallback={def?.title ?? node.type} />
            </div>
            <p className="mt-0.5 truncate text-xs text-slate-600" title={summariseConfig(node)}>{summariseConfig(node)}</p>
          </div>
        </div>
      )}
      {inPorts.map((port, i) => (
        <Handle key={port} id={port} type="target" position={sides.input} style={portStyle(i, inPorts.length, direction)} className="!h-3 !w-3 !border-2 !border-white !bg-slate-400" />
      ))}
      {outPorts.map((port, i) => (
        <Handle
          key={port}
          id={port}
          type="source"
          position={sides.output}
          style={portStyle(i, outPorts.length, direction)}
          className={clsx('!h-3 !w-3 !border-2 !border-white', port === 'error' ? '!bg-red-500' : '!bg-brand-600')}
          data-testid={`port-${port}`}
        >
          {outPorts.length > 1 && !compact && (
            <span
              className={clsx(
                'pointer-events-none absolute rounded bg-white/90 px-1 text-[10px] font-medium whitespace-nowrap text-slate-500',
                direction === 'TB' ? 'top-3 left-1/2 -translate-x-1/2' : 'top-1/2 left-3 -translate-y-1/2',
              )}
            >
              {port}
            </span>
          )}
        </Handle>
      ))}
    </div>
  );
}

/** Fixed, in both levels of detail: React Flow measures a card once, edges attach to its ports. */
const CARD_SIZE = { width: NODE_WIDTH, height: NODE_HEIGHT };

export const FlowNodeCard = memo(FlowNodeCardImpl);

/** Module scope: React Flow must get the same object on every render. */
export const nodeTypes = { flowNode: FlowNodeCard };
