'use client';

import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import clsx from 'clsx';
import { Activity, Search } from 'lucide-react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { Button } from '../../_components/button';
import { EmptyState } from '../../_components/empty-state';
import { PageHeader } from '../../_components/page-header';
import { useTRPC } from '../../_lib/trpc/react';
import { BulkRetryButton } from './bulk-retry-button';
import { plainMessage, shortProblem } from './run-problem';
import {
  formatDuration,
  formatTime,
  OUTCOME_HELP,
  OUTCOME_LABEL,
  OUTCOME_TONE,
  OutcomeBadge,
  RUN_OUTCOME_LIST,
  RUN_STATUS_LIST as RUN_STATUSES,
  StatusBadge,
  STATUS_TONE,
  type RunOutcomeName,
  type RunStatusName as RunStatus,
} from './run-format';

const LIVE = new Set(['queued', 'running']);

/** Reads the filters from the URL, so a filtered list can be shared and survives reloads. */
function useUrlFilters() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => {
    const status = (params.get('status') ?? '').split(',').filter((s): s is RunStatus => (RUN_STATUSES as readonly string[]).includes(s));
    const version = Number(params.get('version'));
    const outcome = (params.get('outcome') ?? '').split(',').filter((s): s is RunOutcomeName => (RUN_OUTCOME_LIST as readonly string[]).includes(s));
    return {
      flowId: params.get('flow') || undefined,
      status: status.length ? status : undefined,
      outcome: outcome.length ? outcome : undefined,
      failedStep: params.get('step') || undefined,
      trigger: params.get('trigger') || undefined,
      version: Number.isInteger(version) && version > 0 ? version : undefined,
      from: params.get('from') || undefined,
      to: params.get('to') || undefined,
      q: params.get('q') || undefined,
    };
  }, [params]);
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };
  return { filters, set };
}

/** `yyyy-mm-dd` from a date input: the start of that day (from) or of the next day (to), in local time. */
function dayBound(value: string | undefined, next: boolean): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00`);
  if (next) d.setDate(d.getDate() + 1);
  return d;
}

export function RunsList() {
  const trpc = useTRPC();
  const { filters, set } = useUrlFilters();
  const [text, setText] = useState(filters.q ?? '');
  useEffect(() => setText(filters.q ?? ''), [filters.q]);
  const options = useQuery(trpc.runs.filterOptions.queryOptions({ flowId: filters.flowId }));
  const input = {
    flowId: filters.flowId,
    status: filters.status,
    outcome: filters.outcome,
    failedStep: filters.failedStep,
    trigger: filters.trigger,
    version: filters.version,
    from: dayBound(filters.from, false),
    to: dayBound(filters.to, true),
    q: filters.q,
  };
  const list = useInfiniteQuery(
    trpc.runs.list.infiniteQueryOptions(input, {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      // Opening the list always reads it again (runs that started since the last visit), and it stays
      // live while anything on screen is still queued or running.
      refetchOnMount: 'always',
      refetchInterval: (query) => (query.state.data?.pages.some((p) => p.runs.some((r) => LIVE.has(r.status))) ? 3000 : false),
    }),
  );
  const rows = list.data?.pages.flatMap((p) => p.runs) ?? [];
  const anyFilter = Object.values(filters).some((v) => v !== undefined);
  const live = rows.some((r) => LIVE.has(r.status));

  const toggleOutcome = (outcome: RunOutcomeName) => {
    const current = new Set(filters.outcome ?? []);
    if (current.has(outcome)) current.delete(outcome);
    else current.add(outcome);
    set({ outcome: [...current].join(',') || undefined });
  };

  const toggleStatus = (status: RunStatus) => {
    const current = new Set(filters.status ?? []);
    if (current.has(status)) current.delete(status);
    else current.add(status);
    set({ status: [...current].join(',') || undefined });
  };

  const control = 'rounded-md border-0 py-1.5 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-600';
  return (
    <>
      <PageHeader
        title="Runs"
        description="Every execution of every flow in this workspace: what ran, what it read and wrote, and why anything failed."
        actions={<BulkRetryButton filter={input} />}
      />
      <div className="mb-4 space-y-3">
        <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Status">
          {RUN_STATUSES.map((s) => {
            const on = filters.status?.includes(s) ?? false;
            return (
              <button
                key={s}
                type="button"
                aria-pressed={on}
                onClick={() => toggleStatus(s)}
                className={clsx('rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset transition-colors', on ? STATUS_TONE[s] : 'bg-white text-slate-600 ring-slate-200 hover:bg-slate-50')}
              >
                {s}
              </button>
            );
          })}
          <span className="ml-2 h-4 w-px bg-slate-200" aria-hidden="true" />
          <span className="text-xs text-slate-500" id="outcome-label">
            Outcome
          </span>
          {RUN_OUTCOME_LIST.map((o) => {
            const on = filters.outcome?.includes(o) ?? false;
            return (
              <button
                key={o}
                type="button"
                aria-pressed={on}
                title={OUTCOME_HELP[o]}
                onClick={() => toggleOutcome(o)}
                className={clsx('rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset transition-colors', on ? OUTCOME_TONE[o] : 'bg-white text-slate-600 ring-slate-200 hover:bg-slate-50')}
              >
                {OUTCOME_LABEL[o]}
              </button>
            );
          })}
          {live && (
            <span className="ml-2 inline-flex items-center gap-1.5 text-xs text-sky-700">
              <span className="h-2 w-2 animate-pulse rounded-full bg-sky-500" aria-hidden="true" /> Live
            </span>
          )}
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <form
            className="relative"
            onSubmit={(e) => {
              e.preventDefault();
              set({ q: text.trim() || undefined });
            }}
          >
            <span className="sr-only">Search runs</span>
            <Search size={15} aria-hidden="true" className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-slate-400" />
            <input
              type="search"
              aria-label="Search errors and record keys"
              value={text}
              onChange={(e) => setText(e.target.value)}
              onBlur={() => set({ q: text.trim() || undefined })}
              placeholder="Search errors, record keys, run id"
              className={clsx(control, 'w-72 pr-3 pl-8')}
            />
          </form>
          <select aria-label="Flow" value={filters.flowId ?? ''} onChange={(e) => set({ flow: e.target.value || undefined, step: undefined })} className={clsx(control, 'pr-8 pl-2')}>
            <option value="">All flows</option>
            {options.data?.flows.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
          {filters.flowId && (options.data?.steps.length ?? 0) > 0 && (
            <select aria-label="Failed at step" value={filters.failedStep ?? ''} onChange={(e) => set({ step: e.target.value || undefined })} className={clsx(control, 'pr-8 pl-2')}>
              <option value="">Failed at any step</option>
              {options.data?.steps.map((step) => (
                <option key={step.id} value={step.id}>
                  Failed at “{step.label}”
                </option>
              ))}
            </select>
          )}
          <select aria-label="Trigger" value={filters.trigger ?? ''} onChange={(e) => set({ trigger: e.target.value || undefined })} className={clsx(control, 'pr-8 pl-2')}>
            <option value="">Any trigger</option>
            {options.data?.triggers.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <input aria-label="Version" type="number" min={1} placeholder="Version" value={filters.version ?? ''} onChange={(e) => set({ version: e.target.value || undefined })} className={clsx(control, 'w-24 px-2')} />
          <label className="text-xs text-slate-500">
            From
            <input type="date" aria-label="From" value={filters.from ?? ''} onChange={(e) => set({ from: e.target.value || undefined })} className={clsx(control, 'ml-1 px-2')} />
          </label>
          <label className="text-xs text-slate-500">
            To
            <input type="date" aria-label="To" value={filters.to ?? ''} onChange={(e) => set({ to: e.target.value || undefined })} className={clsx(control, 'ml-1 px-2')} />
          </label>
          {anyFilter && (
            <Button variant="ghost" onClick={() => set({ flow: undefined, status: undefined, outcome: undefined, step: undefined, trigger: undefined, version: undefined, from: undefined, to: undefined, q: undefined })}>
              Clear filters
            </Button>
          )}
        </div>
      </div>

      {list.isLoading ? (
        <p className="text-sm text-slate-500">Loading runs…</p>
      ) : list.isError ? (
        <p className="text-sm text-red-700">{list.error.message}</p>
      ) : rows.length === 0 ? (
        <EmptyState icon={Activity} title={anyFilter ? 'No run matches these filters' : 'No runs yet'}>
          {anyFilter
            ? 'Try another status, flow or date range.'
            : 'Runs appear here as soon as an active flow is triggered, by a webhook, a schedule, a poll for changes or a manual test run.'}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm" data-testid="runs-table">
            <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs text-slate-500">
              <tr>
                <th className="px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 font-medium">Outcome</th>
                <th className="px-3 py-2 font-medium">Flow</th>
                <th className="px-3 py-2 font-medium">Trigger</th>
                <th className="px-3 py-2 font-medium">Started</th>
                <th className="px-3 py-2 font-medium">Duration</th>
                <th className="px-3 py-2 text-right font-medium whitespace-nowrap">In / out / skipped</th>
                <th className="px-3 py-2 font-medium">Record key</th>
                <th className="px-3 py-2 font-medium">Error</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="run-row" data-run-id={r.id} className="border-b border-slate-100 last:border-0 hover:bg-slate-50/60">
                  <td className="px-3 py-2">
                    <Link href={`/runs/${r.id}`} className="inline-flex items-center gap-1.5" aria-label={`Open run ${r.id.slice(0, 8)} (${r.status})`}>
                      <StatusBadge status={r.status} />
                      {r.retryOf && <span className="text-[11px] text-slate-400">retry</span>}
                    </Link>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <OutcomeBadge outcome={r.outcome} />
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Link href={`/runs/${r.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                      {r.flowName}
                    </Link>
                    <span className="ml-1 text-xs text-slate-400">v{r.version}</span>
                  </td>
                  <td className="px-3 py-2 text-slate-600">{r.trigger}</td>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-600">{formatTime(r.startedAt ?? r.createdAt)}</td>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-600">{formatDuration(r.startedAt, r.finishedAt)}</td>
                  <td className="px-3 py-2 text-right whitespace-nowrap text-slate-600 tabular-nums">
                    {r.itemsIn} / {r.itemsOut} / {r.itemsSkipped}
                  </td>
                  <td className="max-w-40 truncate px-3 py-2 font-mono text-xs text-slate-600">{r.orderingKey ?? <span className="text-slate-300">—</span>}</td>
                  <td className="max-w-xs truncate px-3 py-2 text-xs text-red-700" title={r.error ? plainMessage(r.error.message) : undefined}>
                    {r.error ? shortProblem(r.error) : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.hasNextPage && (
            <div className="border-t border-slate-100 p-3 text-center">
              <Button variant="secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? 'Loading…' : 'Load 50 more'}
              </Button>
            </div>
          )}
        </div>
      )}
    </>
  );
}
