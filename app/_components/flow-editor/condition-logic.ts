/**
 * The condition builder's logic, without React: labels, what an operator needs, turning typed text
 * into the rule's value, and summaries. Unit-tested.
 */
import { isConditionGroup, UNARY_OPERATORS, type Condition, type ConditionGroup, type ConditionOperator, type ConditionRule } from '../../../flows-engine/index';

/** Operator labels, in the order the builder offers them. */
export const OPERATOR_LABELS: Record<ConditionOperator, string> = {
  equals: 'is',
  notEquals: 'is not',
  contains: 'contains',
  notContains: 'does not contain',
  startsWith: 'starts with',
  endsWith: 'ends with',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  isEmpty: 'is empty',
  isNotEmpty: 'is not empty',
  in: 'is one of',
  notIn: 'is none of',
  matchesRegex: 'matches pattern',
  isTrue: 'is true',
  isFalse: 'is false',
  isIntegrationAccount: 'is the integration account of',
  isNotIntegrationAccount: 'is not the integration account of',
};

const TEXT_OPERATORS: ReadonlySet<ConditionOperator> = new Set(['equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'endsWith', 'in', 'notIn']);
const NUMERIC_OPERATORS: ReadonlySet<ConditionOperator> = new Set(['gt', 'gte', 'lt', 'lte']);
const LIST_OPERATORS: ReadonlySet<ConditionOperator> = new Set(['in', 'notIn']);

/** What the value input should be for an operator. */
export function valueKind(operator: ConditionOperator): 'none' | 'text' | 'number' | 'list' | 'pattern' | 'connection' {
  if (operator === 'isIntegrationAccount' || operator === 'isNotIntegrationAccount') return 'connection';
  if (UNARY_OPERATORS.has(operator)) return 'none';
  if (LIST_OPERATORS.has(operator)) return 'list';
  if (NUMERIC_OPERATORS.has(operator)) return 'number';
  if (operator === 'matchesRegex') return 'pattern';
  return 'text';
}

/** Whether "ignore case" applies. */
export function supportsIgnoreCase(operator: ConditionOperator): boolean {
  return TEXT_OPERATORS.has(operator) || operator === 'matchesRegex';
}

/**
 * Turns what was typed into the rule's value: lists split on commas, numbers for numeric
 * comparisons (a date-like text stays text), and `true`/`false`/numbers kept typed for equality.
 *
 * @example
 * ```ts
 * parseRuleValue('in', 'a, b'); // ['a', 'b']
 * parseRuleValue('gt', '18');   // 18
 * ```
 */
export function parseRuleValue(operator: ConditionOperator, text: string): unknown {
  const kind = valueKind(operator);
  if (kind === 'list') return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (kind === 'number') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  return text;
}

/** The text shown in the value input for a stored value. */
export function formatRuleValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A rule with a new operator: drops what no longer applies, converts the value where it can. */
export function changeOperator(rule: ConditionRule, operator: ConditionOperator): ConditionRule {
  const kind = valueKind(operator);
  const { value: _v, ignoreCase: _i, connectionId: _c, ...base } = rule;
  const next: ConditionRule = { ...base, operator };
  const text = formatRuleValue(rule.value);
  return {
    ...next,
    ...(kind === 'none' || kind === 'connection' ? {} : { value: parseRuleValue(operator, text) }),
    ...(supportsIgnoreCase(operator) && rule.ignoreCase ? { ignoreCase: true } : {}),
    ...(kind === 'connection' && rule.connectionId ? { connectionId: rule.connectionId } : {}),
  };
}

export function emptyRule(field = ''): ConditionRule {
  return { field, operator: 'equals', value: '' };
}

/** How deep groups may nest in the builder (a group inside a group inside the list). */
export const MAX_GROUP_DEPTH = 3;

/** A new nested group: "any of" (an "all of" inside an "all" list adds nothing), with one empty rule to fill in. */
export function emptyGroup(field = ''): ConditionGroup {
  return { match: 'any', conditions: [emptyRule(field)] };
}

/** "email is not empty", "status is one of a, b", "any of 2 conditions". */
export function describeCondition(condition: unknown): string {
  if (!condition || typeof condition !== 'object') return 'Incomplete condition';
  const c = condition as Condition;
  if (isConditionGroup(c)) return `${c.match === 'any' ? 'any' : 'all'} of ${c.conditions.length} conditions`;
  const label = OPERATOR_LABELS[c.operator] ?? c.operator;
  const kind = valueKind(c.operator);
  const field = c.field || '(field)';
  if (kind === 'none') return `${field} ${label}`;
  if (kind === 'connection') return `${field} ${label} ${c.connectionId ? 'its connection' : '(choose a connection)'}`;
  return `${field} ${label} ${formatRuleValue(c.value) || '…'}`;
}

/** The two-way sync preset: "changed by someone other than the integration account". */
export function loopGuardRule(connectionId = '', field = 'modifiedBy'): ConditionRule {
  return { field, operator: 'isNotIntegrationAccount', ...(connectionId ? { connectionId } : {}) };
}
