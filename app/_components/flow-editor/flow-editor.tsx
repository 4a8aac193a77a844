'use client';

import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import dynamic from 'next/dynamic';
import { useCallback, useEffect, useState } from 'react';
import { useTRPC } from '../../_lib/trpc/react';
import type { AppRouter } from '../../_server/routers';
import { Canvas } from './canvas';
import { preferredDirection } from './layout-direction';
import { Palette } from './palette';
import { SidePanel } from './side-panel';
import { useShortcuts } from './shortcuts';
import { useEditor, type EditorDoc } from './store';
import { Toolbar } from './toolbar';
import { DnDProvider } from './use-dnd';
import { useAutosave } from './use-autosave';

// Dialogs are mounted only while open and loaded on first use: opening the editor does not wait for them.
const TestRunDialog = dynamic(() => import('./test-run-dialog').then((m) => m.TestRunDialog));
const PublishDialog = dynamic(() => import('./publish-dialog').then((m) => m.PublishDialog));
const VersionsDialog = dynamic(() => import('./versions-dialog').then((m) => m.VersionsDialog));
const HelpDialog = dynamic(() => import('./help-dialog').then((m) => m.HelpDialog));

type Dialogs = 'test' | 'publish' | 'versions' | 'help' | null;

/** The flow as `flows.get` returns it; the page fetches it on the server so the editor opens without a round trip. */
export type EditorFlow = inferRouterOutputs<AppRouter>['flows']['get'];

function EditorBody({ flowId, initialFlow }: { flowId: string; initialFlow?: EditorFlow }) {
  const trpc = useTRPC();
  const { data: flow } = useSuspenseQuery({ ...trpc.flows.get.queryOptions({ flowId }), ...(initialFlow ? { initialData: initialFlow } : {}) });
  const readOnly = flow.role === 'viewer';
  const [loaded, setLoaded] = useState(false);
  const [dialog, setDialog] = useState<Dialogs>(null);
  const { fitView, screenToFlowPosition } = useReactFlow();

  useEffect(() => {
    // Load once per flow: later refetches (after publish) must not overwrite local edits.
    useEditor.getState().load(flow.draft as EditorDoc);
    setLoaded(true);
  }, [flowId]);

  // The last test run (kept on the server) shows again after a reload, unless a new one ran meanwhile.
  const lastTestRun = useQuery({ ...trpc.flows.lastTestRun.queryOptions({ flowId }), staleTime: Infinity });
  useEffect(() => {
    if (loaded && lastTestRun.data && useEditor.getState().testRun === null) useEditor.getState().setTestRun(lastTestRun.data);
  }, [loaded, lastTestRun.data]);

  const { state, saveNow, revision, setRevision } = useAutosave(flowId, flow.draftRevision, loaded && !readOnly);
  const onSave = useCallback(() => void saveNow(), [saveNow]);
  const onHelp = useCallback(() => setDialog('help'), []);
  const onCloseDialog = useCallback(() => setDialog(null), []);
  const onFit = useCallback(() => void fitView({ duration: 200, maxZoom: 1 }), [fitView]);
  const onTidy = useCallback(() => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    void import('./auto-layout').then(({ autoLayout }) => {
      const store = useEditor.getState();
      store.applyLayout(autoLayout(store.doc, preferredDirection(canvas)));
      requestAnimationFrame(() => void fitView({ duration: 200, maxZoom: 1, padding: 0.08 }));
    });
  }, [fitView]);
  useShortcuts({ readOnly, onSave, onHelp, onFit, onTidy });

  const addAtCenter = useCallback(
    (type: string) => {
      const rect = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      const p = rect ? screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }) : { x: 0, y: 0 };
      useEditor.getState().addNode(type, { x: Math.round(p.x - 120), y: Math.round(p.y - 38) });
    },
    [screenToFlowPosition],
  );

  if (!loaded) return null;
  return (
    <div className="flex h-full flex-col">
      <Toolbar
        flowId={flowId}
        name={flow.name}
        status={flow.status}
        hasVersions={flow.versions.length > 0}
        activationRefusal={flow.activationRefusal}
        readOnly={readOnly}
        saveState={state}
        onTestRun={() => setDialog('test')}
        onPublish={() => setDialog('publish')}
        onVersions={() => setDialog('versions')}
        onHelp={onHelp}
        onTidy={onTidy}
      />
      {flow.activationRefusal && !readOnly && (
        <p role="status" data-testid="activation-refused" className="bg-amber-50 px-4 py-2 text-sm text-amber-900">
          Not active: {flow.activationRefusal}
        </p>
      )}
      {state === 'conflict' && (
        <div role="alert" className="flex items-center justify-between bg-red-50 px-4 py-2 text-sm text-red-800">
          <span>Someone else (or another tab) changed this flow since you opened it, so your latest changes were not saved.</span>
          <button type="button" className="font-medium underline" onClick={() => window.location.reload()}>
            Reload their version
          </button>
        </div>
      )}
      <div className="flex min-h-0 flex-1">
        {!readOnly && <Palette onAdd={addAtCenter} />}
        <main className="min-w-0 flex-1 bg-slate-50">
          <Canvas readOnly={readOnly} />
        </main>
        <SidePanel flowId={flowId} readOnly={readOnly} />
      </div>
      {dialog === 'test' && <TestRunDialog flowId={flowId} open onClose={onCloseDialog} />}
      {dialog === 'publish' && <PublishDialog flowId={flowId} open onClose={onCloseDialog} saveNow={saveNow} />}
      {dialog === 'versions' && <VersionsDialog flowId={flowId} open readOnly={readOnly} onClose={onCloseDialog} revision={() => revision.current} onRestored={setRevision} />}
      {dialog === 'help' && <HelpDialog open onClose={onCloseDialog} />}
    </div>
  );
}

/** The flow editor: palette, canvas, side panel, toolbar; state in one zustand store. */
export function FlowEditor({ flowId, initialFlow }: { flowId: string; initialFlow?: EditorFlow }) {
  return (
    <ReactFlowProvider>
      <DnDProvider>
        <EditorBody flowId={flowId} initialFlow={initialFlow} />
      </DnDProvider>
    </ReactFlowProvider>
  );
}
