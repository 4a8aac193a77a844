'use client';

import clsx from 'clsx';

export interface JobView {
  status: string;
  control: string | null;
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  matched: number;
  skipped: number;
  /** The target field records are matched by (email for the built-in pair). */
  matchBy: string;
  rolledBack: number;
  recordsPerSecond: number | null;
  etaSeconds: number | null;
  error: string | null;
}

const STATUS_STYLE: Record<string, string> = {
  running: 'bg-brand-50 text-brand-700',
  paused: 'bg-amber-50 text-amber-800',
  completed: 'bg-emerald-50 text-emerald-700',
  failed: 'bg-red-50 text-red-700',
  cancelled: 'bg-slate-100 text-slate-600',
  'rolling-back': 'bg-amber-50 text-amber-800',
  'rolled-back': 'bg-slate-100 text-slate-600',
};

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The progress bar (processed / total), speed, ETA and counts of one job. */
export function JobProgress({ job }: { job: JobView }) {
  const rollingBack = job.status === 'rolling-back' || job.status === 'rolled-back';
  const done = rollingBack ? job.rolledBack : job.processed;
  const total = rollingBack ? job.created : job.total;
  const percent = total ? Math.min(100, (done / total) * 100) : job.status === 'completed' ? 100 : null;
  const label = job.control === 'pause' ? 'pausing…' : job.control === 'cancel' ? 'cancelling…' : job.status.replace('-', ' ');
  return (
    <div className="mt-3 space-y-2">
      <div className="flex items-center gap-3">
        <span className={clsx('rounded-full px-2 py-0.5 text-xs font-medium', STATUS_STYLE[job.status] ?? 'bg-slate-100')}>{label}</span>
        <div
          role="progressbar"
          aria-label={rollingBack ? 'Roll-back progress' : 'Load progress'}
          aria-valuemin={0}
          aria-valuemax={total ?? undefined}
          aria-valuenow={done}
          className="h-2.5 flex-1 overflow-hidden rounded-full bg-slate-100"
        >
          <div
            className={clsx('h-full rounded-full transition-[width] duration-700', job.status === 'failed' ? 'bg-red-500' : rollingBack ? 'bg-amber-500' : 'bg-brand-600')}
            style={{ width: `${percent ?? 0}%` }}
          />
        </div>
        <span className="w-44 text-right text-xs tabular-nums text-slate-600">
          {done.toLocaleString()} / {total === null ? '?' : total.toLocaleString()}
          {percent !== null && ` (${Math.floor(percent)} %)`}
        </span>
      </div>
      <dl className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-600">
        {job.recordsPerSecond !== null && (
          <div>
            <dt className="inline">Speed </dt>
            <dd className="inline font-medium tabular-nums text-slate-900">{Math.round(job.recordsPerSecond).toLocaleString()} records/s</dd>
          </div>
        )}
        {job.etaSeconds !== null && (
          <div>
            <dt className="inline">ETA </dt>
            <dd className="inline font-medium tabular-nums text-slate-900">{duration(job.etaSeconds)}</dd>
          </div>
        )}
        <div><dt className="inline">Created </dt><dd className="inline tabular-nums">{job.created.toLocaleString()}</dd></div>
        <div><dt className="inline">Matched by {job.matchBy} </dt><dd className="inline tabular-nums">{job.matched.toLocaleString()}</dd></div>
        <div><dt className="inline">Updated </dt><dd className="inline tabular-nums">{job.updated.toLocaleString()}</dd></div>
        {job.skipped > 0 && <div><dt className="inline">Skipped (same {job.matchBy} twice, or none) </dt><dd className="inline tabular-nums">{job.skipped.toLocaleString()}</dd></div>}
        {job.rolledBack > 0 && <div><dt className="inline">Rolled back </dt><dd className="inline tabular-nums">{job.rolledBack.toLocaleString()}</dd></div>}
      </dl>
      {job.error && <p className="text-xs text-red-700">{job.error}</p>}
    </div>
  );
}
