'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Download, Play } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { useTRPC } from '../../_lib/trpc/react';
import { Button } from '../button';
import { Dialog } from './dialog';
import { INPUT_CLASS, JsonInput } from './literal-input';
import { triggerOf, useEditor } from './store';

const EXAMPLE = [{ id: '1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' }];

type Sample = { items: Record<string, unknown>[]; total: number; from: string };

/**
 * Where else sample items can come from: a recent run's trigger data, the last event the webhook
 * received, or (poll triggers) a page read from the source now. Picking one pins it on the trigger.
 */
function SampleSources({ flowId, triggerId, triggerType, onPicked }: { flowId: string; triggerId: string; triggerType: string; onPicked: (s: Sample) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sources = useQuery(trpc.flows.sampleSources.queryOptions({ flowId }));
  const fetchFromSource = useMutation(trpc.flows.fetchTriggerSample.mutationOptions());
  const [busy, setBusy] = useState(false);
  const setSample = useEditor((s) => s.setSample);
  const pick = (sample: Sample) => {
    setSample(triggerId, sample.items);
    onPicked(sample);
  };
  const fromPast = async (source: { kind: 'run'; runId: string } | { kind: 'last-event' }) => {
    setBusy(true);
    try {
      pick(await queryClient.fetchQuery(trpc.flows.pastSample.queryOptions({ flowId, source })));
    } finally {
      setBusy(false);
    }
  };
  const runs = sources.data?.runs ?? [];
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs">
      <label htmlFor="sample-run" className="text-slate-600">
        Take the data of
      </label>
      <select
        id="sample-run"
        className={`${INPUT_CLASS} w-auto py-1 text-xs`}
        value=""
        disabled={busy || runs.length === 0}
        onChange={(e) => e.target.value && void fromPast({ kind: 'run', runId: e.target.value })}
      >
        <option value="">{runs.length === 0 ? 'no past run yet' : 'a past run…'}</option>
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {new Date(r.createdAt).toLocaleString()} · v{r.version} · {r.status} · {r.items} item{r.items === 1 ? '' : 's'}
          </option>
        ))}
      </select>
      {sources.data?.lastEvent && triggerType === 'core.webhook-trigger' && (
        <Button variant="ghost" disabled={busy} onClick={() => void fromPast({ kind: 'last-event' })}>
          Last received event
        </Button>
      )}
      {triggerType === 'core.poll-trigger' && (
        <Button
          variant="ghost"
          disabled={fetchFromSource.isPending}
          onClick={() => void fetchFromSource.mutateAsync({ flowId, draft: useEditor.getState().doc }).then(pick)}
        >
          <Download size={14} aria-hidden="true" /> {fetchFromSource.isPending ? 'Fetching…' : 'Fetch from the source'}
        </Button>
      )}
    </div>
  );
}

/** Sample input (pinned on the trigger, saved with the draft), dry run or real effects, then run. */
export function TestRunDialog({ flowId, open, onClose }: { flowId: string; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const trigger = useEditor((s) => triggerOf(s.doc));
  const pinned = useEditor((s) => (trigger ? s.doc.samples?.[trigger.id] : undefined));
  const setSample = useEditor((s) => s.setSample);
  const [mode, setMode] = useState<'dry' | 'real'>('dry');
  const [picked, setPicked] = useState<Sample | null>(null);
  const run = useMutation(trpc.flows.testRun.mutationOptions());
  const queryClient = useQueryClient();
  const items = pinned ?? [];

  const start = async () => {
    const doc = useEditor.getState().doc;
    const result = await run.mutateAsync({ flowId, draft: doc, items, mode });
    useEditor.getState().setTestRun(result);
    queryClient.setQueryData(trpc.flows.lastTestRun.queryKey({ flowId }), result);
    const failed = result.trace.find((t) => t.status === 'failed');
    if (result.status === 'failed' || failed) toast.error(`Test run failed${failed ? ` at “${doc.nodes.find((n) => n.id === failed.nodeId)?.label}”` : ''}: ${result.error?.message ?? failed?.error?.message ?? ''}`);
    else toast.success(`Test run finished in ${result.durationMs} ms${mode === 'dry' ? ' (dry run: nothing was written)' : ''}`);
    onClose();
  };

  return (
    <Dialog title="Test run" open={open} onClose={onClose}>
      {!trigger ? (
        <p className="text-sm text-slate-600">Add a trigger first: the test data goes into it.</p>
      ) : (
        <div className="space-y-4">
          <div className="space-y-1">
            <label htmlFor="sample-items" className="text-sm font-medium text-slate-700">
              Sample items for “{trigger.label}”
            </label>
            <SampleSources flowId={flowId} triggerId={trigger.id} triggerType={trigger.type} onPicked={setPicked} />
            <JsonInput id="sample-items" rows={8} value={pinned ?? []} onChange={(v) => Array.isArray(v) && setSample(trigger.id, v as Record<string, unknown>[])} />
            {picked && (
              <p role="status" className="text-xs text-emerald-700">
                Pinned {picked.items.length} item{picked.items.length === 1 ? '' : 's'} from {picked.from}
                {picked.total > picked.items.length ? ` (the first ${picked.items.length} of ${picked.total})` : ''}.
              </p>
            )}
            <p className="text-xs text-slate-500">
              A JSON array of records, as the trigger would receive them. Take them from above, or type or paste; they are kept with the draft, per trigger (not published).{' '}
              {items.length === 0 && (
                <button type="button" className="font-medium text-brand-700 hover:underline" onClick={() => setSample(trigger.id, EXAMPLE)}>
                  Use an example
                </button>
              )}
            </p>
          </div>
          <fieldset className="space-y-1.5">
            <legend className="text-sm font-medium text-slate-700">Mode</legend>
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name="mode" checked={mode === 'dry'} onChange={() => setMode('dry')} className="mt-1" />
              <span>
                Dry run <span className="text-slate-500">— steps that write to other systems only record what they would do.</span>
              </span>
            </label>
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name="mode" checked={mode === 'real'} onChange={() => setMode('real')} className="mt-1" />
              <span>
                Real effects <span className="text-slate-500">— records are really written through your connections.</span>
              </span>
            </label>
          </fieldset>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={() => void start()} disabled={run.isPending || items.length === 0}>
              <Play size={15} aria-hidden="true" /> {run.isPending ? 'Running…' : `Run on ${items.length} item${items.length === 1 ? '' : 's'}`}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
