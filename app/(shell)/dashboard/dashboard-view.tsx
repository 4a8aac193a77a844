'use client';

import { useQuery } from '@tanstack/react-query';
import clsx from 'clsx';
import { AlertTriangle, CheckCircle2, LayoutDashboard } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { EmptyState } from '../../_components/empty-state';
import { PageHeader } from '../../_components/page-header';
import { useTRPC } from '../../_lib/trpc/react';
import { formatTime } from '../runs/run-format';
import { formatAge, formatMs } from './format-age';
import { RunsPerHourChart } from './runs-per-hour-chart';

const REASON: Record<string, { label: string; tone: string; title: string }> = {
  failing: { label: 'Failing', tone: 'bg-red-50 text-red-800 ring-red-300', title: 'Its latest run failed.' },
  backlog: { label: 'Backlog', tone: 'bg-amber-50 text-amber-800 ring-amber-300', title: 'Accepted events have waited more than a minute.' },
  lagging: { label: 'Lagging', tone: 'bg-orange-50 text-orange-800 ring-orange-300', title: 'Work arrived, but the last successful run is more than an hour old.' },
};

function Stat({ label, children, detail, href, testId }: { label: string; children: ReactNode; detail?: ReactNode; href?: string; testId?: string }) {
  const body = (
    <>
      <p className="text-xs font-medium text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums" data-testid={testId}>
        {children}
      </p>
      {detail && <p className="mt-0.5 text-xs text-slate-500">{detail}</p>}
    </>
  );
  const box = 'rounded-lg border border-slate-200 bg-white px-4 py-3';
  return href ? (
    <Link href={href} className={clsx(box, 'block hover:border-brand-300 hover:bg-brand-50/30')}>
      {body}
    </Link>
  ) : (
    <div className={box}>{body}</div>
  );
}

export function DashboardView() {
  const trpc = useTRPC();
  const query = useQuery(trpc.dashboard.get.queryOptions(undefined, { refetchInterval: 15_000 }));
  const header = <PageHeader title="Dashboard" description="The last 24 hours of this workspace: how runs went, what waits, and which flows need you first." />;
  if (query.isLoading) return <>{header}<p className="text-sm text-slate-500">Loading the dashboard…</p></>;
  if (query.isError) return <>{header}<p className="text-sm text-red-700">{query.error.message}</p></>;
  const data = query.data!;
  const { totals, inbox } = data;
  const attention = data.flows.filter((f) => f.attention.length > 0);
  const others = data.flows.filter((f) => f.attention.length === 0);

  return (
    <>
      {header}
      <div className="mb-6 grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Stat label="Runs, last 24 h" href="/runs" detail={`${totals.running} running, ${totals.queued} queued`}>
          {totals.finished.toLocaleString()}
        </Stat>
        <Stat label="Failed, last 24 h" href="/runs?status=failed" testId="stat-failed" detail={totals.failureRate === null ? 'no finished run' : `${(totals.failureRate * 100).toFixed(1)}% failure rate`}>
          <span className={totals.failed > 0 ? 'text-red-700' : undefined}>{totals.failed.toLocaleString()}</span>
        </Stat>
        <Stat label="Duration p50 / p95" detail="runs finished in 24 h">
          {formatMs(totals.p50Ms)} <span className="text-base font-normal text-slate-400">/</span> {formatMs(totals.p95Ms)}
        </Stat>
        <Stat label="Inbox backlog" detail={inbox.oldestPendingSeconds === null ? 'nothing waiting' : `oldest waits ${formatAge(inbox.oldestPendingSeconds)}`}>
          {inbox.pendingEvents.toLocaleString()}
        </Stat>
        <Stat label="Record keys waiting" detail="keys with events queued behind a run">
          {inbox.keysWaiting.toLocaleString()}
        </Stat>
      </div>

      <section className="mb-6 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="runs-per-hour">
        <h2 id="runs-per-hour" className="mb-2 text-sm font-semibold text-slate-900">
          Runs per hour by outcome
        </h2>
        <RunsPerHourChart hours={data.hours} />
      </section>

      <section aria-labelledby="flows-attention">
        <h2 id="flows-attention" className="mb-2 text-sm font-semibold text-slate-900">
          {attention.length > 0 ? `Flows: ${attention.length} need${attention.length === 1 ? 's' : ''} attention` : 'Flows'}
        </h2>
        {data.flows.length === 0 ? (
          <EmptyState icon={LayoutDashboard} title="No flows yet">
            Create and activate a flow: its runs, lag and backlog show up here.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="dashboard-flows">
            {[...attention, ...others].map((flow) => (
              <li key={flow.id} className="px-4 py-3" data-testid="dashboard-flow" data-flow-id={flow.id}>
                <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                  {flow.attention.length > 0 ? (
                    <AlertTriangle size={16} className="text-red-600" aria-hidden="true" />
                  ) : (
                    <CheckCircle2 size={16} className="text-emerald-600" aria-hidden="true" />
                  )}
                  <Link href={`/runs?flow=${flow.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                    {flow.name}
                  </Link>
                  {flow.status !== 'active' && <span className="text-xs text-slate-400">{flow.status}</span>}
                  {flow.attention.map((reason) => (
                    <span key={reason} title={REASON[reason]?.title} className={clsx('rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', REASON[reason]?.tone)}>
                      {REASON[reason]?.label ?? reason}
                    </span>
                  ))}
                  <span className="ml-auto text-xs text-slate-500">
                    {flow.lagSeconds === null ? 'never synced' : `last synced ${formatAge(flow.lagSeconds)} ago`}
                  </span>
                </div>
                <p className="mt-1 text-xs text-slate-500 tabular-nums">
                  24 h: {flow.succeeded.toLocaleString()} succeeded,{' '}
                  {flow.failed > 0 ? (
                    <Link href={`/runs?flow=${flow.id}&status=failed`} className="text-red-700 hover:underline">
                      {flow.failed.toLocaleString()} failed
                    </Link>
                  ) : (
                    '0 failed'
                  )}
                  {flow.running + flow.queued > 0 && `, ${flow.running} running, ${flow.queued} queued`}
                  {flow.pendingEvents > 0 && ` · ${flow.pendingEvents} events waiting (oldest ${formatAge(flow.oldestPendingSeconds ?? 0)}), ${flow.keysWaiting} record keys`}
                </p>
                {flow.recentFailures.length > 0 && flow.attention.length > 0 && (
                  <ul className="mt-2 space-y-1" aria-label={`Latest failures of ${flow.name}`}>
                    {flow.recentFailures.map((failure) => (
                      <li key={failure.id}>
                        <Link href={`/runs/${failure.id}`} className="group flex items-baseline gap-2 text-xs" data-testid="dashboard-failure">
                          <span className="shrink-0 text-slate-400 tabular-nums">{formatTime(failure.createdAt)}</span>
                          <span className="truncate text-red-700 group-hover:underline">{failure.message ?? 'Failed'}</span>
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
