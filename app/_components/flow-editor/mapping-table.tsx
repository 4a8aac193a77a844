'use client';

import { GripVertical, Plus, Trash2 } from 'lucide-react';
import { useId } from 'react';
import { ExpressionEditor } from './expression-editor';
import type { FieldContext, MappingVariant } from './form-model';
import { INPUT_CLASS } from './literal-input';
import { PickerInput } from './picker-input';

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
 * (which fields to write, from which source field). Targets are picked from the written object's
 * fields, sources from the input's; source fields can also be dragged onto a row.
 */
export function MappingTable({ value, onChange, variant, ctx }: { value: unknown; onChange: (rows: Row[]) => void; variant: MappingVariant; ctx: FieldContext }) {
  const id = useId();
  const fields = ctx.fields;
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
                  <PickerInput label={`Mapping ${i + 1} target`} value={row.target} placeholder="target field" options={ctx.targetFields} warning={ctx.targetWarning} onChange={(v) => set(i, { ...row, target: v })} />
                </div>
                {variant === 'source-path' && (
                  <>
                    <span className="text-xs text-slate-400" aria-hidden="true">
                      ←
                    </span>
                    <div className="min-w-0 flex-1">
                      <PickerInput label={`Mapping ${i + 1} source field`} value={src.text} placeholder="source field" options={ctx.inputFields} warning={ctx.inputWarning} onChange={(v) => set(i, withSource(row, variant, 'path', v))} />
                    </div>
                  </>
                )}
                <button type="button" aria-label={`Remove mapping ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))} className="shrink-0 rounded p-1 text-slate-400 hover:text-red-600">
                  <Trash2 size={14} />
                </button>
              </div>
              {variant === 'source' && (
                // Its own line, as a grid: the kind select keeps its width and the source box gets the
                // rest of the panel's width, never pushed past its edge.
                <div className={`grid items-center gap-1.5 ${src.kind === 'expr' ? 'grid-cols-[auto_minmax(0,1fr)]' : 'grid-cols-[auto_auto_minmax(0,1fr)]'}`}>
                  <span className="text-xs text-slate-400" aria-hidden="true">
                    ←
                  </span>
                  <select
                    aria-label={`Mapping ${i + 1} source kind`}
                    className={`${INPUT_CLASS} ${src.kind === 'expr' ? 'w-full' : 'w-32 shrink-0'}`}
                    value={src.kind}
                    onChange={(e) => set(i, withSource(row, variant, e.target.value as SourceKind, src.text))}
                  >
                    <option value="path">Field</option>
                    <option value="literal">Fixed value</option>
                    <option value="expr">Expression</option>
                  </select>
                  {src.kind === 'path' && (
                    <PickerInput label={`Mapping ${i + 1} source field`} value={src.text} placeholder="source field" options={ctx.inputFields} warning={ctx.inputWarning} onChange={(v) => set(i, withSource(row, variant, 'path', v))} />
                  )}
                  {src.kind === 'literal' && (
                    <input aria-label={`Mapping ${i + 1} value`} className={`${INPUT_CLASS} min-w-0`} value={src.text} placeholder="value" onChange={(e) => set(i, withSource(row, variant, 'literal', e.target.value))} />
                  )}
                </div>
              )}
              {variant === 'source' && src.kind === 'expr' && (
                <ExpressionEditor id={`${id}-expr-${i}`} label={`Mapping ${i + 1} expression`} value={src.text} onChange={(v) => set(i, withSource(row, variant, 'expr', v))} fields={fields} upstream={ctx.upstream} sampleItem={ctx.sampleItem} />
              )}
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={() => onChange([...rows, withSource({ target: '' }, variant, 'path', '')])} className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-brand-700 ring-1 ring-brand-600/30 hover:bg-brand-50">
        <Plus size={13} /> Add mapping
      </button>
    </div>
  );
}
