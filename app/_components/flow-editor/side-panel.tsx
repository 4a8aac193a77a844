'use client';

import clsx from 'clsx';
import { AlertTriangle, PanelRightClose, X } from 'lucide-react';
import dynamic from 'next/dynamic';
import { useState } from 'react';
import { nodeRegistry } from '../../../nodes/registry';
import { PollCursorCard } from '../poll-cursor-card';
import { ProblemDetails } from '../problem-details';
import { ConfigForm } from './config-form';
import { INPUT_CLASS } from './literal-input';
import { FALLBACK_ICON, GROUP_ACCENTS, NODE_ICONS } from './node-meta';
import { NodeSettingsForm } from './node-settings-form';
import { CollapsedPanel, ResizeHandle, usePanelFrame } from './panel-frame';
import { SampleCaptureCard } from './sample-capture-card';
import { useEditor } from './store';
import { WebhookCard } from './webhook-card';

type Tab = 'configure' | 'output' | 'settings';

/** 320 px by default; wider by dragging its left edge (tables of test output). */
const PANEL_SIZE = { width: 320, min: 280, max: 960, side: 'right' } as const;

// The output tab's JSON viewer is loaded when first shown, not with the editor.
const NodeOutput = dynamic(() => import('./node-output').then((m) => m.NodeOutput));

function ProblemList() {
  const issues = useEditor((s) => s.issues);
  const nodes = useEditor((s) => s.doc.nodes);
  const focusNode = useEditor((s) => s.focusNode);
  if (issues.length === 0) return <p className="text-sm text-emerald-700">No problems: this flow is ready to publish.</p>;
  return (
    <ul className="space-y-1.5" aria-label="Problems">
      {issues.map((issue, i) => {
        const node = issue.nodeId ? nodes.find((n) => n.id === issue.nodeId) : undefined;
        return (
          <li key={i} className="px-2">
            <button
              type="button"
              disabled={!node}
              onClick={() => node && focusNode(node.id)}
              className="-mx-2 flex w-full items-start gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-50 disabled:cursor-default"
            >
              <AlertTriangle size={14} className={clsx('mt-0.5 shrink-0', issue.severity === 'error' ? 'text-red-500' : 'text-amber-500')} aria-hidden="true" />
              <span>
                {node && !issue.message.includes(node.label) && <span className="font-medium text-slate-800">{node.label}: </span>}
                <span className="text-slate-600">{issue.message}</span>
              </span>
            </button>
            <ProblemDetails lines={[`code: ${issue.code}`, issue.field && `field: ${issue.field}`, issue.position !== undefined && `at character ${issue.position}`]} />
          </li>
        );
      })}
    </ul>
  );
}

export { ProblemList };

/** The right-hand panel: the selected step's form, test output and settings; or the flow's problems. */
export function SidePanel({ flowId, readOnly }: { flowId: string; readOnly: boolean }) {
  const selectedId = useEditor((s) => (s.selectedNodeIds.size === 1 ? [...s.selectedNodeIds][0] : undefined));
  const selectedCount = useEditor((s) => s.selectedNodeIds.size);
  const node = useEditor((s) => (selectedId ? s.doc.nodes.find((n) => n.id === selectedId) : undefined));
  const updateNode = useEditor((s) => s.updateNode);
  const select = useEditor((s) => s.select);
  const [tab, setTab] = useState<Tab>('configure');
  const def = node ? nodeRegistry.get(node.type, node.typeVersion) : undefined;
  const frame = usePanelFrame('syncline.editor.side-panel', PANEL_SIZE);

  if (frame.collapsed) return <CollapsedPanel label={node ? 'Step settings' : 'Flow details'} side="right" onExpand={frame.expand} />;
  const handle = <ResizeHandle label="Resize the panel" onPointerDown={frame.startResize} onStep={frame.resizeBy} />;
  const collapseButton = (
    <button type="button" aria-label="Hide the panel" title="Hide the panel" onClick={frame.collapse} className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700">
      <PanelRightClose size={16} aria-hidden="true" />
    </button>
  );
  if (!node || !def) {
    return (
      <aside aria-label="Flow details" style={{ width: frame.width }} className="relative shrink-0 overflow-y-auto border-l border-slate-200 bg-white p-4">
        {handle}
        <div className="flex items-start justify-between gap-2">
          <h2 className="text-sm font-semibold text-slate-900">{selectedCount > 1 ? `${selectedCount} steps selected` : 'Flow check'}</h2>
          {collapseButton}
        </div>
        <p className="mt-1 mb-3 text-xs text-slate-500">{selectedCount > 1 ? 'Press Delete to remove them, Ctrl+C to copy.' : 'Select a step to configure it. Problems that block publishing:'}</p>
        {selectedCount <= 1 && <ProblemList />}
      </aside>
    );
  }
  const Icon = NODE_ICONS[node.type] ?? FALLBACK_ICON;
  const tabs: { id: Tab; label: string }[] = [
    { id: 'configure', label: 'Configure' },
    { id: 'output', label: 'Test output' },
    { id: 'settings', label: 'Settings' },
  ];
  return (
    <aside aria-label="Step settings" style={{ width: frame.width }} className="relative flex shrink-0 flex-col border-l border-slate-200 bg-white" data-testid="side-panel">
      {handle}
      <div className="border-b border-slate-200 p-4 pb-0">
        <div className="flex items-start gap-2.5">
          <span className={clsx('flex h-8 w-8 shrink-0 items-center justify-center rounded-md', GROUP_ACCENTS[def.group])}>
            <Icon size={16} aria-hidden="true" />
          </span>
          <div className="min-w-0 flex-1">
            <label htmlFor="node-label" className="sr-only">
              Step name
            </label>
            <input id="node-label" className={`${INPUT_CLASS} font-semibold`} value={node.label} readOnly={readOnly} onChange={(e) => updateNode(node.id, { label: e.target.value })} />
            <p className="mt-1 text-xs text-slate-500">
              {def.title} · {def.description}
            </p>
          </div>
          {collapseButton}
          <button type="button" aria-label="Close panel" onClick={() => select([])} className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700">
            <X size={16} />
          </button>
        </div>
        {def.help && <p className="mt-2 rounded bg-slate-50 px-2 py-1.5 text-xs text-slate-600">{def.help}</p>}
        <div role="tablist" aria-label="Step panel" className="mt-3 flex gap-4">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={tab === t.id}
              onClick={() => setTab(t.id)}
              className={clsx('border-b-2 pb-2 text-sm font-medium', tab === t.id ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-500 hover:text-slate-800')}
            >
              {t.label}
            </button>
          ))}
        </div>
      </div>
      <fieldset
        disabled={readOnly}
        // Viewers see settings, not the buttons that would change them (the output tab keeps its Table/JSON toggles).
        className={clsx('min-h-0 min-w-0 flex-1 overflow-y-auto p-4', readOnly && tab !== 'output' && '[&_button]:hidden')}
        role="tabpanel"
      >
        {/* The address first: it is what a webhook trigger is for. */}
        {tab === 'configure' && node.type === 'core.webhook-trigger' && <WebhookCard flowId={flowId} nodeId={node.id} />}
        {tab === 'configure' && <ConfigForm node={node} def={def} />}
        {tab === 'configure' && node.type === 'core.webhook-trigger' && <SampleCaptureCard flowId={flowId} nodeId={node.id} kind="webhook" />}
        {tab === 'configure' && node.type === 'core.poll-trigger' && <SampleCaptureCard flowId={flowId} nodeId={node.id} kind="poll" />}
        {tab === 'configure' && node.type === 'core.poll-trigger' && <PollCursorCard />}
        {tab === 'output' && <NodeOutput nodeId={node.id} />}
        {tab === 'settings' && <NodeSettingsForm node={node} effectful={def.effect} />}
      </fieldset>
    </aside>
  );
}
