'use client';

import clsx from 'clsx';
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { upstreamOf, type AnyNodeDefinition, type FlowNode, type ValueSource } from '../../../flows-engine/index';
import { ConditionBuilder } from './condition-builder';
import { ConnectionPicker } from './connection-picker';
import { ExpressionEditor } from './expression-editor';
import { availableFields, formFields, knownInputItems, type FormField } from './form-model';
import { LiteralInput } from './literal-input';
import { MappingTable } from './mapping-table';
import { useEditor } from './store';

interface FieldContext {
  fields: readonly string[];
  upstream: readonly { id: string; label: string }[];
  sampleItem: Record<string, unknown> | undefined;
}

function FieldRow({ node, field, ctx }: { node: FlowNode; field: FormField; ctx: FieldContext }) {
  const source = node.config[field.key];
  const problems = useEditor(
    useShallow((s) => (s.issuesByNode[node.id] ?? []).filter((i) => i.field === field.key || i.field?.startsWith(`${field.key}.`) || i.field?.startsWith(`${field.key}[`))),
  );
  const runError = useEditor((s) => {
    const e = s.traceByNode[node.id]?.error;
    return e?.field && (e.field === field.key || e.field.startsWith(`${field.key}[`) || e.field.startsWith(`${field.key}.`)) ? e.message : null;
  });
  const setField = useEditor((s) => s.setField);
  const id = `field-${node.id}-${field.key}`;
  const isExpr = source?.kind === 'expr';
  const literal = source?.kind === 'literal' ? source.value : undefined;
  const setLiteral = (value: unknown) => setField(node.id, field.key, value === undefined ? undefined : { kind: 'literal', value });
  const toggle = () =>
    setField(node.id, field.key, isExpr ? undefined : ({ kind: 'expr', source: literal === undefined ? '' : JSON.stringify(literal) } satisfies ValueSource));
  const messages = [...problems.map((p) => p.message), ...(runError ? [`Test run: ${runError}`] : [])];

  let input;
  if (isExpr) {
    input = <ExpressionEditor id={id} value={source.source} onChange={(v) => setField(node.id, field.key, { kind: 'expr', source: v })} {...ctx} />;
  } else if (field.widget === 'condition-list') {
    input = <ConditionBuilder value={literal} fields={ctx.fields} onChange={setLiteral} />;
  } else if (field.widget === 'field-mapping') {
    input = <MappingTable value={literal} fields={ctx.fields} variant={field.mappingVariant ?? 'source'} onChange={setLiteral} expression={{ upstream: ctx.upstream, sampleItem: ctx.sampleItem }} />;
  } else if (field.widget === 'connection') {
    input = <ConnectionPicker id={id} value={typeof literal === 'string' ? literal : undefined} kinds={field.connectionKinds} onChange={setLiteral} />;
  } else if (field.widget === 'expression') {
    input = <ExpressionEditor id={id} value={typeof literal === 'string' ? literal : ''} onChange={setLiteral} {...ctx} />;
  } else {
    input = <LiteralInput id={id} field={field} value={literal} onChange={setLiteral} invalid={messages.length > 0} />;
  }

  return (
    <div className="space-y-1" data-testid={`field-${field.key}`}>
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-slate-700">
          {field.label}
          {field.required && <span className="text-red-500"> *</span>}
        </label>
        {field.allowsExpression && (
          <button
            type="button"
            onClick={toggle}
            aria-pressed={isExpr}
            aria-label={`${field.label}: use an expression`}
            title={isExpr ? 'Use a fixed value' : 'Use an expression (JSONata)'}
            className={clsx('rounded px-1.5 py-0.5 font-mono text-[11px] font-semibold', isExpr ? 'bg-brand-600 text-white' : 'text-slate-500 ring-1 ring-slate-300 hover:bg-slate-100')}
          >
            fx
          </button>
        )}
      </div>
      {input}
      {field.help && <p className="text-xs text-slate-500">{field.help}</p>}
      {messages.map((m) => (
        <p key={m} className="text-xs text-red-600" role="alert">
          {m}
        </p>
      ))}
    </div>
  );
}

/** The node's config form, generated from its schema (`describeConfig`); no per-node forms. */
export function ConfigForm({ node, def }: { node: FlowNode; def: AnyNodeDefinition }) {
  const fields = useMemo(() => formFields(def), [def]);
  const nodes = useEditor((s) => s.doc.nodes);
  const edges = useEditor((s) => s.doc.edges);
  const samples = useEditor((s) => s.doc.samples);
  const testRun = useEditor((s) => s.testRun);
  const ctx = useMemo<FieldContext>(() => {
    const doc = { nodes, edges, ...(samples ? { samples } : {}) };
    const items = knownInputItems(doc, node.id, testRun);
    const upstreamIds = upstreamOf(doc, node.id);
    return {
      fields: availableFields(items),
      upstream: doc.nodes.filter((n) => upstreamIds.has(n.id)).map((n) => ({ id: n.id, label: n.label })),
      sampleItem: items[0],
    };
  }, [nodes, edges, samples, node.id, testRun]);
  if (fields.length === 0) return <p className="text-sm text-slate-500">This step has nothing to configure.</p>;
  return (
    <div className="space-y-4">
      {fields.map((f) => (
        <FieldRow key={f.key} node={node} field={f} ctx={ctx} />
      ))}
    </div>
  );
}
