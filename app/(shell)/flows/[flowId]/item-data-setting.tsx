'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import clsx from 'clsx';
import { Database, DatabaseZap } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { useTRPC } from '../../../_lib/trpc/react';

/**
 * The flow's "never store item data" setting, floating over the editor: a pill that says what runs
 * of this flow keep, opening a short explanation with the switch (analysts and admins).
 */
export function ItemDataSetting({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const setting = useQuery(trpc.retention.flowItemData.queryOptions({ flowId }));
  const workspace = useQuery(trpc.workspaces.current.queryOptions());
  const save = useMutation(
    trpc.retention.setFlowItemData.mutationOptions({
      onSuccess: async (r) => {
        toast.success(r.neverStoreItemData ? 'Runs of this flow keep counts and errors only' : 'Runs of this flow keep item samples again');
        await queryClient.invalidateQueries({ queryKey: trpc.retention.flowItemData.queryKey({ flowId }) });
      },
    }),
  );
  if (!setting.data) return null;
  const off = setting.data.neverStoreItemData;
  const canEdit = workspace.data?.role !== undefined && workspace.data.role !== 'viewer';
  const Icon = off ? DatabaseZap : Database;

  return (
    <div className="fixed bottom-4 left-1/2 z-20 -translate-x-1/2">
      {open && (
        <div role="dialog" aria-label="Item data" className="absolute bottom-full left-1/2 mb-2 w-80 -translate-x-1/2 rounded-xl bg-white p-4 text-sm text-slate-700 shadow-xl ring-1 ring-slate-200">
          <p className="font-semibold text-slate-900">Item data of runs</p>
          <p className="mt-1 text-slate-600">
            Runs normally keep a few sample records per step and the trigger payload, so you can see what happened (for the workspace&apos;s retention period).
            For flows carrying sensitive data, keep counts and errors only.
          </p>
          <label className="mt-3 flex items-center gap-2">
            <input
              type="checkbox"
              checked={off}
              disabled={!canEdit || save.isPending}
              onChange={(e) => save.mutate({ flowId, neverStoreItemData: e.target.checked })}
              className="h-4 w-4 rounded border-slate-300 text-brand-600"
            />
            Never store item data
          </label>
          {!canEdit && <p className="mt-2 text-xs text-slate-500">Analysts and admins can change this.</p>}
        </div>
      )}
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        className={clsx(
          'inline-flex items-center gap-1.5 rounded-full px-3 py-1.5 text-xs font-medium shadow-sm ring-1',
          off ? 'bg-amber-50 text-amber-800 ring-amber-200' : 'bg-white text-slate-600 ring-slate-200 hover:bg-slate-50',
        )}
      >
        <Icon size={14} aria-hidden="true" />
        {off ? 'Item data: not stored' : 'Item data: samples kept'}
      </button>
    </div>
  );
}
