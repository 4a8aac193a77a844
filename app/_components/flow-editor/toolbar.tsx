'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import clsx from 'clsx';
import { ArrowLeft, Check, CircleAlert, GraduationCap, HelpCircle, History, LayoutGrid, Loader2, Pause, Play, Power, Redo2, Undo2, Upload } from 'lucide-react';
import Link from 'next/link';
import { toast } from 'sonner';
import { useTRPC } from '../../_lib/trpc/react';
import { Button } from '../button';
import { useEditor } from './store';
import type { SaveState } from './use-autosave';

const SAVE_LABEL: Record<SaveState, string> = {
  saved: 'All changes saved',
  unsaved: 'Unsaved changes',
  saving: 'Saving…',
  conflict: 'Not saved: changed elsewhere',
  error: 'Not saved: retrying on next change',
};

function IconButton({ label, onClick, disabled, children }: { label: string; onClick: () => void; disabled?: boolean; children: React.ReactNode }) {
  return (
    <button type="button" aria-label={label} title={label} onClick={onClick} disabled={disabled} className="rounded-md p-1.5 text-slate-600 hover:bg-slate-100 hover:text-slate-900 disabled:text-slate-300">
      {children}
    </button>
  );
}

export interface ToolbarProps {
  flowId: string;
  name: string;
  status: 'draft' | 'active' | 'paused';
  hasVersions: boolean;
  /** Why Activate / Resume would be refused (the shared demo systems), or null. */
  activationRefusal: string | null;
  readOnly: boolean;
  saveState: SaveState;
  onTestRun: () => void;
  onPublish: () => void;
  onVersions: () => void;
  onHelp: () => void;
  onTidy: () => void;
}

export function Toolbar(p: ToolbarProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const errorCount = useEditor((s) => s.issues.filter((i) => i.severity === 'error').length);
  const setStatus = useMutation(
    trpc.flows.setStatus.mutationOptions({
      onSuccess: async (r) => {
        toast.success(r.status === 'active' ? `Active: new events run version ${r.version}` : r.status === 'paused' ? 'Paused: events are kept and run on resume' : 'Deactivated');
        await queryClient.invalidateQueries({ queryKey: trpc.flows.pathKey() });
      },
    }),
  );
  const StatusIcon = p.saveState === 'saving' ? Loader2 : p.saveState === 'saved' ? Check : CircleAlert;
  return (
    <header className="flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-3">
      <Link href="/flows" aria-label="Back to flows" className="rounded-md p-1.5 text-slate-500 hover:bg-slate-100">
        <ArrowLeft size={18} />
      </Link>
      <div className="min-w-0">
        <h1 className="truncate text-base font-semibold text-slate-900">{p.name}</h1>
        <p
          data-testid="save-state"
          data-state={p.saveState}
          className={clsx('flex items-center gap-1 text-xs', p.saveState === 'conflict' || p.saveState === 'error' ? 'text-red-600' : 'text-slate-500')}
        >
          <StatusIcon size={12} className={p.saveState === 'saving' ? 'animate-spin' : ''} aria-hidden="true" />
          {p.readOnly ? 'Read only (viewer)' : SAVE_LABEL[p.saveState]}
        </p>
      </div>
      <span
        data-testid="flow-status"
        className={clsx(
          'rounded-full px-2 py-0.5 text-xs font-medium',
          p.status === 'active' ? 'bg-emerald-100 text-emerald-800' : p.status === 'paused' ? 'bg-amber-100 text-amber-800' : 'bg-slate-100 text-slate-600',
        )}
      >
        {p.status === 'active' ? 'Active' : p.status === 'paused' ? 'Paused' : 'Draft'}
      </span>
      <div className="ml-2 flex items-center gap-0.5 border-l border-slate-200 pl-2">
        <IconButton label="Undo (Ctrl+Z)" onClick={() => useEditor.getState().undo()} disabled={!canUndo || p.readOnly}>
          <Undo2 size={17} />
        </IconButton>
        <IconButton label="Redo (Ctrl+Shift+Z)" onClick={() => useEditor.getState().redo()} disabled={!canRedo || p.readOnly}>
          <Redo2 size={17} />
        </IconButton>
        <IconButton label="Tidy up (Shift+L)" onClick={p.onTidy} disabled={p.readOnly}>
          <LayoutGrid size={17} />
        </IconButton>
        <IconButton label="Keyboard shortcuts (?)" onClick={p.onHelp}>
          <HelpCircle size={17} />
        </IconButton>
        <Link href="/learn" target="_blank" aria-label="How syncing works" title="How syncing works: sync paths, loop prevention and external IDs in plain words (new tab)" className="rounded-md p-1.5 text-slate-600 hover:bg-slate-100 hover:text-slate-900">
          <GraduationCap size={17} aria-hidden="true" />
        </Link>
      </div>
      <div className="ml-auto flex items-center gap-2">
        <Button variant="ghost" onClick={p.onVersions}>
          <History size={16} aria-hidden="true" /> Versions
        </Button>
        {!p.readOnly && (
          <>
            <Button variant="secondary" onClick={p.onTestRun}>
              <Play size={16} aria-hidden="true" /> Test run
            </Button>
            <Button variant="secondary" onClick={p.onPublish} aria-label="Publish flow" title={errorCount ? `${errorCount} problem${errorCount === 1 ? '' : 's'} to fix first` : 'Publish a new version'}>
              <Upload size={16} aria-hidden="true" /> Publish
              {errorCount > 0 && <span className="rounded-full bg-red-100 px-1.5 text-xs text-red-700">{errorCount}</span>}
            </Button>
            {p.status === 'active' ? (
              <Button variant="secondary" disabled={setStatus.isPending} onClick={() => setStatus.mutate({ flowId: p.flowId, status: 'paused' })}>
                <Pause size={16} aria-hidden="true" /> Pause
              </Button>
            ) : (
              <Button
                disabled={setStatus.isPending || !p.hasVersions || Boolean(p.activationRefusal)}
                title={p.activationRefusal ?? (p.hasVersions ? undefined : 'Publish first')}
                onClick={() => setStatus.mutate({ flowId: p.flowId, status: 'active' })}
              >
                <Power size={16} aria-hidden="true" /> {p.status === 'paused' ? 'Resume' : 'Activate'}
              </Button>
            )}
          </>
        )}
      </div>
    </header>
  );
}
