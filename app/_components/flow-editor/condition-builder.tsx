'use client';

import { Plus, ShieldCheck, Trash2 } from 'lucide-react';
import { useId } from 'react';
import { CONDITION_OPERATORS, isConditionGroup, type Condition, type ConditionOperator, type ConditionRule } from '../../../flows-engine/index';
import { changeOperator, emptyRule, formatRuleValue, loopGuardRule, OPERATOR_LABELS, parseRuleValue, supportsIgnoreCase, valueKind } from './condition-logic';
import { ConnectionPicker } from './connection-picker';
import { INPUT_CLASS } from './literal-input';

function RuleRow({ rule, index, fields, onChange, onRemove }: { rule: ConditionRule; index: number; fields: readonly string[]; onChange: (r: ConditionRule) => void; onRemove: () => void }) {
  const id = useId();
  const kind = valueKind(rule.operator);
  return (
    <li className="space-y-1.5 rounded-md border border-slate-200 bg-slate-50 p-2" data-testid="condition-row">
      <div className="flex gap-1.5">
        <input
          aria-label={`Condition ${index + 1} field`}
          list={`${id}-fields`}
          className={INPUT_CLASS}
          placeholder="field, e.g. email"
          value={rule.field}
          onChange={(e) => onChange({ ...rule, field: e.target.value })}
        />
        <datalist id={`${id}-fields`}>
          {fields.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        <button type="button" onClick={onRemove} aria-label={`Remove condition ${index + 1}`} className="rounded p-1.5 text-slate-400 hover:bg-slate-200 hover:text-red-600">
          <Trash2 size={15} />
        </button>
      </div>
      <select
        aria-label={`Condition ${index + 1} operator`}
        className={INPUT_CLASS}
        value={rule.operator}
        onChange={(e) => onChange(changeOperator(rule, e.target.value as ConditionOperator))}
      >
        {CONDITION_OPERATORS.map((op) => (
          <option key={op} value={op}>
            {OPERATOR_LABELS[op]}
          </option>
        ))}
      </select>
      {kind === 'connection' ? (
        <ConnectionPicker label={`Condition ${index + 1} connection`} value={rule.connectionId} kinds={undefined} onChange={(v) => onChange({ ...rule, ...(v ? { connectionId: v } : { connectionId: '' }) })} />
      ) : kind !== 'none' ? (
        <input
          aria-label={`Condition ${index + 1} value`}
          className={INPUT_CLASS}
          inputMode={kind === 'number' ? 'decimal' : undefined}
          placeholder={kind === 'list' ? 'a, b, c' : kind === 'pattern' ? 'regular expression' : 'value'}
          value={formatRuleValue(rule.value)}
          onChange={(e) => onChange({ ...rule, value: parseRuleValue(rule.operator, e.target.value) })}
        />
      ) : null}
      {supportsIgnoreCase(rule.operator) && (
        <label className="flex items-center gap-1.5 text-xs text-slate-600">
          <input type="checkbox" checked={rule.ignoreCase === true} onChange={(e) => onChange({ ...rule, ignoreCase: e.target.checked })} />
          Ignore upper/lower case
        </label>
      )}
    </li>
  );
}

/** Field / operator / value rows for Filter, Continue If and Branch. Nested groups are shown read-only as JSON. */
export function ConditionBuilder({ value, onChange, fields }: { value: unknown; onChange: (v: Condition[]) => void; fields: readonly string[] }) {
  const conditions: Condition[] = Array.isArray(value) ? (value as Condition[]) : [];
  const update = (i: number, next: Condition) => onChange(conditions.map((c, j) => (j === i ? next : c)));
  return (
    <div className="space-y-2">
      <ul className="space-y-2">
        {conditions.map((c, i) =>
          isConditionGroup(c) ? (
            <li key={i} className="rounded-md border border-slate-200 p-2 font-mono text-xs text-slate-600">
              {c.match} of: {JSON.stringify(c.conditions)}
              <button type="button" className="ml-2 text-red-600" onClick={() => onChange(conditions.filter((_, j) => j !== i))}>
                remove
              </button>
            </li>
          ) : (
            <RuleRow key={i} index={i} rule={c} fields={fields} onChange={(r) => update(i, r)} onRemove={() => onChange(conditions.filter((_, j) => j !== i))} />
          ),
        )}
      </ul>
      {conditions.length === 0 && <p className="text-xs text-slate-500">No conditions yet: add one.</p>}
      <div className="flex flex-wrap gap-2">
        <button type="button" onClick={() => onChange([...conditions, emptyRule(fields[0] ?? '')])} className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-brand-700 ring-1 ring-brand-600/30 hover:bg-brand-50">
          <Plus size={13} /> Add condition
        </button>
        <button type="button" onClick={() => onChange([...conditions, loopGuardRule()])} className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-slate-600 ring-1 ring-slate-300 hover:bg-slate-50" title="Changed by someone other than the integration account (loop guard for two-way syncs)">
          <ShieldCheck size={13} /> Not changed by the integration
        </button>
      </div>
    </div>
  );
}
