'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '../../_components/button';
import { Dialog } from '../../_components/flow-editor/dialog';
import { useTRPC } from '../../_lib/trpc/react';
import { JobProgress } from './job-progress';
import { PairForm } from './pair-form';

// A minimum width: an empty select would otherwise shrink to a sliver.
const select = 'min-w-52 rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300';
// Short, so the row keeps Start load and Full re-sync on one line; the note under the row says where to add one.
const NONE_YET = <option value="">No connection yet</option>;
const ACTIVE = ['running', 'paused', 'rolling-back'];
/** The Object choice that opens the pickers for any object pair. */
const ANY_PAIR = 'any';

export function BulkPanel({ canStart }: { canStart: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const options = useQuery(trpc.bulk.options.queryOptions());
  const jobs = useQuery({
    ...trpc.bulk.list.queryOptions(),
    // Live progress while something runs; quiet otherwise.
    refetchInterval: (query) => (query.state.data?.some((j) => ACTIVE.includes(j.status)) ? 1000 : false),
  });
  const [form, setForm] = useState({ object: '', sourceConnectionId: '', targetConnectionId: '' });
  const [rollbackOf, setRollbackOf] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.bulk.pathKey() });
  const onError = (e: { message: string }) => toast.error(e.message);
  const start = useMutation(trpc.bulk.start.mutationOptions({ onSuccess: () => { toast.success('Load started'); void refresh(); }, onError }));
  const resync = useMutation(
    trpc.bulk.resync.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Full re-sync: ${r.started.length} load(s) started${r.skipped.length ? `, ${r.skipped.length} flow(s) skipped` : ''}`);
        for (const s of r.skipped) toast.message(`${s.flow}: ${s.reason}`);
        void refresh();
      },
      onError,
    }),
  );
  const pause = useMutation(trpc.bulk.pause.mutationOptions({ onSuccess: () => void refresh(), onError }));
  const resume = useMutation(trpc.bulk.resume.mutationOptions({ onSuccess: () => void refresh(), onError }));
  const cancel = useMutation(trpc.bulk.cancel.mutationOptions({ onSuccess: () => void refresh(), onError }));

  const object = form.object || options.data?.objects[0]?.key || ANY_PAIR;
  const anyPair = object === ANY_PAIR;
  const source = form.sourceConnectionId || options.data?.sources[0]?.id || '';
  const target = form.targetConnectionId || options.data?.targets[0]?.id || '';

  return (
    <div className="space-y-6">
      {canStart && (
        <section className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200" aria-label="Start a load">
          <h2 className="mb-3 text-sm font-semibold text-slate-900">Start a load</h2>
          <div className="flex flex-wrap items-end gap-3">
            <label className="text-xs text-slate-600">
              Object
              <select aria-label="Object" className={`${select} mt-1 block`} value={object} onChange={(e) => setForm({ ...form, object: e.target.value })}>
                {options.data?.objects.map((o) => <option key={o.key} value={o.key}>{o.label}</option>)}
                <option value={ANY_PAIR}>Any objects: choose them and their fields…</option>
              </select>
            </label>
            {!anyPair && (
              <>
                <label className="text-xs text-slate-600">
                  From
                  <select aria-label="Source connection" className={`${select} mt-1 block`} value={source} onChange={(e) => setForm({ ...form, sourceConnectionId: e.target.value })}>
                    {options.data?.sources.length ? options.data.sources.map((c) => <option key={c.id} value={c.id}>{c.name}</option>) : NONE_YET}
                  </select>
                </label>
                <label className="text-xs text-slate-600">
                  Into
                  <select aria-label="Target connection" className={`${select} mt-1 block`} value={target} onChange={(e) => setForm({ ...form, targetConnectionId: e.target.value })}>
                    {options.data?.targets.length ? options.data.targets.map((c) => <option key={c.id} value={c.id}>{c.name}</option>) : NONE_YET}
                  </select>
                </label>
                <Button disabled={!object || !source || !target || start.isPending} onClick={() => start.mutate({ object, sourceConnectionId: source, targetConnectionId: target })}>
                  Start load
                </Button>
              </>
            )}
            <span className="grow" />
            <Button variant="secondary" disabled={resync.isPending} onClick={() => resync.mutate()} title="A load for the systems of every active flow">
              Full re-sync
            </Button>
          </div>
          {anyPair && options.data && (
            <div className="mt-4">
              <PairForm connections={options.data.connections} pending={start.isPending} onStart={(input) => start.mutate(input)} />
            </div>
          )}
          {!anyPair && options.data && (options.data.sources.length === 0 || options.data.targets.length === 0) && (
            <p className="mt-2 text-sm text-slate-500">Loads read from a REST API connection and write into a PostgreSQL connection; add them under Connections.</p>
          )}
        </section>
      )}

      <section aria-label="Jobs" className="space-y-3">
        <h2 className="text-sm font-semibold text-slate-900">Jobs</h2>
        {jobs.data?.length === 0 && <p className="text-sm text-slate-500">No loads yet.</p>}
        {jobs.data?.map((job) => (
          <article key={job.id} aria-label={`Load ${job.sourceName} to ${job.targetName}`} className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
            <div className="flex flex-wrap items-center gap-2">
              <h3 className="text-sm font-semibold text-slate-900">
                {job.object}: {job.sourceName} → {job.targetName}
              </h3>
              <span className="text-xs text-slate-500">
                {job.reason === 'resync' ? 'full re-sync' : 'load'} · started {job.startedAt.toLocaleString()}
              </span>
              <span className="grow" />
              {canStart && job.status === 'running' && (
                <Button variant="secondary" disabled={job.control !== null} onClick={() => pause.mutate({ jobId: job.id })}>Pause</Button>
              )}
              {canStart && job.status === 'paused' && <Button variant="secondary" onClick={() => resume.mutate({ jobId: job.id })}>Resume</Button>}
              {canStart && (job.status === 'running' || job.status === 'paused') && (
                <Button variant="ghost" disabled={job.control === 'cancel'} onClick={() => cancel.mutate({ jobId: job.id })}>Cancel</Button>
              )}
              {canStart && ['completed', 'cancelled', 'failed'].includes(job.status) && job.created > job.rolledBack && (
                <Button variant="ghost" onClick={() => setRollbackOf(job.id)}>Roll back…</Button>
              )}
            </div>
            <JobProgress job={job} />
          </article>
        ))}
      </section>

      {rollbackOf && <RollbackDialog jobId={rollbackOf} onClose={() => setRollbackOf(null)} onDone={() => { setRollbackOf(null); void refresh(); }} />}
    </div>
  );
}

/** Dry run first (how many records would be deleted, in which system), then the confirmed roll-back. */
function RollbackDialog({ jobId, onClose, onDone }: { jobId: string; onClose: () => void; onDone: () => void }) {
  const trpc = useTRPC();
  const preview = useQuery(trpc.bulk.rollbackPreview.queryOptions({ jobId }));
  const rollback = useMutation(trpc.bulk.rollback.mutationOptions({ onSuccess: (r) => { toast.success(`Rolling back ${r.toDelete.toLocaleString()} record(s)`); onDone(); }, onError: (e) => toast.error(e.message) }));
  return (
    <Dialog title="Roll back this load" open onClose={onClose}>
      {preview.isPending && <p className="text-sm text-slate-500">Counting…</p>}
      {preview.data && (
        <div className="space-y-3 text-sm text-slate-700">
          <p>
            This deletes <strong>{preview.data.toDelete.toLocaleString()}</strong> record(s) that the load created in <strong>{preview.data.targetName}</strong>, and
            their mappings. The {preview.data.untouched.toLocaleString()} record(s) it matched or updated stay.
          </p>
          <p className="text-slate-500">Deleted records cannot be restored from Syncline.</p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose}>Keep them</Button>
            <Button variant="danger" disabled={rollback.isPending || preview.data.toDelete === 0} onClick={() => rollback.mutate({ jobId, confirmCount: preview.data.toDelete })}>
              Delete {preview.data.toDelete.toLocaleString()} record(s)
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
