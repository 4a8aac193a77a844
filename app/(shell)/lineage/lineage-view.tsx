'use client';

import { useQuery } from '@tanstack/react-query';
import clsx from 'clsx';
import { History, Search } from 'lucide-react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Button } from '../../_components/button';
import { EmptyState } from '../../_components/empty-state';
import { PageHeader } from '../../_components/page-header';
import { useTRPC } from '../../_lib/trpc/react';
import { formatTime, StatusBadge } from '../runs/run-format';

/** Record lineage: type a record's id in any system, see every run that read or wrote it, oldest first. */
export function LineageView() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const recordId = params.get('id')?.trim() ?? '';
  const [text, setText] = useState(recordId);
  useEffect(() => setText(recordId), [recordId]);
  const lineage = useQuery(trpc.runs.lineage.queryOptions({ recordId }, { enabled: recordId !== '' }));
  const search = () => router.replace(text.trim() ? `${pathname}?id=${encodeURIComponent(text.trim())}` : pathname, { scroll: false });

  return (
    <>
      <PageHeader title="Record lineage" description="Every run that read or wrote a record, across flows, in time order. Search by the record’s id in any connected system, or by its record key." />
      <form
        className="mb-6 flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          search();
        }}
      >
        <div className="relative">
          <Search size={15} aria-hidden="true" className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-slate-400" />
          <input
            type="search"
            aria-label="Record id"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="e.g. a CRM contact id or a record key"
            className="w-96 rounded-md border-0 py-1.5 pr-3 pl-8 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-600"
          />
        </div>
        <Button type="submit">Find runs</Button>
      </form>

      {recordId === '' ? (
        <EmptyState icon={History} title="Search for a record">
          Enter the id a record has in any system (the external-ID mappings connect them) to see which runs touched it.
        </EmptyState>
      ) : lineage.isLoading ? (
        <p className="text-sm text-slate-500">Searching…</p>
      ) : lineage.isError ? (
        <p className="text-sm text-red-700">{lineage.error.message}</p>
      ) : !lineage.data || lineage.data.runs.length === 0 ? (
        <EmptyState icon={History} title="No run touched this record">
          No run read or wrote “{recordId}”, and no mapping knows it. Check the id, or search by another system’s id.
        </EmptyState>
      ) : (
        <div className="space-y-6">
          {lineage.data.mappings.length > 0 && (
            <section aria-label="Known as" className="rounded-lg border border-slate-200 bg-white p-4">
              <h2 className="mb-2 text-sm font-semibold text-slate-900">Known as</h2>
              <ul className="flex flex-wrap gap-2 text-xs">
                {lineage.data.mappings.map((m) => (
                  <li key={`${m.connectionId}:${m.objectType}:${m.externalId}`} className="rounded-md bg-slate-50 px-2 py-1 ring-1 ring-slate-200 ring-inset">
                    <span className="text-slate-500">
                      {m.connectionName ?? m.connectionId} · {m.objectType}
                    </span>{' '}
                    <span className="font-mono text-slate-900">{m.externalId}</span> <span className="text-slate-400">→ {m.recordKey}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <ol className="relative space-y-3 border-l-2 border-slate-200 pl-5" data-testid="lineage-runs">
            {lineage.data.runs.map((run) => (
              <li key={run.id} className="relative rounded-lg border border-slate-200 bg-white p-3" data-testid="lineage-run" data-run-id={run.id}>
                <span className="absolute top-4 -left-[1.72rem] h-3 w-3 rounded-full bg-brand-600 ring-4 ring-white" aria-hidden="true" />
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <StatusBadge status={run.status} />
                  <Link href={`/runs/${run.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                    {run.flowName}
                  </Link>
                  <span className="text-xs text-slate-400">v{run.version}</span>
                  <span className="ml-auto text-xs text-slate-500">{formatTime(run.createdAt)}</span>
                </div>
                <ul className="mt-1.5 flex flex-wrap gap-1.5 text-xs">
                  {run.triggeredByRecord && <li className="rounded bg-sky-50 px-1.5 py-0.5 text-sky-800">triggered by a change to {run.orderingKey}</li>}
                  {run.touches.map((t, i) => (
                    <li key={i} className={clsx('rounded px-1.5 py-0.5', t.access === 'write' ? 'bg-amber-50 text-amber-900' : 'bg-slate-100 text-slate-700')}>
                      {t.access === 'write' ? 'wrote' : 'read'} {t.objectType} <span className="font-mono">{t.externalId || t.recordKey}</span> at step {t.nodeId}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
          {lineage.data.truncated && <p className="text-xs text-slate-500">Only the first {lineage.data.runs.length} runs are shown.</p>}
        </div>
      )}
    </>
  );
}
