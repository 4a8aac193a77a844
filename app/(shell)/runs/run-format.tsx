import clsx from 'clsx';

/** Kept in step with RUN_STATUSES in db/schema/runs.ts (not imported: that pulls drizzle into the browser bundle). */
export const RUN_STATUS_LIST = ['queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
export type RunStatusName = (typeof RUN_STATUS_LIST)[number];

export const STATUS_TONE: Record<string, string> = {
  queued: 'bg-slate-100 text-slate-700 ring-slate-300',
  running: 'bg-sky-50 text-sky-800 ring-sky-300',
  succeeded: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  failed: 'bg-red-50 text-red-800 ring-red-300',
  skipped: 'bg-amber-50 text-amber-800 ring-amber-300',
  cancelled: 'bg-slate-100 text-slate-500 ring-slate-300',
};

const STATUS_LABEL: Record<string, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  skipped: 'Not reached',
  cancelled: 'Cancelled',
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span data-testid="run-status" data-status={status} className={clsx('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', STATUS_TONE[status] ?? STATUS_TONE.queued)}>
      {label ?? STATUS_LABEL[status] ?? status}
    </span>
  );
}

export function formatDuration(start: Date | string | null, end: Date | string | null, now = Date.now()): string {
  if (!start) return '—';
  const ms = (end ? new Date(end).getTime() : now) - new Date(start).getTime();
  if (ms < 1000) return `${Math.max(0, ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatTime(date: Date | string | null): string {
  if (!date) return '—';
  return new Date(date).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
