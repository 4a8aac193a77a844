'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import clsx from 'clsx';
import { FileUp, GraduationCap, Plus, Search, Workflow } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState } from 'react';
import { toast } from 'sonner';
import { useTRPC } from '../../_lib/trpc/react';
import { Button } from '../../_components/button';
import { EmptyState } from '../../_components/empty-state';
import { PageHeader } from '../../_components/page-header';
import type { FlowListRow } from '../../_server/flows/flow-queries';
import { FlowRowActions } from './flow-row-actions';
import { NewFlowDialog } from './new-flow-dialog';

const STATUS_TONE = { active: 'bg-emerald-100 text-emerald-800', paused: 'bg-amber-100 text-amber-800', draft: 'bg-slate-100 text-slate-600' } as const;
const RUN_TONE: Record<string, string> = { succeeded: 'text-emerald-700', failed: 'text-red-700', running: 'text-sky-700', queued: 'text-slate-600' };

function ago(date: Date | string): string {
  const s = Math.round((Date.now() - new Date(date).getTime()) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(date).toLocaleDateString();
}

export function FlowsList({ initial, role }: { initial: FlowListRow[]; role: 'viewer' | 'analyst' | 'admin' }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const flows = useQuery({ ...trpc.flows.list.queryOptions(), initialData: initial });
  const canEdit = role !== 'viewer';
  const [query, setQuery] = useState('');
  const [naming, setNaming] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const create = useMutation(trpc.flows.create.mutationOptions({ onSuccess: ({ id }) => router.push(`/flows/${id}`) }));
  const importFlow = useMutation(
    trpc.flows.import.mutationOptions({
      onSuccess: async ({ id, issues }) => {
        toast.success(issues.length ? `Imported; ${issues.length} thing${issues.length === 1 ? '' : 's'} to check (e.g. ${issues[0]?.message})` : 'Imported');
        await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
        router.push(`/flows/${id}`);
      },
    }),
  );

  const rows = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (flows.data ?? []).filter((f) => !q || `${f.name} ${f.triggerKind ?? ''} ${f.status}`.toLowerCase().includes(q));
  }, [flows.data, query]);

  const newFlow = () => setNaming(true);

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    try {
      importFlow.mutate({ document: JSON.parse(await f.text()) });
    } catch {
      toast.error('That file is not JSON. Choose a file exported from Syncline.');
    } finally {
      if (file.current) file.current.value = '';
    }
  };

  const learn = (
    <Link href="/learn" className="inline-flex items-center gap-1.5 self-center px-2 text-sm font-medium text-slate-600 hover:text-slate-900 hover:underline">
      <GraduationCap size={16} aria-hidden="true" /> How syncing works
    </Link>
  );
  const actions = canEdit ? (
    <>
      {learn}
      <input ref={file} type="file" accept="application/json,.json" className="hidden" aria-label="Import a flow file" onChange={(e) => void onFile(e.target.files?.[0])} />
      <Button variant="secondary" onClick={() => file.current?.click()} disabled={importFlow.isPending}>
        <FileUp size={16} aria-hidden="true" /> Import
      </Button>
      <Button onClick={newFlow} disabled={create.isPending}>
        <Plus size={16} aria-hidden="true" /> New flow
      </Button>
    </>
  ) : (
    learn
  );

  return (
    <>
      {naming && <NewFlowDialog open pending={create.isPending} onCreate={(name) => create.mutate({ name })} onClose={() => setNaming(false)} />}
      <PageHeader
        title="Flows"
        description="A flow keeps two systems in sync: a trigger picks up a change, then filters, transforms and sync steps write it to the other side."
        actions={actions}
      />
      {flows.isLoading ? (
        <p className="text-sm text-slate-500">Loading flows…</p>
      ) : (flows.data ?? []).length === 0 ? (
        <EmptyState icon={Workflow} title="No flows yet" action={canEdit ? <Button onClick={newFlow}>Create your first flow</Button> : undefined}>
          Flows you build or import will be listed here with their status and last run.
        </EmptyState>
      ) : (
        <div className="space-y-3">
          <label className="relative block max-w-sm">
            <span className="sr-only">Search flows</span>
            <Search size={15} aria-hidden="true" className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-slate-400" />
            <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search flows" className="w-full rounded-md border-0 py-2 pr-3 pl-8 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-600" />
          </label>
          <div className="overflow-visible rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-sm">
              <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs text-slate-500">
                <tr>
                  <th className="px-4 py-2 font-medium">Name</th>
                  <th className="px-4 py-2 font-medium">Status</th>
                  <th className="px-4 py-2 font-medium">Trigger</th>
                  <th className="px-4 py-2 font-medium">Last run</th>
                  <th className="px-4 py-2 font-medium">Success (recent)</th>
                  <th className="px-4 py-2 font-medium">Changed</th>
                  <th className="w-10" />
                </tr>
              </thead>
              <tbody>
                {rows.map((f) => (
                  <tr key={f.id} className="border-b border-slate-100 last:border-0 hover:bg-slate-50/60">
                    <td className="px-4 py-2.5">
                      <Link href={`/flows/${f.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                        {f.name}
                      </Link>
                      <span className="block text-xs text-slate-500">{f.nodeCount} steps</span>
                    </td>
                    <td className="px-4 py-2.5">
                      <span className={clsx('rounded-full px-2 py-0.5 text-xs font-medium', STATUS_TONE[f.status])}>{f.status === 'active' ? 'Active' : f.status === 'paused' ? 'Paused' : 'Draft'}</span>
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">{f.triggerKind ?? <span className="text-slate-400">None yet</span>}</td>
                    <td className="px-4 py-2.5">
                      {f.lastRun ? (
                        <Link href={`/runs?flow=${f.id}`} title="See this flow’s runs" className={clsx('hover:underline', RUN_TONE[f.lastRun.status] ?? 'text-slate-600')}>
                          {f.lastRun.status} <span className="text-xs text-slate-500">· {ago(f.lastRun.at)}</span>
                        </Link>
                      ) : (
                        <span className="text-slate-400">Never</span>
                      )}
                    </td>
                    <td className="px-4 py-2.5 text-slate-600">{f.successRate === null ? <span className="text-slate-400">—</span> : `${Math.round(f.successRate * 100)}% of ${f.recentRuns}`}</td>
                    <td className="px-4 py-2.5 text-slate-600">
                      {ago(f.updatedAt)}
                      <span className="block text-xs text-slate-500">by {f.updatedByName ?? 'someone'}</span>
                    </td>
                    <td className="px-2 py-2.5">
                      <FlowRowActions flow={f} canEdit={canEdit} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length === 0 && <p className="px-4 py-6 text-center text-sm text-slate-500">No flow matches “{query}”.</p>}
          </div>
        </div>
      )}
    </>
  );
}
