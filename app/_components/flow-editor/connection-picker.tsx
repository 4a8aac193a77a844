'use client';

import { useQuery } from '@tanstack/react-query';
import { ExternalLink } from 'lucide-react';
import { useId } from 'react';
import { useTRPC } from '../../_lib/trpc/react';
import { INPUT_CLASS } from './literal-input';

/** Picks one of the workspace's connections, filtered by the kinds the field accepts. */
export function ConnectionPicker({
  id,
  label,
  value,
  kinds,
  onChange,
}: {
  id?: string;
  label?: string;
  value: string | undefined;
  kinds: readonly string[] | undefined;
  onChange: (v: string | undefined) => void;
}) {
  const trpc = useTRPC();
  const ownId = useId();
  const list = useQuery(trpc.connections.list.queryOptions(undefined, { staleTime: 30_000 }));
  const all = list.data?.connections ?? [];
  const options = all.filter((c) => !kinds || !('kind' in c) || kinds.includes(String(c.kind)));
  const unknown = value && !all.some((c) => c.id === value);
  const isAdmin = list.data?.role === 'admin';
  return (
    <div className="space-y-1">
      <select
        id={id ?? ownId}
        aria-label={label}
        className={INPUT_CLASS}
        value={value ?? ''}
        disabled={list.isLoading}
        aria-invalid={unknown ? true : undefined}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        <option value="">{list.isLoading ? 'Loading connections…' : options.length ? 'Choose a connection…' : 'No matching connection yet'}</option>
        {options.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {'kind' in c ? ` (${String(c.kind)})` : ''}
          </option>
        ))}
        {unknown && <option value={value}>Unknown connection ({value.slice(0, 8)}…)</option>}
      </select>
      <p className="flex items-center gap-2 text-xs text-slate-500">
        {kinds && kinds.length > 0 && <span>Accepts: {kinds.join(', ')}.</span>}
        {isAdmin && (
          <a href="/connections" target="_blank" rel="noreferrer" className="inline-flex items-center gap-0.5 font-medium text-brand-700 hover:underline">
            New connection <ExternalLink size={11} aria-hidden="true" />
          </a>
        )}
      </p>
    </div>
  );
}
