'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '../../_components/button';
import { useConfirmDialog } from '../../_components/confirm-dialog';
import { useTRPC } from '../../_lib/trpc/react';

const input = 'rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300';
const PAGE = 50;

export function MappingsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<{ objectType?: string; connectionId?: string }>({});
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [recordKey, setRecordKey] = useState<string | null>(null);
  const [edit, setEdit] = useState<{ id: string; externalId: string; recordKey: string } | null>(null);
  const counts = useQuery(trpc.mappings.counts.queryOptions());
  const rows = useQuery(trpc.mappings.browse.queryOptions({ ...filter, search: search || undefined, limit: PAGE, offset }));
  const record = useQuery(trpc.mappings.record.queryOptions({ recordKey: recordKey ?? '-' }, { enabled: recordKey !== null }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.mappings.pathKey() });
  const update = useMutation(trpc.mappings.update.mutationOptions({ onSuccess: () => { toast.success('Mapping saved'); setEdit(null); void refresh(); }, onError: (e) => toast.error(e.message) }));
  const remove = useMutation(trpc.mappings.delete.mutationOptions({ onSuccess: () => { toast.success('Mapping deleted'); void refresh(); }, onError: (e) => toast.error(e.message) }));
  const confirm = useConfirmDialog();
  const importCsv = useMutation(trpc.mappings.importCsv.mutationOptions({ onSuccess: (r) => { toast.success(`Imported ${r.imported} mapping(s)`); void refresh(); }, onError: (e) => toast.error(e.message) }));

  const download = async () => {
    const csv = await queryClient.fetchQuery(trpc.mappings.exportCsv.queryOptions(filter));
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `mappings${filter.objectType ? `-${filter.objectType}` : ''}.csv` });
    a.click();
    URL.revokeObjectURL(url);
  };
  const objectTypes = [...new Set(counts.data?.map((c) => c.objectType) ?? [])];
  const systems = [...new Map((counts.data ?? []).map((c) => [c.connectionId, c.connectionName ?? c.connectionId])).entries()];

  return (
    <div className="space-y-6">
      <section className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <h2 className="mb-2 text-sm font-semibold text-slate-900">Counts per object type</h2>
        {counts.data?.length === 0 && <p className="text-sm text-slate-500">No mappings yet: the Lookup, Save external ID and Upsert steps save them when flows run.</p>}
        <ul className="flex flex-wrap gap-2 text-sm">
          {counts.data?.map((c) => (
            <li key={`${c.objectType}/${c.connectionId}`} className="rounded-md bg-slate-100 px-3 py-1">
              <button type="button" onClick={() => { setFilter({ objectType: c.objectType, connectionId: c.connectionId }); setOffset(0); }}>
                <strong>{c.objectType}</strong> · {c.connectionName ?? c.connectionId}: {c.total.toLocaleString()}{c.deleted ? ` (${c.deleted} deleted)` : ''}
              </button>
            </li>
          ))}
        </ul>
      </section>

      <div className="flex flex-wrap items-center gap-2">
        <select aria-label="Object type" className={input} value={filter.objectType ?? ''} onChange={(e) => { setFilter({ ...filter, objectType: e.target.value || undefined }); setOffset(0); }}>
          <option value="">All object types</option>
          {objectTypes.map((t) => <option key={t}>{t}</option>)}
        </select>
        <select aria-label="Connection" className={input} value={filter.connectionId ?? ''} onChange={(e) => { setFilter({ ...filter, connectionId: e.target.value || undefined }); setOffset(0); }}>
          <option value="">All connections</option>
          {systems.map(([id, name]) => <option key={id} value={id}>{name}</option>)}
        </select>
        <input aria-label="Search by external id or record key" placeholder="External id or record key" className={input} value={search} onChange={(e) => { setSearch(e.target.value.trim()); setOffset(0); }} />
        <span className="grow" />
        <Button variant="secondary" onClick={() => void download()}>Export CSV</Button>
        <label className="inline-flex cursor-pointer items-center rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50">
          Import CSV
          <input type="file" accept=".csv,text/csv" className="sr-only" onChange={(e) => { const f = e.target.files?.[0]; if (f) void f.text().then((csv) => importCsv.mutate({ csv })); e.target.value = ''; }} />
        </label>
      </div>

      {recordKey !== null && (
        <section className="rounded-xl bg-brand-50 p-4 ring-1 ring-brand-100" aria-label="Record in every system">
          <div className="mb-2 flex justify-between"><h2 className="text-sm font-semibold">Record <code>{recordKey}</code> in every system</h2><Button variant="ghost" onClick={() => setRecordKey(null)}>Close</Button></div>
          <div className="flex flex-wrap gap-3">
            {record.data?.map((r) => (
              <div key={r.id} className="rounded-md bg-white px-3 py-2 text-sm ring-1 ring-slate-200">
                <div className="text-xs text-slate-500">{r.objectType} · {r.connectionName ?? r.connectionId}</div>
                <div className="font-mono">{r.externalId}</div>
                {r.deletedAt && <div className="text-xs text-red-700">deleted {r.deletedAt.toLocaleDateString()}</div>}
              </div>
            ))}
          </div>
        </section>
      )}

      <table className="w-full rounded-xl bg-white text-left text-sm shadow-sm ring-1 ring-slate-200">
        <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
          <tr><th className="px-4 py-2">Object</th><th className="px-4 py-2">Connection</th><th className="px-4 py-2">External id</th><th className="px-4 py-2">Record key</th><th className="px-4 py-2">Last seen</th><th className="px-4 py-2" aria-label="Actions" /></tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.data?.rows.map((r) =>
            edit?.id === r.id ? (
              <tr key={r.id}>
                <td className="px-4 py-2">{r.objectType}</td>
                <td className="px-4 py-2">{r.connectionName ?? r.connectionId}</td>
                <td className="px-4 py-2"><input aria-label="External id" className={input} value={edit.externalId} onChange={(e) => setEdit({ ...edit, externalId: e.target.value })} /></td>
                <td className="px-4 py-2"><input aria-label="Record key" className={input} value={edit.recordKey} onChange={(e) => setEdit({ ...edit, recordKey: e.target.value })} /></td>
                <td />
                <td className="space-x-1 px-4 py-2 text-right"><Button onClick={() => update.mutate(edit)}>Save</Button><Button variant="ghost" onClick={() => setEdit(null)}>Cancel</Button></td>
              </tr>
            ) : (
              <tr key={r.id} className={r.deletedAt ? 'text-slate-400' : undefined}>
                <td className="px-4 py-2">{r.objectType}</td>
                <td className="px-4 py-2">{r.connectionName ?? r.connectionId}</td>
                <td className="px-4 py-2 font-mono">{r.externalId}</td>
                <td className="px-4 py-2 font-mono"><button type="button" className="underline decoration-dotted" onClick={() => setRecordKey(r.recordKey)}>{r.recordKey}</button></td>
                <td className="px-4 py-2">{r.lastSeenAt.toLocaleString()}{r.deletedAt ? ' · deleted' : ''}</td>
                <td className="space-x-1 px-4 py-2 text-right whitespace-nowrap">
                  <Button variant="ghost" onClick={() => setEdit({ id: r.id, externalId: r.externalId, recordKey: r.recordKey })}>Edit</Button>
                  <Button
                    variant="ghost"
                    onClick={() =>
                      confirm.ask({
                        title: 'Delete this mapping?',
                        message: `Syncline forgets that ${r.objectType} ${r.externalId} in ${r.connectionName ?? 'this connection'} is record ${r.recordKey}. The record itself stays in that system, but the next sync may not find it and create it again.`,
                        confirmLabel: 'Delete mapping',
                        onConfirm: () => remove.mutate({ id: r.id }),
                      })
                    }
                  >
                    Delete
                  </Button>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</Button>
        <Button variant="secondary" disabled={!rows.data?.hasMore} onClick={() => setOffset(offset + PAGE)}>Next</Button>
      </div>
      {confirm.dialog}
    </div>
  );
}
