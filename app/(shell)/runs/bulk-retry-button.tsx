'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RotateCcw } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '../../_components/button';
import { Dialog } from '../../_components/flow-editor/dialog';
import { useTRPC } from '../../_lib/trpc/react';
import type { RunOutcomeName, RunStatusName } from './run-format';

export interface RunFilter {
  flowId?: string;
  status?: RunStatusName[];
  outcome?: RunOutcomeName[];
  failedStep?: string;
  trigger?: string;
  version?: number;
  from?: Date;
  to?: Date;
  q?: string;
}

/**
 * "Retry N failed runs": counts the failed runs the list's filters match (not yet retried), asks for
 * confirmation with that count and the version to retry on (each flow's latest by default: the usual
 * reason to retry many runs is a fix just published), then queues them from the start (effects reuse
 * the original runs' idempotency keys).
 */
export function BulkRetryButton({ filter }: { filter: RunFilter }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [onVersion, setOnVersion] = useState<'original' | 'latest'>('latest');
  const count = useQuery(trpc.runs.bulkRetryCount.queryOptions(filter, { refetchInterval: 30_000 }));
  const retry = useMutation(
    trpc.runs.bulkRetry.mutationOptions({
      onSuccess: async ({ retried }) => {
        toast.success(`${retried} run${retried === 1 ? '' : 's'} queued for retry`);
        setOpen(false);
        await queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
      },
      onError: async (error) => {
        toast.error(error.message);
        await count.refetch();
      },
    }),
  );
  const n = count.data?.count ?? 0;
  if (!count.data || n === 0) return null;
  const runsWord = `${n} failed run${n === 1 ? '' : 's'}`;
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)} data-testid="bulk-retry">
        <RotateCcw size={15} aria-hidden="true" /> Retry {runsWord}
      </Button>
      {open && (
        <Dialog title={`Retry ${runsWord}?`} open onClose={() => setOpen(false)}>
          <div className="space-y-4 text-sm">
            <p className="text-slate-600">
              Every failed run matching the current filters that has not been retried yet is queued again from the start. Writes that already succeeded
              are recognised by their idempotency keys and not made twice.
            </p>
            <fieldset className="space-y-1">
              <legend className="text-xs font-semibold text-slate-700">Version</legend>
              <label className="flex items-center gap-2">
                <input type="radio" name="bulk-version" checked={onVersion === 'latest'} onChange={() => setOnVersion('latest')} /> Each flow’s latest version (with the fixes
                published since)
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="bulk-version" checked={onVersion === 'original'} onChange={() => setOnVersion('original')} /> Each run’s own version
              </label>
            </fieldset>
            {count.data.capped && <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">More runs match: one action retries at most {count.data.max}. Repeat it for the rest.</p>}
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)}>
                Keep as is
              </Button>
              <Button onClick={() => retry.mutate({ filter, confirmedCount: n, onVersion })} disabled={retry.isPending}>
                <RotateCcw size={15} aria-hidden="true" /> {retry.isPending ? 'Queuing…' : `Retry ${runsWord}`}
              </Button>
            </div>
          </div>
        </Dialog>
      )}
    </>
  );
}
