'use client';

import { X } from 'lucide-react';
import { useState } from 'react';
import type { FieldOption, PickerWarning } from './form-model';
import { PickerInput } from './picker-input';

/** A list of field names (Fields both systems edit, Fields to erase): chips, and a picker to add one. */
export function FieldListPicker({ id, value, onChange, options, warning }: { id: string; value: unknown; onChange: (v: string[]) => void; options: readonly FieldOption[]; warning?: PickerWarning }) {
  const names = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const [draft, setDraft] = useState('');
  const add = (name: string) => {
    const trimmed = name.trim();
    if (trimmed && !names.includes(trimmed)) onChange([...names, trimmed]);
    setDraft('');
  };
  return (
    <div className="space-y-1.5">
      {names.length > 0 && (
        <ul className="flex flex-wrap gap-1" aria-label="Chosen fields">
          {names.map((n) => (
            <li key={n} className="inline-flex items-center gap-1 rounded bg-slate-100 py-0.5 pr-0.5 pl-1.5 font-mono text-[11px] text-slate-700">
              {n}
              {warning && options.length > 0 && !options.some((o) => o.name === n) && <span className="text-amber-700" title={warning(n) ?? ''}>?</span>}
              <button type="button" aria-label={`Remove ${n}`} className="rounded p-0.5 text-slate-400 hover:text-red-600" onClick={() => onChange(names.filter((m) => m !== n))}>
                <X size={11} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div
        onKeyDown={(e) => {
          if (e.key === 'Enter' && draft && !e.defaultPrevented) {
            e.preventDefault();
            add(draft);
          }
        }}
      >
        <PickerInput
          id={id}
          value={draft}
          onChange={setDraft}
          onPick={add}
          options={options.filter((o) => !names.includes(o.name))}
          placeholder="Pick a field, or type one and press Enter"
        />
      </div>
    </div>
  );
}
