'use client';

import clsx from 'clsx';
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { upstreamOf, type AnyNodeDefinition, type FlowNode, type ValueSource } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import { ConditionBuilder } from './condition-builder';
import { ConnectionPicker } from './connection-picker';
import { ExpressionEditor } from './expression-editor';
import { FieldListPicker } from './field-list-picker';
import { formFields, groupValue, inputFieldOptions, knownInputItems, literalString, sourceObjectOf, targetObjectOf, withGroupKey, type FieldContext, type FormField } from './form-model';
import { KeyValueEditor } from './key-value-editor';
import { LiteralInput } from './literal-input';
import { MappingTable } from './mapping-table';
import { ObjectPicker } from './object-picker';
import { PickerInput } from './picker-input';
import { useObjectFields } from './schema-queries';
import { useEditor } from './store';

/** The editor of one literal value: a picker, a sub-form or a plain input, as the field asks. */
function LiteralEditor({ node, field, id, value, onChange, ctx, invalid }: { node: FlowNode; field: FormField; id: string; value: unknown; onChange: (v: unknown) => void; ctx: FieldContext; invalid: boolean }) {
  if (field.children) return <GroupForm node={node} field={field} id={id} value={value} onChange={onChange} ctx={ctx} />;
  if (field.picker === 'object') {
    return <ObjectPicker id={id} connectionId={literalString(node, 'connectionId')} value={typeof value === 'string' ? value : ''} onChange={onChange} invalid={invalid} />;
  }
  if (field.picker) {
    const options = field.picker === 'target-field' ? ctx.targetFields : ctx.inputFields;
    const warning = field.picker === 'target-field' ? ctx.targetWarning : ctx.inputWarning;
    if (field.widget === 'list') return <FieldListPicker id={id} value={value} onChange={onChange} options={options} warning={warning} />;
    return (
      <PickerInput
        id={id}
        value={typeof value === 'string' ? value : ''}
        onChange={(v) => onChange(v === '' ? undefined : v)}
        options={options}
        warning={warning}
        invalid={invalid}
        placeholder={field.defaultValue === undefined ? (options.length > 0 ? 'Choose…' : '') : String(field.defaultValue)}
      />
    );
  }
  if (field.widget === 'key-value') return <KeyValueEditor id={id} value={value} onChange={onChange} />;
  return <LiteralInput id={id} field={field} value={value} onChange={onChange} invalid={invalid} />;
}

/** A nested settings object that is off until ticked (its help is the tick box's text). */
const isOptionalGroup = (field: FormField) => field.children !== undefined && !field.required && field.defaultValue === undefined;

/**
 * A nested settings object as a sub-form (Match existing records by, Conflicts, Signature). An
 * optional one without a default is off until ticked; unticking removes it.
 */
function GroupForm({ node, field, id, value, onChange, ctx }: { node: FlowNode; field: FormField; id: string; value: unknown; onChange: (v: unknown) => void; ctx: FieldContext }) {
  const optional = isOptionalGroup(field);
  const on = !optional || (value !== undefined && value !== null);
  const current = groupValue(value ?? field.defaultValue);
  return (
    <div className="space-y-3 rounded-md border border-slate-200 bg-slate-50/60 p-2.5">
      {optional && (
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input id={id} type="checkbox" checked={on} onChange={(e) => onChange(e.target.checked ? {} : undefined)} />
          {field.help ?? `Use ${field.label.toLowerCase()}`}
        </label>
      )}
      {on &&
        (field.children ?? []).map((child) => {
          const childId = `${id}-${child.key}`;
          return (
            <div key={child.key} className="space-y-1" data-testid={`field-${field.key}.${child.key}`}>
              <label htmlFor={childId} className="text-xs font-medium text-slate-700">
                {child.label}
              </label>
              <LiteralEditor node={node} field={child} id={childId} value={current[child.key]} onChange={(v) => onChange(withGroupKey(current, child.key, v))} ctx={ctx} invalid={false} />
              {child.help && !isOptionalGroup(child) && <p className="text-xs text-slate-500">{child.help}</p>}
            </div>
          );
        })}
    </div>
  );
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
    input = <ConditionBuilder value={literal} fields={ctx.inputFields} warning={ctx.inputWarning} onChange={setLiteral} />;
  } else if (field.widget === 'field-mapping') {
    input = <MappingTable value={literal} variant={field.mappingVariant ?? 'source'} onChange={setLiteral} ctx={ctx} />;
  } else if (field.widget === 'connection') {
    input = <ConnectionPicker id={id} value={typeof literal === 'string' ? literal : undefined} kinds={field.connectionKinds} onChange={setLiteral} />;
  } else if (field.widget === 'expression') {
    input = <ExpressionEditor id={id} value={typeof literal === 'string' ? literal : ''} onChange={setLiteral} {...ctx} />;
  } else {
    input = <LiteralEditor node={node} field={field} id={id} value={literal} onChange={setLiteral} ctx={ctx} invalid={messages.length > 0} />;
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
      {field.help && !isOptionalGroup(field) && <p className="text-xs text-slate-500">{field.help}</p>}
      {messages.map((m) => (
        <p key={m} className="text-xs text-red-600" role="alert">
          {m}
        </p>
      ))}
    </div>
  );
}

const writesRecords = (type: string) => nodeRegistry.latest(type)?.writesRecords === true;
const isTrigger = (type: string) => nodeRegistry.latest(type)?.group === 'trigger';

/** The node's config form, generated from its schema (`describeConfig`); no per-node forms. */
export function ConfigForm({ node, def }: { node: FlowNode; def: AnyNodeDefinition }) {
  const fields = useMemo(() => formFields(def), [def]);
  const nodes = useEditor((s) => s.doc.nodes);
  const edges = useEditor((s) => s.doc.edges);
  const samples = useEditor((s) => s.doc.samples);
  const testRun = useEditor((s) => s.testRun);
  const target = useMemo(() => targetObjectOf({ nodes, edges }, node.id, writesRecords), [nodes, edges, node.id]);
  const source = useMemo(() => sourceObjectOf({ nodes, edges }, node.id, isTrigger), [nodes, edges, node.id]);
  const targetFields = useObjectFields(target?.connectionId, target?.objectType).data;
  const sourceFields = useObjectFields(source?.connectionId, source?.objectType).data;
  const ctx = useMemo<FieldContext>(() => {
    const doc = { nodes, edges, ...(samples ? { samples } : {}) };
    const items = knownInputItems(doc, node.id, testRun);
    const upstreamIds = upstreamOf(doc, node.id);
    const inputFields = inputFieldOptions(items, sourceFields?.fields ?? []);
    const targetLabel = targetFields?.objectLabel ?? target?.objectType;
    return {
      fields: inputFields.map((f) => f.name),
      inputFields,
      inputWarning: (v) => `“${v}” is not a field of the ${items.length > 0 ? 'sample data' : (sourceFields?.objectLabel ?? 'input')}: check the name.`,
      targetFields: targetFields?.fields ?? [],
      targetWarning: (v) => `“${v}” is not a field of ${targetLabel ?? 'the target'}.`,
      upstream: doc.nodes.filter((n) => upstreamIds.has(n.id)).map((n) => ({ id: n.id, label: n.label })),
      sampleItem: items[0],
    };
  }, [nodes, edges, samples, node.id, testRun, target, targetFields, sourceFields]);
  if (fields.length === 0) return <p className="text-sm text-slate-500">This step has nothing to configure.</p>;
  return (
    <div className="space-y-4">
      {fields.map((f) => (
        <FieldRow key={f.key} node={node} field={f} ctx={ctx} />
      ))}
    </div>
  );
}
