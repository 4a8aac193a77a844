'use client';

import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type OnConnect,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Map as MapIcon } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { toast } from 'sonner';
import { ERROR_PORT } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import { buildCanvasNodes, type CanvasNodeCache } from './canvas-nodes';
import { NODE_WIDTH } from './node-size';
import { CardLayout, nodeTypes, type FlowCanvasNode } from './flow-node-card';
import { flowDirection, type LayoutDirection } from './layout-direction';
import { edgeTypes, type FlowCanvasEdge } from './flow-edge';
import { canConnect } from './graph-ops';
import { openingViewport } from './opening-viewport';
import { triggerOf, useEditor } from './store';
import { useDnD } from './use-dnd';

/** React Flow nodes from the store; unchanged nodes keep their object (see canvas-nodes.ts). */
function useCanvasNodes(direction: LayoutDirection): FlowCanvasNode[] {
  const nodes = useEditor((s) => s.doc.nodes);
  const layout = useEditor((s) => s.doc.layout);
  const selected = useEditor((s) => s.selectedNodeIds);
  const cache = useRef<CanvasNodeCache>(new Map());
  return useMemo(() => {
    const { list, cache: next } = buildCanvasNodes({ nodes, layout, selected, direction, previous: cache.current });
    cache.current = next;
    return list;
  }, [nodes, layout, selected, direction]);
}

function useCanvasEdges(): FlowCanvasEdge[] {
  const edges = useEditor((s) => s.doc.edges);
  const selected = useEditor((s) => s.selectedEdgeIds);
  return useMemo(
    () =>
      edges.map((e) => ({
        id: e.id,
        type: 'flowEdge' as const,
        source: e.from.node,
        sourceHandle: e.from.port,
        target: e.to.node,
        targetHandle: e.to.port,
        selected: selected.has(e.id),
        ...(e.from.port === 'main' ? {} : { label: e.from.port }),
        ...(e.from.port === ERROR_PORT ? { data: ERROR_EDGE } : {}),
      })),
    [edges, selected],
  );
}

// Every prop below is created once: React Flow copies changed props into its store one by one, and
// each copy notifies every node, handle and edge. A new object per render (as an inline
// `defaultEdgeOptions` was) re-rendered all 400 edges of a big flow on every drag frame.
const ERROR_EDGE = { tone: 'error' } as const;
const PRO_OPTIONS = { hideAttribution: true };
const DELETE_KEYS = ['Delete', 'Backspace'];
const MULTI_SELECTION_KEYS = ['Shift', 'Meta', 'Control'];
const MINIMAP_STYLE = { width: 160, height: 110 };
/** Below this zoom card text is too small to read: cards become labelled tiles (see CardLayout). */
const COMPACT_BELOW_ZOOM = 0.45;
const isZoomedOut = (s: { transform: [number, number, number] }) => s.transform[2] < COMPACT_BELOW_ZOOM;
const beginGesture = () => useEditor.getState().beginGesture();
const clearConnectHint = () => useEditor.getState().setConnectHint(null);
const clearSelection = () => useEditor.getState().select([]);
const deleteElements = ({ nodes, edges }: { nodes: { id: string }[]; edges: { id: string }[] }) =>
  useEditor.getState().removeElements(nodes.map((x) => x.id), edges.map((x) => x.id));

export function Canvas({ readOnly }: { readOnly: boolean }) {
  const direction = useEditor((s) => flowDirection(s.doc.edges, s.doc.layout));
  const nodes = useCanvasNodes(direction);
  const edges = useCanvasEdges();
  const hint = useEditor((s) => s.connectHint);
  const focusRequest = useEditor((s) => s.focusRequest);
  const compact = useStore(isZoomedOut);
  const cardLayout = useMemo(() => ({ compact, direction, readOnly }), [compact, direction, readOnly]);
  const { screenToFlowPosition, setCenter, getZoom, setViewport } = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);

  // Open at a readable zoom, from the trigger (opening-viewport.ts), once React Flow is ready; later edits never move the view.
  const onInit = useCallback(() => {
    const rect = wrapper.current?.getBoundingClientRect();
    const { doc } = useEditor.getState();
    const viewport = rect && openingViewport({ layout: doc.layout, triggerId: triggerOf(doc)?.id, direction: flowDirection(doc.edges, doc.layout), width: rect.width, height: rect.height });
    if (viewport) void setViewport(viewport);
  }, [setViewport]);
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
      <CardLayout.Provider value={cardLayout}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          edgeTypes={edgeTypes}
          onNodeDragStart={beginGesture}
          onNodeDragStop={flushMoves}
          onSelectionDragStop={flushMoves}
          onSelectionDragStart={beginGesture}
          onConnect={onConnect}
          onConnectEnd={clearConnectHint}
          isValidConnection={isValidConnection}
          onDelete={deleteElements}
          onPaneClick={clearSelection}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          elementsSelectable
          deleteKeyCode={readOnly ? null : DELETE_KEYS}
          multiSelectionKeyCode={MULTI_SELECTION_KEYS}
          selectionKeyCode="Shift"
          minZoom={0.1}
          onlyRenderVisibleElements
          onInit={onInit}
          proOptions={PRO_OPTIONS}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} position="bottom-left">
            <ControlButton onClick={() => setShowMap((v) => !v)} aria-label={showMap ? 'Hide the minimap' : 'Show the minimap'} title={showMap ? 'Hide the minimap' : 'Show the minimap'}>
              <MapIcon size={12} />
            </ControlButton>
          </Controls>
          {showMap && (
            <MiniMap pannable zoomable position="bottom-right" style={MINIMAP_STYLE} className="!border !border-slate-200" ariaLabel="Minimap" nodeColor="#a5b4fc" nodeStrokeColor="#6366f1" nodeBorderRadius={6} maskColor="rgb(241 245 249 / 0.7)" />
          )}
        </ReactFlow>
      </CardLayout.Provider>
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
