'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Archive, Copy, Download, MoreHorizontal } from 'lucide-react';
import { useRef } from 'react';
import { toast } from 'sonner';
import { useConfirmDialog } from '../../_components/confirm-dialog';
import { useTRPC } from '../../_lib/trpc/react';

/** Duplicate, export and archive/delete one flow (a small menu on <details>, keyboard reachable). */
export function FlowRowActions({ flow, canEdit }: { flow: { id: string; name: string; recentRuns: number }; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const menu = useRef<HTMLDetailsElement>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
  const duplicate = useMutation(trpc.flows.duplicate.mutationOptions({ onSuccess: async () => (toast.success(`Copied “${flow.name}”`), await refresh()) }));
  const archive = useMutation(
    trpc.flows.archive.mutationOptions({
      onSuccess: async (r) => {
        toast.success(r.outcome === 'archived' ? `Archived “${flow.name}” (its run history is kept)` : `Deleted “${flow.name}”`);
        await refresh();
      },
    }),
  );
  const close = () => menu.current?.removeAttribute('open');
  const confirm = useConfirmDialog();

  const exportJson = async () => {
    close();
    const doc = await queryClient.fetchQuery(trpc.flows.export.queryOptions({ flowId: flow.id }, { staleTime: 0 }));
    const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${flow.name.replace(/[^\w-]+/g, '-').toLowerCase() || 'flow'}.syncline.json`;
    a.click();
    URL.revokeObjectURL(url);
  };

  const remove = () => {
    close();
    const hasRuns = flow.recentRuns > 0;
    confirm.ask(
      hasRuns
        ? {
            title: 'Archive this flow?',
            message: `“${flow.name}” stops running and leaves the flow list. Its run history is kept.`,
            confirmLabel: 'Archive flow',
            onConfirm: () => archive.mutate({ flowId: flow.id }),
          }
        : {
            title: 'Delete this flow?',
            message: `“${flow.name}” has never run, so it is removed for good. This cannot be undone.`,
            confirmLabel: 'Delete flow',
            onConfirm: () => archive.mutate({ flowId: flow.id }),
          },
    );
  };

  const item = 'flex w-full items-center gap-2 px-3 py-1.5 text-left text-sm text-slate-700 hover:bg-slate-50';
  return (
    <>
      <details ref={menu} className="relative">
        <summary aria-label={`Actions for ${flow.name}`} className="cursor-pointer list-none rounded-md p-1.5 text-slate-500 hover:bg-slate-100 [&::-webkit-details-marker]:hidden">
          <MoreHorizontal size={16} />
        </summary>
        <div className="absolute right-0 z-20 mt-1 w-44 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
          {canEdit && (
            <button type="button" className={item} onClick={() => (close(), duplicate.mutate({ flowId: flow.id }))}>
              <Copy size={14} aria-hidden="true" /> Duplicate
            </button>
          )}
          <button type="button" className={item} onClick={() => void exportJson()}>
            <Download size={14} aria-hidden="true" /> Export JSON
          </button>
          {canEdit && (
            <button type="button" className={`${item} text-red-700`} onClick={remove}>
              <Archive size={14} aria-hidden="true" /> {flow.recentRuns > 0 ? 'Archive' : 'Delete'}
            </button>
          )}
        </div>
      </details>
      {confirm.dialog}
    </>
  );
}
