'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { History, RotateCcw } from 'lucide-react';
import { useParams } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { useTRPC } from '../_lib/trpc/react';
import { Button } from './button';
import { useConfirmDialog } from './confirm-dialog';

const FIELD_CLASS =
  'w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500';

/** `2025-03-01T00:00:00.000001Z` as the viewer's local date and time, keeping sub-second digits when there are any. */
function formatInstant(iso: string): string {
  const date = new Date(iso);
  const fraction = /\.(\d+)Z$/.exec(iso)?.[1]?.replace(/0+$/, '');
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) + (fraction ? ` (+0.${fraction} s)` : '');
}

/** A datetime-local value (local time, minutes) for a Date. */
function toLocalInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/**
 * Where the flow's poll trigger stands (the last modified-at it read), for everyone; admins can
 * re-read everything or "re-sync since" a date. Self-contained: the flow comes from the URL.
 */
export function PollCursorCard() {
  const { flowId } = useParams<{ flowId: string }>();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const flow = useQuery(trpc.flows.get.queryOptions({ flowId }));
  const cursor = useQuery({ ...trpc.triggers.pollCursor.queryOptions({ flowId }), retry: false, refetchInterval: 15_000 });
  const reset = useMutation(trpc.triggers.resetPollCursor.mutationOptions());
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 24 * 3600_000)));
  const isAdmin = flow.data?.role === 'admin';

  const confirm = useConfirmDialog();
  const apply = async (value: string | null) => {
    try {
      await reset.mutateAsync({ flowId, since: value });
      toast.success(value === null ? 'Cursor reset: the next poll reads everything.' : 'Cursor moved back: the next poll re-reads from there.');
      await queryClient.invalidateQueries({ queryKey: trpc.triggers.pollCursor.queryKey({ flowId }) });
    } catch (error) {
      toast.error(error instanceof Error ? error.message : String(error));
    }
  };
  const askToApply = (value: string | null) =>
    confirm.ask(
      value === null
        ? {
            title: 'Reset the poll cursor?',
            message: 'The next poll reads every record of the source again, and each one becomes part of a run.',
            confirmLabel: 'Reset and read everything',
            onConfirm: () => void apply(null),
          }
        : {
            title: 'Re-sync from this date?',
            message: `The next poll reads again every record modified since ${new Date(value).toLocaleString()}, and each one becomes part of a run.`,
            confirmLabel: 'Re-sync from this date',
            onConfirm: () => void apply(value),
          },
    );

  return (
    <section aria-label="Poll cursor" className="mt-5 rounded-md border border-slate-200 p-3">
      <h3 className="flex items-center gap-1.5 text-sm font-semibold text-slate-900">
        <History size={14} aria-hidden="true" /> Poll cursor
      </h3>
      {cursor.isPending ? (
        <p className="mt-1 text-xs text-slate-500">Loading…</p>
      ) : cursor.error || !cursor.data ? (
        <p className="mt-1 text-xs text-slate-500">Publish the flow to start polling: the cursor belongs to the published trigger.</p>
      ) : (
        <>
          <dl className="mt-2 space-y-1 text-xs">
            <div className="flex justify-between gap-2">
              <dt className="shrink-0 text-slate-500">Read up to</dt>
              <dd className="text-right font-medium text-slate-800" data-testid="poll-cursor-position">
                {cursor.data.modifiedAt ? formatInstant(cursor.data.modifiedAt) : 'Nothing yet: the next poll reads everything'}
              </dd>
            </div>
            {cursor.data.modifiedAt && (
              <div className="flex justify-between gap-2">
                <dt className="text-slate-500">Records seen at that instant</dt>
                <dd className="text-slate-800">{cursor.data.idsAtModifiedAt}</dd>
              </div>
            )}
            <div className="flex justify-between gap-2">
              <dt className="text-slate-500">Last moved</dt>
              <dd className="text-slate-800">{cursor.data.updatedAt ? new Date(cursor.data.updatedAt).toLocaleString() : 'never'}</dd>
            </div>
          </dl>
          {isAdmin ? (
            <div className="mt-3 space-y-2 border-t border-slate-100 pt-3">
              <label htmlFor="poll-cursor-since" className="block text-xs font-medium text-slate-700">
                Re-sync since
              </label>
              <input id="poll-cursor-since" type="datetime-local" className={FIELD_CLASS} value={since} max={toLocalInput(new Date())} onChange={(e) => setSince(e.target.value)} />
              <Button variant="secondary" className="w-full" disabled={!since || reset.isPending} onClick={() => askToApply(new Date(since).toISOString())}>
                Re-sync from this date
              </Button>
              <Button variant="ghost" className="w-full justify-start px-2 text-xs" disabled={reset.isPending} onClick={() => askToApply(null)}>
                <RotateCcw size={13} aria-hidden="true" /> Reset: read everything again
              </Button>
            </div>
          ) : (
            <p className="mt-2 text-xs text-slate-500">An admin can reset the cursor or re-sync from a date.</p>
          )}
        </>
      )}
      {confirm.dialog}
    </section>
  );
}
