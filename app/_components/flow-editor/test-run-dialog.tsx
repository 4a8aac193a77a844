'use client';

import { useMutation } from '@tanstack/react-query';
import { Play } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { useTRPC } from '../../_lib/trpc/react';
import { Button } from '../button';
import { Dialog } from './dialog';
import { JsonInput } from './literal-input';
import { triggerOf, useEditor } from './store';

const EXAMPLE = [{ id: '1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' }];

/** Sample input (pinned on the trigger, saved with the draft), dry run or real effects, then run. */
export function TestRunDialog({ flowId, open, onClose }: { flowId: string; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const trigger = useEditor((s) => triggerOf(s.doc));
  const pinned = useEditor((s) => (trigger ? s.doc.samples?.[trigger.id] : undefined));
  const setSample = useEditor((s) => s.setSample);
  const [mode, setMode] = useState<'dry' | 'real'>('dry');
  const run = useMutation(trpc.flows.testRun.mutationOptions());
  const items = pinned ?? [];

  const start = async () => {
    const doc = useEditor.getState().doc;
    const result = await run.mutateAsync({ flowId, draft: doc, items, mode });
    useEditor.getState().setTestRun(result);
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
            <JsonInput id="sample-items" rows={8} value={pinned ?? []} onChange={(v) => Array.isArray(v) && setSample(trigger.id, v as Record<string, unknown>[])} />
            <p className="text-xs text-slate-500">
              A JSON array of records, as the trigger would receive them. Type or paste; it is kept with the draft (not published).{' '}
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
