'use client';

import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Edge as RfEdge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type OnConnect,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Map as MapIcon } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { toast } from 'sonner';
import { nodeRegistry } from '../../../nodes/registry';
import { NODE_WIDTH } from './auto-layout';
import { nodeTypes, type FlowCanvasNode } from './flow-node-card';
import { canConnect } from './graph-ops';
import { useEditor } from './store';
import { useDnD } from './use-dnd';

/** Builds React Flow nodes from the store, reusing unchanged node objects so memoised cards skip rendering. */
function useCanvasNodes(): FlowCanvasNode[] {
  const nodes = useEditor((s) => s.doc.nodes);
  const layout = useEditor((s) => s.doc.layout);
  const selected = useEditor((s) => s.selectedNodeIds);
  const cache = useRef(new Map<string, FlowCanvasNode>());
  return useMemo(() => {
    const next = new Map<string, FlowCanvasNode>();
    const list = nodes.map((n, i) => {
      const position = layout[n.id] ?? { x: 80 + (i % 4) * 300, y: 80 + Math.floor(i / 4) * 140 };
      const isSelected = selected.has(n.id);
      const prev = cache.current.get(n.id);
      const node =
        prev && prev.position.x === position.x && prev.position.y === position.y && prev.selected === isSelected && prev.data.type === n.type && prev.data.typeVersion === n.typeVersion
          ? prev
          : { id: n.id, type: 'flowNode' as const, position, selected: isSelected, data: prev?.data.type === n.type && prev.data.typeVersion === n.typeVersion ? prev.data : { nodeId: n.id, type: n.type, typeVersion: n.typeVersion } };
      next.set(n.id, node);
      return node;
    });
    cache.current = next;
    return list;
  }, [nodes, layout, selected]);
}

function useCanvasEdges(): RfEdge[] {
  const edges = useEditor((s) => s.doc.edges);
  const selected = useEditor((s) => s.selectedEdgeIds);
  return useMemo(
    () =>
      edges.map((e) => ({
        id: e.id,
        source: e.from.node,
        sourceHandle: e.from.port,
        target: e.to.node,
        targetHandle: e.to.port,
        selected: selected.has(e.id),
        ...(e.from.port === 'main' ? {} : { label: e.from.port }),
        className: e.from.port === 'error' ? 'edge-error' : undefined,
      })),
    [edges, selected],
  );
}

export function Canvas({ readOnly }: { readOnly: boolean }) {
  const nodes = useCanvasNodes();
  const edges = useCanvasEdges();
  const hint = useEditor((s) => s.connectHint);
  const focusRequest = useEditor((s) => s.focusRequest);
  const { screenToFlowPosition, setCenter, getZoom } = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const { registerDropTarget } = useDnD();
  // The minimap covers part of a narrow canvas (laptop, both panels open): shown by default on wide screens only.
  const [showMap, setShowMap] = useState(false);
  useEffect(() => setShowMap(window.innerWidth >= 1600), []);

  useEffect(() => {
    if (!wrapper.current) return;
    registerDropTarget({
      element: wrapper.current,
      onDrop: (type, client) => {
        if (readOnly) return;
        const p = screenToFlowPosition(client);
        useEditor.getState().addNode(type, { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - 30) });
      },
    });
    return () => registerDropTarget(null);
  }, [registerDropTarget, screenToFlowPosition, readOnly]);

  useEffect(() => {
    if (!focusRequest) return;
    const p = useEditor.getState().doc.layout[focusRequest.nodeId];
    if (p) void setCenter(p.x + NODE_WIDTH / 2, p.y + 40, { zoom: Math.max(getZoom(), 1), duration: 300 });
  }, [focusRequest, setCenter, getZoom]);

  // Drag moves are applied at most once per animation frame: pointer events can come faster than frames.
  const pending = useRef<{ positions: Record<string, { x: number; y: number }>; frame: number } | null>(null);
  const flushMoves = useCallback(() => {
    const p = pending.current;
    if (!p) return;
    cancelAnimationFrame(p.frame);
    pending.current = null;
    useEditor.getState().moveNodes(p.positions);
  }, []);

  const onNodesChange = useCallback((changes: NodeChange<FlowCanvasNode>[]) => {
    const store = useEditor.getState();
    const positions: Record<string, { x: number; y: number }> = {};
    let selectionChanged = false;
    const selected = new Set(store.selectedNodeIds);
    for (const c of changes) {
      if (c.type === 'position' && c.position) positions[c.id] = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
      if (c.type === 'select') {
        selectionChanged = true;
        if (c.selected) selected.add(c.id);
        else selected.delete(c.id);
      }
    }
    if (Object.keys(positions).length > 0) {
      if (pending.current) Object.assign(pending.current.positions, positions);
      else pending.current = { positions, frame: requestAnimationFrame(flushMoves) };
    }
    if (selectionChanged) store.select([...selected], [...store.selectedEdgeIds]);
  }, [flushMoves]);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const store = useEditor.getState();
    const selected = new Set(store.selectedEdgeIds);
    let selectionChanged = false;
    for (const c of changes) {
      if (c.type === 'select') {
        selectionChanged = true;
        if (c.selected) selected.add(c.id);
        else selected.delete(c.id);
      }
    }
    if (selectionChanged) store.select([...store.selectedNodeIds], [...selected]);
  }, []);

  const isValidConnection = useCallback<IsValidConnection>((c) => {
    const store = useEditor.getState();
    const check = canConnect(store.doc, nodeRegistry, c);
    store.setConnectHint(check.ok ? null : check.reason);
    return check.ok;
  }, []);

  const onConnect = useCallback<OnConnect>((c) => {
    const result = useEditor.getState().connect(c);
    if (!result.ok) toast.error(result.reason);
  }, []);

  return (
    <div ref={wrapper} className="relative h-full w-full" data-testid="canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={() => useEditor.getState().beginGesture()}
        onNodeDragStop={flushMoves}
        onSelectionDragStop={flushMoves}
        onSelectionDragStart={() => useEditor.getState().beginGesture()}
        onConnect={onConnect}
        onConnectEnd={() => useEditor.getState().setConnectHint(null)}
        isValidConnection={isValidConnection}
        onDelete={({ nodes: n, edges: e }) => useEditor.getState().removeElements(n.map((x) => x.id), e.map((x) => x.id))}
        onPaneClick={() => useEditor.getState().select([])}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        elementsSelectable
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionKeyCode="Shift"
        fitView
        fitViewOptions={{ maxZoom: 1, padding: 0.2 }}
        minZoom={0.1}
        onlyRenderVisibleElements
        defaultEdgeOptions={{ type: 'smoothstep' }}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} position="bottom-left">
          <ControlButton onClick={() => setShowMap((v) => !v)} aria-label={showMap ? 'Hide the minimap' : 'Show the minimap'} title={showMap ? 'Hide the minimap' : 'Show the minimap'}>
            <MapIcon size={12} />
          </ControlButton>
        </Controls>
        {showMap && (
          <MiniMap pannable zoomable position="bottom-right" style={{ width: 160, height: 110 }} className="!border !border-slate-200" ariaLabel="Minimap" nodeColor="#a5b4fc" nodeStrokeColor="#6366f1" nodeBorderRadius={6} maskColor="rgb(241 245 249 / 0.7)" />
        )}
      </ReactFlow>
      {hint && (
        <div role="status" data-testid="connect-hint" className="pointer-events-none absolute top-3 left-1/2 z-10 -translate-x-1/2 rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white shadow">
          {hint}
        </div>
      )}
      {nodes.length === 0 && (
        <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
          <div className="rounded-lg border border-dashed border-slate-300 bg-white/80 px-6 py-5 text-center text-sm text-slate-600">
            <p className="font-medium text-slate-800">Start with a trigger</p>
            <p className="mt-1">Drag “Webhook” or another trigger from the left onto the canvas.</p>
          </div>
        </div>
      )}
    </div>
  );
}
