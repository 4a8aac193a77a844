'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { useState } from 'react';
import { toast } from 'sonner';
import { useTRPC } from '../../_lib/trpc/react';
import { Button } from '../button';
import { Dialog } from './dialog';
import { INPUT_CLASS } from './literal-input';
import { useEditor, type EditorDoc } from './store';

type Ref = 'draft' | number;

// React Flow canvases for the comparison, loaded when a comparison is first shown.
const VersionDiffGraph = dynamic(() => import('./version-diff-graph').then((m) => m.VersionDiffGraph), { loading: () => <p className="text-sm text-slate-500">Drawing both versions…</p> });

function short(v: unknown): string {
  if (v === undefined) return '—';
  const s = JSON.stringify(v && typeof v === 'object' && 'kind' in v ? ((v as { value?: unknown; source?: unknown }).value ?? (v as { source?: unknown }).source) : v);
  return s && s.length > 160 ? `${s.slice(0, 160)}…` : (s ?? '—');
}

function DiffView({ flowId, from, to }: { flowId: string; from: Ref; to: Ref }) {
  const trpc = useTRPC();
  // Never from the cache: the draft may have changed since the last comparison.
  const diff = useQuery({ ...trpc.flows.diff.queryOptions({ flowId, from, to }), staleTime: 0, gcTime: 0 });
  if (diff.isLoading || diff.isFetching) return <p className="text-sm text-slate-500">Comparing…</p>;
  if (!diff.data) return null;
  if (diff.data.unchanged) return <p className="text-sm text-slate-600">No differences.</p>;
  const tone = { added: 'text-emerald-700', removed: 'text-red-700', changed: 'text-amber-700' } as const;
  return (
    <div className="space-y-3 text-sm" data-testid="version-diff">
      <VersionDiffGraph flowId={flowId} from={from} to={to} changes={diff.data.nodes} />
      {diff.data.nodes.map((n) => (
        <div key={n.nodeId} className="rounded-md border border-slate-200 p-2">
          <p>
            <span className={`font-medium ${tone[n.kind]}`}>{n.kind === 'added' ? 'Added' : n.kind === 'removed' ? 'Removed' : 'Changed'}</span> “{n.label}”
          </p>
          {n.fields.length > 0 && (
            <table className="mt-1 w-full table-fixed text-xs">
              <thead className="text-left text-slate-500">
                <tr>
                  <th className="w-1/5 font-medium">Field</th>
                  <th className="font-medium">{from === 'draft' ? 'Draft' : `Version ${from}`}</th>
                  <th className="font-medium">{to === 'draft' ? 'Draft' : `Version ${to}`}</th>
                </tr>
              </thead>
              <tbody>
                {n.fields.map((f) => (
                  <tr key={f.field} className="align-top">
                    <td className="pr-2 font-mono">{f.field.replace(/^config\./, '')}</td>
                    <td className="bg-red-50 px-1 font-mono break-all text-red-800">{short(f.before)}</td>
                    <td className="bg-emerald-50 px-1 font-mono break-all text-emerald-800">{short(f.after)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
      {diff.data.edges.map((e) => (
        <p key={`${e.kind}-${e.edgeId}`} className="text-xs">
          <span className={e.kind === 'added' ? 'text-emerald-700' : 'text-red-700'}>{e.kind === 'added' ? 'New connection' : 'Removed connection'}</span>: {e.description}
        </p>
      ))}
    </div>
  );
}

/** Version history (who / when / note), a comparison of any two, and restore as draft. */
export function VersionsDialog({
  flowId,
  open,
  readOnly,
  onClose,
  revision,
  onRestored,
}: {
  flowId: string;
  open: boolean;
  /** Viewers compare versions but cannot restore one. */
  readOnly: boolean;
  onClose: () => void;
  revision: () => number;
  onRestored: (r: number) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const versions = useQuery({ ...trpc.flows.versions.queryOptions({ flowId }), enabled: open });
  const [compare, setCompare] = useState<{ from: Ref; to: Ref } | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const restore = useMutation(trpc.flows.restoreVersion.mutationOptions());
  const list = versions.data ?? [];
  const parse = (v: string): Ref => (v === 'draft' ? 'draft' : Number(v));

  const doRestore = async (version: number) => {
    setConfirming(null);
    const samples = useEditor.getState().doc.samples;
    // A refusal (someone saved meanwhile, no right to) is shown as a toast by the query client.
    const result = await restore.mutateAsync({ flowId, version, baseRevision: revision() }).catch(() => null);
    if (!result) return;
    onRestored(result.revision);
    useEditor.getState().load({ ...(result.draft as EditorDoc), ...(samples ? { samples } : {}) });
    toast.success(`Version ${version} is the draft again`);
    await queryClient.invalidateQueries({ queryKey: trpc.flows.pathKey() });
    onClose();
  };

  return (
    <Dialog title="Version history" open={open} onClose={onClose} wide>
      {list.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing published yet. Each publish adds a version here, with who published it and their note.</p>
      ) : (
        <div className="space-y-4">
          <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
            {list.map((v) => (
              <li key={v.id} className="flex items-center gap-3 px-3 py-2 text-sm">
                <span className="w-10 font-semibold text-slate-900">v{v.version}</span>
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-slate-800">{v.note || <span className="text-slate-400">No note</span>}</span>
                  <span className="text-xs text-slate-500">
                    {v.publishedByName ?? 'Someone'} · {new Date(v.publishedAt).toLocaleString()}
                    {v.isActive && <span className="ml-2 rounded bg-emerald-100 px-1.5 text-emerald-800">live</span>}
                  </span>
                </span>
                <Button variant="ghost" onClick={() => setCompare({ from: v.version, to: 'draft' })}>
                  Compare with draft
                </Button>
                {!readOnly && (
                  <Button variant="secondary" onClick={() => setConfirming(v.version)} disabled={restore.isPending}>
                    Restore as draft
                  </Button>
                )}
              </li>
            ))}
          </ul>
          {confirming !== null && (
            <div role="alertdialog" aria-label={`Restore version ${confirming}`} className="flex flex-wrap items-center gap-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              <p className="min-w-0 flex-1">
                Replace the draft with version {confirming}? Unpublished changes in the draft are lost (published versions stay here).
              </p>
              <Button variant="secondary" onClick={() => setConfirming(null)}>
                Keep the draft
              </Button>
              <Button onClick={() => void doRestore(confirming)}>Replace the draft</Button>
            </div>
          )}
          <div className="flex flex-wrap items-end gap-2">
            {(['from', 'to'] as const).map((side) => (
              <label key={side} className="text-xs text-slate-600">
                {side === 'from' ? 'Compare' : 'with'}
                <select
                  className={`${INPUT_CLASS} mt-1 w-40`}
                  value={String(compare?.[side] ?? (side === 'from' ? (list[0]?.version ?? 'draft') : 'draft'))}
                  onChange={(e) => setCompare({ from: compare?.from ?? list[0]?.version ?? 'draft', to: compare?.to ?? 'draft', [side]: parse(e.target.value) })}
                >
                  <option value="draft">Draft</option>
                  {list.map((v) => (
                    <option key={v.id} value={v.version}>
                      Version {v.version}
                    </option>
                  ))}
                </select>
              </label>
            ))}
            {!compare && (
              <Button variant="secondary" onClick={() => setCompare({ from: list[0]?.version ?? 'draft', to: 'draft' })}>
                Compare
              </Button>
            )}
          </div>
          {compare && <DiffView flowId={flowId} from={compare.from} to={compare.to} />}
        </div>
      )}
    </Dialog>
  );
}
