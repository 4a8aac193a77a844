'use client';

import { Plus, Trash2 } from 'lucide-react';
import { INPUT_CLASS } from './literal-input';

/**
 * Name / value rows for a string map (an HTTP request's headers), stored as the object the node
 * reads. Rows with an empty name are kept while typing only as long as they are being edited.
 */
export function KeyValueEditor({ id, value, onChange }: { id: string; value: unknown; onChange: (v: Record<string, string>) => void }) {
  const entries = Object.entries(value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as const);
  const save = (rows: (readonly [string, string])[]) => onChange(Object.fromEntries(rows));
  return (
    <div className="space-y-1.5" id={id}>
      {entries.map(([name, text], i) => (
        <div key={i} className="grid grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] gap-1.5">
          <input aria-label={`Header ${i + 1} name`} className={INPUT_CLASS} value={name} placeholder="name" onChange={(e) => save(entries.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))} />
          <input aria-label={`Header ${i + 1} value`} className={INPUT_CLASS} value={text} placeholder="value" onChange={(e) => save(entries.map((r, j) => (j === i ? [r[0], e.target.value] : r)))} />
          <button type="button" aria-label={`Remove header ${i + 1}`} className="rounded p-1 text-slate-400 hover:text-red-600" onClick={() => save(entries.filter((_, j) => j !== i))}>
            <Trash2 size={14} />
          </button>
        </div>
      ))}
      <button
        type="button"
        disabled={entries.some(([name]) => name === '')}
        onClick={() => save([...entries, ['', '']])}
        className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-brand-700 ring-1 ring-brand-600/30 hover:bg-brand-50 disabled:opacity-50"
      >
        <Plus size={13} /> Add header
      </button>
    </div>
  );
}
