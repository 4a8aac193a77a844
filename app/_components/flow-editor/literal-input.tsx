'use client';

import { useEffect, useState } from 'react';
import type { FormField } from './form-model';

export const INPUT_CLASS =
  'block w-full rounded-md border-0 px-2.5 py-1.5 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-brand-600 aria-invalid:ring-red-500';

/** JSON typed as text: kept as text while it does not parse, committed when it does. */
export function JsonInput({ id, value, onChange, rows = 4, invalid }: { id: string; value: unknown; onChange: (v: unknown) => void; rows?: number; invalid?: boolean }) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // Follow outside changes (undo, restore) unless the text already means the same value.
    setText((current) => {
      try {
        if (JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {
        /* the user is mid-edit */
      }
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    });
  }, [value]);
  return (
    <>
      <textarea
        id={id}
        rows={rows}
        spellCheck={false}
        aria-invalid={invalid || error ? true : undefined}
        className={`${INPUT_CLASS} font-mono text-xs`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(e.target.value));
            setError(null);
          } catch (err) {
            setError(err instanceof Error ? err.message : 'Not valid JSON');
          }
        }}
      />
      {error && <p className="mt-1 text-xs text-red-600">Not valid JSON yet: {error}</p>}
    </>
  );
}

/** The literal editor of a simple field (text, number, select, toggle, list, JSON). */
export function LiteralInput({ id, field, value, onChange, invalid }: { id: string; field: FormField; value: unknown; onChange: (v: unknown) => void; invalid?: boolean }) {
  const common = { id, 'aria-invalid': invalid ? true : undefined } as const;
  switch (field.widget) {
    case 'toggle':
      return (
        <input
          {...common}
          type="checkbox"
          className="h-4 w-4 rounded border-slate-300 text-brand-600 focus:ring-brand-600"
          checked={value === undefined ? field.defaultValue === true : value === true}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
    case 'select':
      return (
        <select {...common} className={INPUT_CLASS} value={String(value ?? field.defaultValue ?? '')} onChange={(e) => onChange(e.target.value)}>
          {!field.required || value === undefined ? <option value="">Choose…</option> : null}
          {(field.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'number':
      return (
        <input
          {...common}
          type="number"
          className={INPUT_CLASS}
          value={typeof value === 'number' ? value : ''}
          placeholder={field.defaultValue === undefined ? '' : String(field.defaultValue)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
    case 'textarea':
      return <textarea {...common} rows={3} className={INPUT_CLASS} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
    case 'list':
      return (
        <>
          <textarea
            {...common}
            rows={3}
            className={INPUT_CLASS}
            value={Array.isArray(value) ? value.join('\n') : ''}
            onChange={(e) => onChange(e.target.value.split('\n').map((s) => s.trim()).filter(Boolean))}
          />
          <p className="mt-1 text-xs text-slate-500">One per line.</p>
        </>
      );
    case 'json':
    case 'key-value':
      return <JsonInput id={id} value={value ?? field.defaultValue} onChange={onChange} invalid={invalid} />;
    default:
      return (
        <input
          {...common}
          type="text"
          className={INPUT_CLASS}
          value={typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)}
          placeholder={field.widget === 'cron' ? 'e.g. */15 * * * *' : field.defaultValue === undefined ? '' : String(field.defaultValue)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        />
      );
  }
}
