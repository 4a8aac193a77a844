'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { Download, Loader2, Radio } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '../../_lib/trpc/react';
import { Button } from '../button';
import { availableFields } from './form-model';
import { useEditor } from './store';

type Sample = { items: Record<string, unknown>[]; total: number; from: string };

/** What the pinned sample holds, in a line: it is what the field pickers of later steps offer. */
function SampleSummary({ nodeId, picked }: { nodeId: string; picked: Sample | null }) {
  const items = useEditor((s) => s.doc.samples?.[nodeId]);
  if (!items || items.length === 0) return <p className="text-xs text-slate-500">No sample yet. With one, the steps after this trigger offer its fields to pick from.</p>;
  const fields = availableFields(items);
  return (
    <p role="status" className="text-xs text-slate-600" data-testid="sample-summary">
      {picked ? `Captured ${picked.items.length} item${picked.items.length === 1 ? '' : 's'} from ${picked.from}. ` : `Sample: ${items.length} item${items.length === 1 ? '' : 's'}. `}
      Fields: <span className="font-mono">{fields.slice(0, 8).join(', ')}{fields.length > 8 ? `, … (${fields.length})` : ''}</span>
    </p>
  );
}

/** Waits for the next delivery to the flow's URL, with a visible waiting state and Cancel. */
function WebhookCapture({ flowId, nodeId, onPicked }: { flowId: string; nodeId: string; onPicked: (s: Sample) => void }) {
  const trpc = useTRPC();
  const setSample = useEditor((s) => s.setSample);
  const [waiting, setWaiting] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const start = useMutation(trpc.triggers.captureSample.mutationOptions());
  const cancel = useMutation(trpc.triggers.cancelCapture.mutationOptions());
  const status = useQuery({ ...trpc.triggers.captureStatus.queryOptions({ flowId }), enabled: waiting, refetchInterval: 1000, gcTime: 0, staleTime: 0 });
  // Leaving the panel while waiting stops the capture: nobody would see the sample arrive.
  const stopOnLeave = useRef<(() => void) | null>(null);
  useEffect(() => {
    stopOnLeave.current = waiting ? () => cancel.mutate({ flowId }) : null;
  }, [waiting, cancel, flowId]);
  useEffect(() => () => stopOnLeave.current?.(), []);

  useEffect(() => {
    const data = status.data;
    if (!waiting || !data) return;
    if (data.state === 'captured') {
      setWaiting(false);
      setSample(nodeId, data.sample.items);
      onPicked(data.sample);
    } else if (data.state === 'expired' || data.state === 'idle') {
      setWaiting(false);
      setNote('Nothing arrived within 10 minutes: the capture stopped.');
    }
  }, [status.data, waiting, nodeId, setSample, onPicked]);

  if (waiting) {
    return (
      <div className="flex items-center gap-2 rounded-md bg-brand-50 px-2.5 py-2 text-xs text-brand-800" role="status" aria-live="polite">
        <Loader2 size={14} className="shrink-0 animate-spin" aria-hidden="true" />
        <span className="flex-1">Waiting for the next delivery to this flow’s URL… Send one (the curl above works).</span>
        <Button
          variant="ghost"
          onClick={() => {
            setWaiting(false);
            cancel.mutate({ flowId });
          }}
        >
          Cancel
        </Button>
      </div>
    );
  }
  return (
    <div className="space-y-1">
      <Button
        variant="secondary"
        disabled={start.isPending}
        onClick={() => {
          setNote(null);
          void start.mutateAsync({ flowId }).then(() => setWaiting(true));
        }}
      >
        <Radio size={14} aria-hidden="true" /> Capture a live sample
      </Button>
      {note && <p className="text-xs text-amber-700">{note}</p>}
    </div>
  );
}

/** Reads one page of records from the poll trigger's source (its cursor is not moved). */
function PollCapture({ flowId, nodeId, onPicked }: { flowId: string; nodeId: string; onPicked: (s: Sample) => void }) {
  const trpc = useTRPC();
  const setSample = useEditor((s) => s.setSample);
  const read = useMutation(trpc.flows.fetchTriggerSample.mutationOptions());
  return (
    <Button
      variant="secondary"
      disabled={read.isPending}
      onClick={() =>
        void read.mutateAsync({ flowId, draft: useEditor.getState().doc }).then((sample) => {
          setSample(nodeId, sample.items);
          onPicked(sample);
        })
      }
    >
      <Download size={14} aria-hidden="true" /> {read.isPending ? 'Reading…' : 'Capture a live sample'}
    </Button>
  );
}

/**
 * The trigger's sample data on its Configure tab: what is pinned, and "Capture a live sample" (the next
 * webhook delivery, or one page read from a poll source). The sample feeds the field pickers.
 */
export function SampleCaptureCard({ flowId, nodeId, kind }: { flowId: string; nodeId: string; kind: 'webhook' | 'poll' }) {
  const [picked, setPicked] = useState<Sample | null>(null);
  return (
    <section aria-label="Sample data" className="mt-5 space-y-2 border-t border-slate-200 pt-4">
      <h3 className="text-sm font-semibold text-slate-900">Sample data</h3>
      <SampleSummary nodeId={nodeId} picked={picked} />
      {kind === 'webhook' ? <WebhookCapture flowId={flowId} nodeId={nodeId} onPicked={setPicked} /> : <PollCapture flowId={flowId} nodeId={nodeId} onPicked={setPicked} />}
    </section>
  );
}
