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

/** Kept in step with RUN_OUTCOMES in db/schema/runs.ts (not imported, as above). */
export const RUN_OUTCOME_LIST = ['written', 'unchanged', 'filtered', 'echo', 'failed'] as const;
export type RunOutcomeName = (typeof RUN_OUTCOME_LIST)[number];

/** What happened to the record, in an analyst's words. */
export const OUTCOME_LABEL: Record<RunOutcomeName, string> = {
  written: 'Written',
  unchanged: 'Unchanged',
  filtered: 'Filtered out',
  echo: 'Skipped as echo',
  failed: 'Not written',
};

export const OUTCOME_HELP: Record<RunOutcomeName, string> = {
  written: 'The record was created or updated in the target system.',
  unchanged: 'The target already had these values, or the flow wrote nothing for this event.',
  filtered: 'A Filter or Continue If step stopped the event on its data: nothing was written.',
  echo: 'The change was made by the integration itself; the loop guard stopped it so it does not sync back.',
  failed: 'A step failed: the record was not written. Retry the run once the cause is fixed.',
};

export const OUTCOME_TONE: Record<RunOutcomeName, string> = {
  written: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  unchanged: 'bg-slate-50 text-slate-700 ring-slate-300',
  filtered: 'bg-amber-50 text-amber-800 ring-amber-300',
  echo: 'bg-violet-50 text-violet-800 ring-violet-300',
  failed: 'bg-red-50 text-red-800 ring-red-300',
};

export function OutcomeBadge({ outcome }: { outcome: string | null }) {
  if (!outcome || !(outcome in OUTCOME_LABEL)) return <span className="text-xs text-slate-300">—</span>;
  const name = outcome as RunOutcomeName;
  return (
    <span data-testid="run-outcome" data-outcome={name} title={OUTCOME_HELP[name]} className={clsx('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', OUTCOME_TONE[name])}>
      {OUTCOME_LABEL[name]}
    </span>
  );
}
