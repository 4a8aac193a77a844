'use client';

import { GripVertical, Plus, Trash2 } from 'lucide-react';
import { useId } from 'react';
import { ExpressionEditor } from './expression-editor';
import type { MappingVariant } from './form-model';
import { INPUT_CLASS } from './literal-input';

type SourceKind = 'path' | 'literal' | 'expr';
type Row = { target: string; source?: { kind: SourceKind; path?: string; value?: unknown; source?: string }; sourcePath?: string };

const DRAG_TYPE = 'application/x-syncline-field';

function rowSource(row: Row, variant: MappingVariant): { kind: SourceKind; text: string } {
  if (variant === 'source-path') return { kind: 'path', text: row.sourcePath ?? '' };
  const s = row.source ?? { kind: 'path', path: '' };
  if (s.kind === 'literal') return { kind: 'literal', text: s.value === undefined ? '' : typeof s.value === 'string' ? s.value : JSON.stringify(s.value) };
  if (s.kind === 'expr') return { kind: 'expr', text: s.source ?? '' };
  return { kind: 'path', text: s.path ?? '' };
}

function withSource(row: Row, variant: MappingVariant, kind: SourceKind, text: string): Row {
  if (variant === 'source-path') return { target: row.target, sourcePath: text };
  const source = kind === 'literal' ? { kind, value: text } : kind === 'expr' ? { kind, source: text } : { kind, path: text };
  return { target: row.target, source };
}

/**
 * The field-mapping table of Transform (target from a field, a value or an expression) and Upsert
 * (which fields to write, from which source field). Source fields can be dragged onto a row.
 */
export function MappingTable({
  value,
  onChange,
  variant,
  fields,
  expression,
}: {
  value: unknown;
  onChange: (rows: Row[]) => void;
  variant: MappingVariant;
  fields: readonly string[];
  expression: { upstream: readonly { id: string; label: string }[]; sampleItem: Record<string, unknown> | undefined };
}) {
  const id = useId();
  const rows: Row[] = Array.isArray(value) ? (value as Row[]) : [];
  const set = (i: number, row: Row) => onChange(rows.map((r, j) => (j === i ? row : r)));
  const mappedSources = new Set(rows.map((r) => rowSource(r, variant)).filter((s) => s.kind === 'path').map((s) => s.text));
  const addField = (f: string) => onChange([...rows, withSource({ target: f }, variant, 'path', f)]);
  return (
    <div className="space-y-2">
      {fields.length > 0 && (
        <div>
          <p className="mb-1 text-xs text-slate-500">{variant === 'source-path' ? 'Tick the fields to write, or drag one onto a row:' : 'Input fields (drag onto a row, or click to map):'}</p>
          <div className="flex flex-wrap gap-1">
            {fields.map((f) => (
              <label
                key={f}
                draggable
                onDragStart={(e) => e.dataTransfer.setData(DRAG_TYPE, f)}
                className="inline-flex cursor-grab items-center gap-1 rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700 hover:bg-slate-200"
              >
                {variant === 'source-path' ? (
                  <input
                    type="checkbox"
                    aria-label={`Write ${f}`}
                    checked={mappedSources.has(f)}
                    onChange={(e) => (e.target.checked ? addField(f) : onChange(rows.filter((r) => rowSource(r, variant).text !== f)))}
                  />
                ) : (
                  <button type="button" className="contents" onClick={() => addField(f)} aria-label={`Map ${f}`}>
                    <GripVertical size={10} aria-hidden="true" />
                  </button>
                )}
                {f}
              </label>
            ))}
          </div>
        </div>
      )}
      <ol className="space-y-2">
        {rows.map((row, i) => {
          const src = rowSource(row, variant);
          return (
            <li
              key={i}
              data-testid="mapping-row"
              className="space-y-1.5 rounded-md border border-slate-200 bg-slate-50 p-2"
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                const f = e.dataTransfer.getData(DRAG_TYPE);
                if (f) set(i, withSource(row, variant, 'path', f));
              }}
            >
              <div className="flex items-center gap-1.5">
                <div className="min-w-0 flex-1">
                  <input aria-label={`Mapping ${i + 1} target`} className={INPUT_CLASS} value={row.target} placeholder="target field" onChange={(e) => set(i, { ...row, target: e.target.value })} />
                </div>
                {variant === 'source-path' && (
                  <>
                    <span className="text-xs text-slate-400" aria-hidden="true">
                      ←
                    </span>
                    <div className="min-w-0 flex-1">
                      <input aria-label={`Mapping ${i + 1} source field`} list={`${id}-fields`} className={INPUT_CLASS} value={src.text} placeholder="source field" onChange={(e) => set(i, withSource(row, variant, 'path', e.target.value))} />
                    </div>
                  </>
                )}
                <button type="button" aria-label={`Remove mapping ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))} className="shrink-0 rounded p-1 text-slate-400 hover:text-red-600">
                  <Trash2 size={14} />
                </button>
              </div>
              {variant === 'source' && (
                // Its own line: the kind select gets room for "Fixed value" / "Expression" at the panel's width.
                <div className="flex items-center gap-1.5">
                  <span className="text-xs text-slate-400" aria-hidden="true">
                    ←
                  </span>
                  <select
                    aria-label={`Mapping ${i + 1} source kind`}
                    className={`${INPUT_CLASS} ${src.kind === 'expr' ? 'flex-1' : 'w-32 shrink-0'}`}
                    value={src.kind}
                    onChange={(e) => set(i, withSource(row, variant, e.target.value as SourceKind, src.text))}
                  >
                    <option value="path">Field</option>
                    <option value="literal">Fixed value</option>
                    <option value="expr">Expression</option>
                  </select>
                  {src.kind !== 'expr' && (
                    <div className="min-w-0 flex-1">
                      <input
                        aria-label={`Mapping ${i + 1} ${src.kind === 'literal' ? 'value' : 'source field'}`}
                        list={src.kind === 'path' ? `${id}-fields` : undefined}
                        className={INPUT_CLASS}
                        value={src.text}
                        placeholder={src.kind === 'literal' ? 'value' : 'source field'}
                        onChange={(e) => set(i, withSource(row, variant, src.kind, e.target.value))}
                      />
                    </div>
                  )}
                </div>
              )}
              {variant === 'source' && src.kind === 'expr' && (
                <ExpressionEditor id={`${id}-expr-${i}`} label={`Mapping ${i + 1} expression`} value={src.text} onChange={(v) => set(i, withSource(row, variant, 'expr', v))} fields={fields} {...expression} />
              )}
            </li>
          );
        })}
      </ol>
      <datalist id={`${id}-fields`}>
        {fields.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <button type="button" onClick={() => onChange([...rows, withSource({ target: '' }, variant, 'path', '')])} className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-brand-700 ring-1 ring-brand-600/30 hover:bg-brand-50">
        <Plus size={13} /> Add mapping
      </button>
    </div>
  );
}
