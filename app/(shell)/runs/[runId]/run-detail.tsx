'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import JsonView from '@uiw/react-json-view';
import clsx from 'clsx';
import { ArrowLeft, ExternalLink, FastForward, RotateCcw, Square } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import type { z } from 'zod';
import { Button } from '../../../_components/button';
import { Dialog } from '../../../_components/flow-editor/dialog';
import { useTRPC } from '../../../_lib/trpc/react';
import type { RunDetail } from '../../../_server/runs/run-queries';
import { formatDuration, formatTime, OutcomeBadge, StatusBadge } from '../run-format';
import { plainMessage, RunProblem, stepTitle } from '../run-problem';
import { RunGraph } from './run-graph';
import { cellText, ItemsTable } from '../../../_components/items-table';

type Step = RunDetail['steps'][number];
const LIVE = new Set(['queued', 'running']);

/** Step samples hold engine items (`{ json }`); tables show the json fields. */
function rowsOf(items: readonly unknown[]): Record<string, unknown>[] {
  return items.map((item) => {
    const value = item && typeof item === 'object' && 'json' in item ? (item as { json: unknown }).json : item;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  });
}

function Json({ value }: { value: unknown }) {
  if (value === null || typeof value !== 'object') return <pre className="rounded bg-slate-50 p-2 font-mono text-xs text-slate-700">{JSON.stringify(value)}</pre>;
  return <JsonView value={value as object} collapsed={3} displayDataTypes={false} enableClipboard style={{ fontSize: 12 }} />;
}

function Items({ title, items, total }: { title: string; items: readonly unknown[]; total: number }) {
  const [asJson, setAsJson] = useState(false);
  return (
    <section className="space-y-1.5" aria-label={title}>
      <div className="flex items-center justify-between">
        <h4 className="text-xs font-semibold text-slate-700">
          {title} <span className="font-normal text-slate-500">({total}{items.length < total ? `, first ${items.length} kept` : ''})</span>
        </h4>
        <button type="button" onClick={() => setAsJson(!asJson)} className="text-xs font-medium text-brand-700 hover:underline">
          {asJson ? 'Table' : 'JSON'}
        </button>
      </div>
      {asJson ? <Json value={items} /> : <ItemsTable items={rowsOf(items)} />}
    </section>
  );
}

/** A succeeded step with no attempt did not run: a retry from the failed step reused its output. */
const isReused = (step: Step) => step.status === 'succeeded' && step.attempts === 0;

/** What an Upsert's conflict policy decided for the sampled items (`conflict` on its output items). */
function ConflictDecisions({ step }: { step: Step }) {
  const decisions = Object.values(step.output ?? {}).flatMap((sample) =>
    sample.items.flatMap((item) => {
      const conflict = (item as { conflict?: { fields?: string[]; winner?: string; reason?: string } } | null)?.conflict;
      return conflict?.winner ? [conflict] : [];
    }),
  );
  if (decisions.length === 0) return null;
  return (
    <section aria-label="Conflict decisions" className="space-y-1.5">
      <h4 className="text-xs font-semibold text-slate-700">Conflict decisions ({decisions.length})</h4>
      <ul className="divide-y divide-slate-100 rounded border border-sky-200 bg-sky-50/40 text-xs">
        {decisions.map((d, i) => (
          <li key={i} className="flex gap-3 px-2 py-1.5">
            <span className="font-medium text-sky-900">{(d.fields ?? []).join(', ')}: the {d.winner} won</span>
            <span className="text-slate-600">{d.reason}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function StepPanel({ step, label, nodes }: { step: Step; label: string; nodes: RunDetail['graph']['nodes'] }) {
  const node = nodes.find((n) => n.id === step.nodeId);
  return (
    <div className="space-y-4" data-testid="step-panel">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="text-sm font-semibold text-slate-900">{label}</h3>
        <StatusBadge status={step.status} />
        <span className="text-xs text-slate-500">
          {node && stepTitle(node) === label ? '' : `${node ? stepTitle(node) : step.nodeType} · `}
          {step.status === 'running'
            ? `attempt ${step.attempts} of ${step.maxAttempts ?? '?'} failed, retrying`
            : `${isReused(step) ? 'reused' : `${step.attempts} attempt${step.attempts === 1 ? '' : 's'}`} · ${formatDuration(step.startedAt, step.finishedAt)}`}
        </span>
      </div>
      {isReused(step) && (
        <p className="rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900" data-testid="step-reused">
          Not run again: this retry reused the output the step had in the retried run, so its writes were not repeated.
        </p>
      )}
      {step.error && (
        <div className="rounded-md bg-red-50 px-3 py-2 text-red-800" data-testid="step-error">
          <RunProblem error={{ ...step.error, nodeId: step.nodeId }} nodes={nodes} advice={false} />
          {step.status === 'running' ? (
            <p className="text-xs text-red-700">Attempt {step.attempts} of {step.maxAttempts ?? '?'} failed; the step is tried again.</p>
          ) : (
            step.attempts > 1 && <p className="text-xs text-red-700">Tried {step.attempts} times before giving up.</p>
          )}
        </div>
      )}
      {step.input ? <Items title="Input" items={step.input.items} total={step.input.total} /> : <p className="text-xs text-slate-500">No input recorded.</p>}
      {Object.entries(step.output ?? {}).map(([port, sample]) => (
        <Items key={port} title={`Output · ${port}`} items={sample.items} total={sample.total} />
      ))}
      <ConflictDecisions step={step} />
      {step.skipped && step.skipped.length > 0 && (
        <section aria-label="Skipped items" className="space-y-1.5">
          <h4 className="text-xs font-semibold text-slate-700">Skipped items ({step.skipped.length})</h4>
          <ul className="divide-y divide-slate-100 rounded border border-amber-200 bg-amber-50/40 text-xs">
            {step.skipped.map((s, i) => (
              <li key={i} className="flex gap-3 px-2 py-1.5">
                <span className="font-medium text-amber-900">{s.reason}</span>
                <code className="truncate text-slate-600">{cellText(rowsOf([s.item])[0])}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function Timeline({ detail, selected, onSelect, labels }: { detail: RunDetail; selected: string | null; onSelect: (id: string) => void; labels: Record<string, string> }) {
  const { run } = detail;
  // Start time, then graph order (runs recorded before step timings have none; steps not reached neither).
  const order = new Map(detail.graph.nodes.map((n, i) => [n.id, i]));
  const at = (s: Step) => (s.startedAt ? new Date(s.startedAt).getTime() : Number.MAX_SAFE_INTEGER);
  const steps = [...detail.steps].sort((a, b) => at(a) - at(b) || (order.get(a.nodeId) ?? 99) - (order.get(b.nodeId) ?? 99));
  const t0 = new Date(run.startedAt ?? run.createdAt).getTime();
  const starts = steps.filter((s) => s.startedAt).map((s) => new Date(s.startedAt!).getTime());
  const ends = steps.filter((s) => s.finishedAt).map((s) => new Date(s.finishedAt!).getTime());
  const begin = Math.min(t0, ...starts);
  const span = Math.max(1, Math.max(begin + 1, ...ends, run.finishedAt ? new Date(run.finishedAt).getTime() : 0) - begin);
  if (steps.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        {LIVE.has(run.status) ? 'Running. Each step shows here when the run finishes, or as soon as one of its attempts fails.' : 'No steps were recorded for this run.'}
      </p>
    );
  }
  return (
    <>
    <ol className="space-y-1" data-testid="step-timeline">
      {steps.map((s) => {
        const start = s.startedAt ? new Date(s.startedAt).getTime() - begin : 0;
        const width = s.startedAt && s.finishedAt ? new Date(s.finishedAt).getTime() - new Date(s.startedAt).getTime() : 0;
        return (
          <li key={s.id}>
            <button
              type="button"
              onClick={() => onSelect(s.nodeId)}
              className={clsx('grid w-full grid-cols-[9rem_minmax(4rem,1fr)_4.5rem_6.5rem] items-center gap-3 rounded px-2 py-1 text-left text-xs hover:bg-slate-50', selected === s.nodeId && 'bg-brand-50 ring-1 ring-brand-600/30')}
            >
              <span className="truncate font-medium text-slate-800">{labels[s.nodeId] ?? s.nodeId}</span>
              <span className="relative h-3 rounded bg-slate-100">
                {s.status !== 'skipped' && (
                  <span
                    className={clsx('absolute top-0 h-3 rounded', s.status === 'failed' ? 'bg-red-500' : s.status === 'succeeded' ? 'bg-emerald-500' : s.status === 'running' ? 'animate-pulse bg-amber-500' : 'bg-slate-400')}
                    style={{ left: `${(start / span) * 100}%`, width: `max(3px, ${(width / span) * 100}%)` }}
                  />
                )}
              </span>
              <span className="text-right text-slate-600 tabular-nums">{s.status === 'skipped' ? 'not reached' : s.status === 'running' ? 'retrying' : formatDuration(s.startedAt, s.finishedAt)}</span>
              <span className={clsx('text-right whitespace-nowrap tabular-nums', s.attempts > 1 ? 'font-semibold text-amber-700' : isReused(s) ? 'text-sky-700' : 'text-slate-500')}>
                {isReused(s) ? 'reused' : s.status === 'running' && s.maxAttempts ? `attempt ${s.attempts} of ${s.maxAttempts}` : `${s.attempts} attempt${s.attempts === 1 ? '' : 's'}`}
              </span>
            </button>
          </li>
        );
      })}
    </ol>
    {LIVE.has(run.status) && <p className="mt-2 text-xs text-slate-500">The steps before it are recorded when the run ends.</p>}
    </>
  );
}

function RetryDialog({ detail, open, onClose }: { detail: RunDetail; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const failed = detail.run.status === 'failed';
  // A newer version (a fix published since) is what an analyst retries on; it runs from the start,
  // because the steps of another version cannot take over this run's intermediate results.
  const newer = detail.latestVersion !== null && detail.latestVersion > detail.run.version;
  const [from, setFrom] = useState<'start' | 'failed-step'>(failed && !newer ? 'failed-step' : 'start');
  const [onVersion, setOnVersion] = useState<'original' | 'latest'>(newer ? 'latest' : 'original');
  const chooseVersion = (version: 'original' | 'latest') => {
    setOnVersion(version);
    if (version === 'latest') setFrom('start');
  };
  const original = JSON.stringify(detail.run.triggerPayload ?? null, null, 2);
  const fromStep = from === 'failed-step';
  const [payload, setPayload] = useState(original);
  const [problem, setProblem] = useState<string | null>(null);
  const retry = useMutation(
    trpc.runs.retry.mutationOptions({
      onSuccess: async ({ runId }) => {
        toast.success('Retry queued');
        await queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
        onClose();
        router.push(`/runs/${runId}`);
      },
      onError: (error) => setProblem(error.message),
    }),
  );
  const submit = () => {
    let parsed: z.core.util.JSONType;
    try {
      parsed = JSON.parse(payload) as z.core.util.JSONType;
    } catch {
      setProblem('The trigger payload is not valid JSON.');
      return;
    }
    setProblem(null);
    if (fromStep) retry.mutate({ runId: detail.run.id, from, onVersion: 'original' });
    else retry.mutate({ runId: detail.run.id, from, onVersion, ...(payload.trim() === original.trim() ? {} : { payload: parsed }) });
  };
  const failedAt = detail.run.error?.nodeId;
  const failedLabel = failedAt ? (detail.graph.nodes.find((n) => n.id === failedAt)?.label ?? failedAt) : 'the failed step';
  return (
    <Dialog title="Retry this run" open={open} onClose={onClose} wide>
      <div className="space-y-4 text-sm">
        <p className="text-slate-600">
          Queues a new run; it starts when no other run of the same record is in progress. Writes that already succeeded are not made again: steps reuse the
          original run’s idempotency keys, so a repeated update or request is recognised by the target system.
        </p>
        <fieldset className="space-y-1">
          <legend className="text-xs font-semibold text-slate-700">Version</legend>
          <label className={clsx('flex items-center gap-2', !newer && 'text-slate-400')}>
            <input type="radio" name="version" disabled={!newer} checked={onVersion === 'latest'} onChange={() => chooseVersion('latest')} /> The latest version
            {newer ? ` (v${detail.latestVersion}), with the fixes published since this run` : ': this run is already on it'}
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="version" checked={onVersion === 'original'} onChange={() => chooseVersion('original')} /> The run’s version (v{detail.run.version})
          </label>
        </fieldset>
        <fieldset className="space-y-1">
          <legend className="text-xs font-semibold text-slate-700">Start from</legend>
          <label className={clsx('flex items-center gap-2', (!failed || onVersion === 'latest') && 'text-slate-400')}>
            <input type="radio" name="from" disabled={!failed || onVersion === 'latest'} checked={fromStep} onChange={() => setFrom('failed-step')} /> The failed step
            {failed ? ` (“${failedLabel}”)` : ''}: earlier steps are not run again, their results are reused
            {onVersion === 'latest' ? ' (on the run’s version only)' : ''}
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="from" checked={!fromStep} onChange={() => setFrom('start')} /> The start, every step runs again
          </label>
        </fieldset>
        {fromStep ? (
          <p className="rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-600">On the run’s version (v{detail.run.version}) with its trigger payload.</p>
        ) : (
          <>
            <label className="block">
              <span className="text-xs font-semibold text-slate-700">Trigger payload</span>
              <textarea aria-label="Trigger payload" value={payload} onChange={(e) => setPayload(e.target.value)} rows={10} spellCheck={false} className="mt-1 w-full rounded-md border-0 p-2 font-mono text-xs ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-600" />
            </label>
          </>
        )}
        {problem && <p className="text-sm text-red-700">{problem}</p>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Keep as is
          </Button>
          <Button onClick={submit} disabled={retry.isPending}>
            <RotateCcw size={15} aria-hidden="true" /> {retry.isPending ? 'Queuing…' : 'Start retry'}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

function CancelDialog({ runId, open, onClose }: { runId: string; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(
    trpc.runs.cancel.mutationOptions({
      onSuccess: async () => {
        toast.success('Run cancelled');
        await queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
        onClose();
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <Dialog title="Cancel this run?" open={open} onClose={onClose}>
      <div className="space-y-4 text-sm">
        <p className="text-slate-600">The run stops at its next step. Steps that already wrote to a system are not undone.</p>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Keep running
          </Button>
          <Button variant="danger" onClick={() => cancel.mutate({ runId })} disabled={cancel.isPending}>
            Cancel run
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

/** Seconds until `at`, ticking every second (for "next attempt in 42 s"). */
function useSecondsUntil(at: Date | string | null) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!at) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  return at ? Math.max(0, Math.round((new Date(at).getTime() - now) / 1000)) : null;
}

/** A step of a run in flight whose attempt failed: which one, attempt N of M, why, when it tries again; retry now or cancel. */
function RetryingStep({ step, label, onCancel }: { step: Step; label: string; onCancel: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const seconds = useSecondsUntil(step.nextAttemptAt);
  const retryNow = useMutation(
    trpc.runs.retryNow.mutationOptions({
      onSuccess: async ({ runId }) => {
        toast.success(`Retrying “${label}” now`);
        await queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
        router.push(`/runs/${runId}`);
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <div className="mt-4 flex flex-wrap items-start justify-between gap-4 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3" data-testid="retrying-step" role="status">
      <div className="space-y-1">
        <p className="text-sm font-semibold text-amber-900">
          Retrying “{label}”: attempt {step.attempts} of {step.maxAttempts ?? '?'} failed
        </p>
        {step.error && <p className="text-sm text-amber-900">{plainMessage(step.error.message)}</p>}
        <p className="text-xs text-amber-800">
          {step.nextAttemptAt
            ? seconds
              ? `Next attempt at ${formatTime(step.nextAttemptAt)} (in ${seconds} s).`
              : 'Next attempt due now.'
            : 'No attempt left.'}{' '}
          Fix the cause (a system down, a wrong setting) and retry now, or cancel the run.
        </p>
      </div>
      <div className="flex gap-2">
        <Button onClick={() => retryNow.mutate({ runId: step.runId })} disabled={retryNow.isPending}>
          <FastForward size={15} aria-hidden="true" /> {retryNow.isPending ? 'Retrying…' : 'Retry now'}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          <Square size={15} aria-hidden="true" /> Cancel
        </Button>
      </div>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-sm text-slate-900">{children}</dd>
    </div>
  );
}

export function RunDetailView({ runId }: { runId: string; role: 'viewer' | 'analyst' | 'admin' }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.runs.get.queryOptions({ runId }, { refetchInterval: (q) => (q.state.data && LIVE.has(q.state.data.run.status) ? 2000 : false) }),
  );
  const [picked, setPicked] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'retry' | 'cancel' | null>(null);
  if (query.isLoading) return <p className="text-sm text-slate-500">Loading the run…</p>;
  if (query.isError || !query.data) return <p className="text-sm text-red-700">{query.error?.message ?? 'This run was not found.'}</p>;
  const detail = query.data;
  const { run, steps } = detail;
  const labels = Object.fromEntries(detail.graph.nodes.map((n) => [n.id, n.label]));
  const selected = picked ?? run.error?.nodeId ?? steps.find((s) => s.status === 'failed')?.nodeId ?? steps[0]?.nodeId ?? null;
  const step = steps.find((s) => s.nodeId === selected);
  const live = LIVE.has(run.status);
  const retrying = live ? steps.find((s) => s.status === 'running') : undefined;

  return (
    <div className="space-y-6">
      <div>
        <Link href="/runs" className="inline-flex items-center gap-1 text-xs text-slate-500 hover:text-slate-800">
          <ArrowLeft size={13} aria-hidden="true" /> All runs
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="flex items-center gap-3 text-2xl font-semibold tracking-tight text-slate-900">
              <Link href={`/flows/${run.flowId}`} className="hover:text-brand-700 hover:underline">
                {detail.flowName}
              </Link>
              <StatusBadge status={run.status} />
              {run.outcome && <OutcomeBadge outcome={run.outcome} />}
            </h1>
            <p className="mt-1 font-mono text-xs text-slate-500">run {run.id}</p>
          </div>
          <div className="flex gap-2">
            {detail.temporalUrl && (
              <a href={detail.temporalUrl} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1.5 rounded-md px-3 py-2 text-sm text-slate-600 hover:bg-slate-100">
                <ExternalLink size={15} aria-hidden="true" /> Temporal
              </a>
            )}
            {retrying ? null : live ? (
              <Button variant="secondary" onClick={() => setDialog('cancel')}>
                <Square size={15} aria-hidden="true" /> Cancel
              </Button>
            ) : (
              // Read the run again first: a fix may have been published since the page loaded (the latest version).
              <Button onClick={() => void query.refetch().then(() => setDialog('retry'))}>
                <RotateCcw size={15} aria-hidden="true" /> Retry
              </Button>
            )}
          </div>
        </div>
        <dl className="mt-4 grid grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-4 lg:grid-cols-7">
          <Fact label="Version">v{run.version}</Fact>
          <Fact label="Trigger">{run.trigger}</Fact>
          <Fact label="Accepted">{formatTime(run.createdAt)}</Fact>
          <Fact label="Started">{formatTime(run.startedAt)}</Fact>
          <Fact label="Duration">{formatDuration(run.startedAt, run.finishedAt)}</Fact>
          <Fact label="Items in / out / skipped">
            {run.itemsIn} / {run.itemsOut} / {run.itemsSkipped}
          </Fact>
          <Fact label="Record key">{run.orderingKey ?? '—'}</Fact>
        </dl>
        {(run.retryOf || detail.retries.length > 0) && (
          <p className="mt-2 text-xs text-slate-600">
            {run.retryOf && (
              <>
                Retry of{' '}
                <Link href={`/runs/${run.retryOf}`} className="font-mono text-brand-700 hover:underline">
                  {run.retryOf.slice(0, 8)}
                </Link>
                .{' '}
              </>
            )}
            {detail.retries.length > 0 && (
              <>
                Retried as{' '}
                {detail.retries.map((r, i) => (
                  <span key={r.id}>
                    {i > 0 && ', '}
                    <Link href={`/runs/${r.id}`} className="font-mono text-brand-700 hover:underline" data-testid="retry-link">
                      {r.id.slice(0, 8)}
                    </Link>{' '}
                    ({r.status})
                  </span>
                ))}
                .
              </>
            )}
          </p>
        )}
        {retrying && <RetryingStep step={retrying} label={labels[retrying.nodeId] ?? retrying.nodeId} onCancel={() => setDialog('cancel')} />}
        {run.error && (
          <div className="mt-4 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-red-900" data-testid="run-error">
            <RunProblem error={run.error} nodes={detail.graph.nodes} />
            {run.error.nodeId && run.status === 'failed' && (
              <Link
                href={`/runs?flow=${run.flowId}&status=failed&step=${encodeURIComponent(run.error.nodeId)}`}
                className="mt-1 inline-block text-xs font-medium text-red-800 underline hover:text-red-950"
              >
                Every run that failed at this step
              </Link>
            )}
          </div>
        )}
      </div>

      <RunGraph detail={detail} selected={selected} onSelect={setPicked} />

      <div className="grid gap-6 xl:grid-cols-2">
        <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="text-sm font-semibold text-slate-900">Steps</h2>
          <Timeline detail={detail} selected={selected} onSelect={setPicked} labels={labels} />
        </section>
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          {step ? <StepPanel step={step} label={labels[step.nodeId] ?? step.nodeId} nodes={detail.graph.nodes} /> : <p className="text-sm text-slate-500">Choose a step to see its input and output.</p>}
        </section>
      </div>

      <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-4" aria-label="Trigger payload">
        <h2 className="text-sm font-semibold text-slate-900">Trigger payload</h2>
        <Json value={run.triggerPayload ?? null} />
      </section>

      {dialog === 'retry' && <RetryDialog detail={detail} open onClose={() => setDialog(null)} />}
      {dialog === 'cancel' && <CancelDialog runId={run.id} open onClose={() => setDialog(null)} />}
    </div>
  );
}
