'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { compileExpression, createExpressionScope } from '../../../flows-engine/index';
import { INPUT_CLASS } from './literal-input';

/** JSONata functions offered by autocomplete (the commonly used ones). */
const JSONATA_FUNCTIONS = [
  '$string(', '$number(', '$boolean(', '$lowercase(', '$uppercase(', '$trim(', '$substring(', '$substringBefore(', '$substringAfter(',
  '$contains(', '$split(', '$join(', '$replace(', '$length(', '$pad(', '$match(', '$sum(', '$count(', '$max(', '$min(', '$average(',
  '$round(', '$floor(', '$ceil(', '$abs(', '$exists(', '$keys(', '$lookup(', '$merge(', '$append(', '$distinct(', '$sort(', '$filter(',
  '$map(', '$now()', '$millis()', '$fromMillis(', '$toMillis(', '$formatNumber(', '$type(', '$not(',
  '$item', '$trigger', '$nodes', '$run', '$flow',
];

function tokenAt(text: string, caret: number): { start: number; token: string } {
  const before = text.slice(0, caret);
  const m = /[$A-Za-z_][\w.$]*$/.exec(before);
  return m ? { start: caret - m[0].length, token: m[0] } : { start: caret, token: '' };
}

/**
 * A JSONata editor: autocomplete of item fields, upstream nodes and functions; parse errors with
 * their position; a live preview on the first known input item.
 */
export function ExpressionEditor({
  id,
  label,
  value,
  onChange,
  fields,
  upstream,
  sampleItem,
}: {
  id: string;
  label?: string;
  value: string;
  onChange: (v: string) => void;
  fields: readonly string[];
  upstream: readonly { id: string; label: string }[];
  sampleItem: Record<string, unknown> | undefined;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [preview, setPreview] = useState<{ ok: boolean; text: string } | null>(null);

  const suggestions = useMemo(() => {
    const { token } = tokenAt(value, caret);
    if (!token) return [];
    const pool = token.startsWith('$nodes.')
      ? upstream.map((u) => `$nodes.${u.id}.main`)
      : token.startsWith('$')
        ? JSONATA_FUNCTIONS
        : fields;
    return pool.filter((s) => s.toLowerCase().startsWith(token.toLowerCase()) && s !== token).slice(0, 8);
  }, [value, caret, fields, upstream]);

  const compiled = useMemo(() => (value.trim() ? compileExpression(value) : null), [value]);

  useEffect(() => {
    let cancelled = false;
    if (!compiled || !compiled.ok) {
      setPreview(null);
      return;
    }
    if (!sampleItem) {
      setPreview({ ok: true, text: 'Run a test or pin sample data on the trigger to preview the result.' });
      return;
    }
    const scope = createExpressionScope({
      trigger: sampleItem,
      nodes: {},
      meta: { runId: 'preview', flowId: 'preview', flowName: 'preview', version: 0, now: new Date().toISOString() },
    });
    compiled.value.evaluate(sampleItem, { ...scope, item: sampleItem }).then(
      (v) => !cancelled && setPreview({ ok: true, text: v === undefined ? '(no value)' : JSON.stringify(v, null, 1) }),
      (e: unknown) => !cancelled && setPreview({ ok: false, text: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, [compiled, sampleItem]);

  const accept = (s: string) => {
    const { start } = tokenAt(value, caret);
    const next = value.slice(0, start) + s + value.slice(caret);
    onChange(next);
    setOpen(false);
    const pos = start + s.length;
    requestAnimationFrame(() => ref.current?.setSelectionRange(pos, pos));
    setCaret(pos);
  };

  const showList = open && suggestions.length > 0;
  return (
    <div className="relative">
      <textarea
        ref={ref}
        id={id}
        aria-label={label}
        rows={2}
        spellCheck={false}
        role="combobox"
        aria-expanded={showList}
        aria-controls={`${id}-suggestions`}
        aria-autocomplete="list"
        aria-invalid={compiled && !compiled.ok ? true : undefined}
        placeholder="e.g. $lowercase(email)"
        className={`${INPUT_CLASS} font-mono text-xs`}
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
          setCaret(e.target.selectionStart);
          setOpen(true);
          setActive(0);
        }}
        onClick={(e) => setCaret(e.currentTarget.selectionStart)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (!showList) return;
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, suggestions.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter' || e.key === 'Tab') accept(suggestions[active] as string);
          else if (e.key === 'Escape') setOpen(false);
          else return;
          e.preventDefault();
        }}
      />
      {showList && (
        <ul id={`${id}-suggestions`} role="listbox" className="absolute z-20 mt-1 max-h-48 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 text-xs shadow-lg">
          {suggestions.map((s, i) => (
            <li
              key={s}
              role="option"
              aria-selected={i === active}
              className={`cursor-pointer px-2.5 py-1 font-mono ${i === active ? 'bg-brand-50 text-brand-700' : 'text-slate-700'}`}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(s);
              }}
            >
              {s}
            </li>
          ))}
        </ul>
      )}
      {compiled && !compiled.ok && (
        <p className="mt-1 font-mono text-xs text-red-600" role="alert">
          {compiled.error.message} (at character {compiled.error.position})
        </p>
      )}
      {preview && (
        <div className="mt-1 rounded bg-slate-50 px-2 py-1 text-xs">
          <span className="font-medium text-slate-500">Preview: </span>
          <span className={`font-mono break-all whitespace-pre-wrap ${preview.ok ? 'text-slate-800' : 'text-red-600'}`} data-testid="expression-preview">
            {preview.text}
          </span>
        </div>
      )}
    </div>
  );
}
