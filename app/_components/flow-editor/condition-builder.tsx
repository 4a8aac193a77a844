'use client';

import { Plus, ShieldCheck, Trash2 } from 'lucide-react';
import { CONDITION_OPERATORS, isConditionGroup, type Condition, type ConditionOperator, type ConditionRule } from '../../../flows-engine/index';
import { changeOperator, emptyGroup, emptyRule, formatRuleValue, loopGuardRule, MAX_GROUP_DEPTH, OPERATOR_LABELS, parseRuleValue, supportsIgnoreCase, valueKind } from './condition-logic';
import { ConnectionPicker } from './connection-picker';
import type { FieldOption, PickerWarning } from './form-model';
import { INPUT_CLASS } from './literal-input';
import { PickerInput } from './picker-input';

/** The fields a rule can test, and what to say of one that is not among them. */
interface FieldChoices {
  readonly options: readonly FieldOption[];
  readonly warning?: PickerWarning;
}

function RuleRow({ rule, number, fields, onChange, onRemove }: { rule: ConditionRule; number: string; fields: FieldChoices; onChange: (r: ConditionRule) => void; onRemove: () => void }) {
  const kind = valueKind(rule.operator);
  return (
    <li className="space-y-1.5 rounded-md border border-slate-200 bg-slate-50 p-2" data-testid="condition-row">
      <div className="flex items-start gap-1.5">
        <div className="min-w-0 flex-1">
          <PickerInput label={`Condition ${number} field`} placeholder="field, e.g. email" value={rule.field} options={fields.options} warning={fields.warning} onChange={(v) => onChange({ ...rule, field: v })} />
        </div>
        <button type="button" onClick={onRemove} aria-label={`Remove condition ${number}`} className="rounded p-1.5 text-slate-400 hover:bg-slate-200 hover:text-red-600">
          <Trash2 size={15} />
        </button>
      </div>
      <select
        aria-label={`Condition ${number} operator`}
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
        <ConnectionPicker label={`Condition ${number} connection`} value={rule.connectionId} kinds={undefined} onChange={(v) => onChange({ ...rule, ...(v ? { connectionId: v } : { connectionId: '' }) })} />
      ) : kind !== 'none' ? (
        <input
          aria-label={`Condition ${number} value`}
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

const ADD_CLASS = 'inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-brand-700 ring-1 ring-brand-600/30 hover:bg-brand-50';

/**
 * A list of rules and nested groups. Recursive: a group shows its own "all / any" choice and list.
 * Numbers name each row by its place ("Condition 2.1" is the first rule of the second entry), so
 * every control has its own label for keyboard and screen-reader users.
 */
function ConditionList({ conditions, onChange, fields, prefix, depth }: { conditions: readonly Condition[]; onChange: (v: Condition[]) => void; fields: FieldChoices; prefix: string; depth: number }) {
  const update = (i: number, next: Condition) => onChange(conditions.map((c, j) => (j === i ? next : c)));
  const remove = (i: number) => onChange(conditions.filter((_, j) => j !== i));
  return (
    <ul className="space-y-2">
      {conditions.map((c, i) => {
        const number = `${prefix}${i + 1}`;
        return isConditionGroup(c) ? (
          <li key={i} data-testid="condition-group" className="space-y-2 rounded-md border border-dashed border-brand-600/40 bg-brand-50/40 p-2">
            <div className="flex items-center gap-1.5">
              <label htmlFor={`group-${number}`} className="text-xs text-slate-600">
                Group {number}: items match
              </label>
              <select
                id={`group-${number}`}
                aria-label={`Group ${number} match`}
                className={`${INPUT_CLASS} w-auto py-1 text-xs`}
                value={c.match}
                onChange={(e) => update(i, { ...c, match: e.target.value as 'all' | 'any' })}
              >
                <option value="all">all of</option>
                <option value="any">any of</option>
              </select>
              <button type="button" onClick={() => remove(i)} aria-label={`Remove group ${number}`} className="ml-auto rounded p-1.5 text-slate-400 hover:bg-slate-200 hover:text-red-600">
                <Trash2 size={15} />
              </button>
            </div>
            <ConditionList conditions={c.conditions} onChange={(next) => update(i, { ...c, conditions: next })} fields={fields} prefix={`${number}.`} depth={depth + 1} />
            <AddButtons label={`group ${number}`} depth={depth + 1} onAdd={(added) => update(i, { ...c, conditions: [...c.conditions, added] })} fields={fields} />
          </li>
        ) : (
          <RuleRow key={i} number={number} rule={c} fields={fields} onChange={(r) => update(i, r)} onRemove={() => remove(i)} />
        );
      })}
    </ul>
  );
}

function AddButtons({ label, depth, onAdd, fields }: { label?: string; depth: number; onAdd: (c: Condition) => void; fields: FieldChoices }) {
  const where = label ? ` to ${label}` : '';
  return (
    <div className="flex flex-wrap gap-2">
      <button type="button" onClick={() => onAdd(emptyRule(fields.options[0]?.name ?? ''))} className={ADD_CLASS} aria-label={`Add condition${where}`}>
        <Plus size={13} /> Add condition
      </button>
      {depth < MAX_GROUP_DEPTH && (
        <button type="button" onClick={() => onAdd(emptyGroup(fields.options[0]?.name ?? ''))} className={ADD_CLASS} aria-label={`Add group${where}`} title="A group of conditions with its own all / any">
          <Plus size={13} /> Add group
        </button>
      )}
    </div>
  );
}

/** Field / operator / value rows for Filter, Continue If and Branch, with nested all / any groups. */
export function ConditionBuilder({ value, onChange, fields, warning }: { value: unknown; onChange: (v: Condition[]) => void; fields: readonly FieldOption[]; warning?: PickerWarning }) {
  const conditions: Condition[] = Array.isArray(value) ? (value as Condition[]) : [];
  const choices: FieldChoices = { options: fields, ...(warning ? { warning } : {}) };
  return (
    <div className="space-y-2">
      <ConditionList conditions={conditions} onChange={onChange} fields={choices} prefix="" depth={1} />
      {conditions.length === 0 && <p className="text-xs text-slate-500">No conditions yet: add one.</p>}
      <div className="flex flex-wrap gap-2">
        <AddButtons depth={1} onAdd={(c) => onChange([...conditions, c])} fields={choices} />
        <button type="button" onClick={() => onChange([...conditions, loopGuardRule()])} className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-slate-600 ring-1 ring-slate-300 hover:bg-slate-50" title="Changed by someone other than the integration account (loop guard for two-way syncs)">
          <ShieldCheck size={13} /> Not changed by the integration
        </button>
      </div>
    </div>
  );
}
