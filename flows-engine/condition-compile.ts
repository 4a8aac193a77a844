/**
 * Compiles structured conditions ONCE into plain predicates. A predicate returns `undefined` when
 * the item passes and a human-readable reason when it does not ("modifiedBy is the integration
 * account svc-sync"). No JSONata, no `eval`.
 */
import {
  type Condition,
  type ConditionOperator,
  type ConditionRule,
  isConditionGroup,
  UNARY_OPERATORS,
  CONDITION_OPERATORS,
} from './condition-schema';
import { UserError } from './errors';
import { getAt, parsePath } from './path';
import { compileSafeRegex, MAX_REGEX_INPUT_LENGTH } from './regex-guard';
import { err, ok, type Result } from './result';

/** What a predicate may need besides the item. */
export interface ConditionContext {
  /** The integration's own identity per connection id (e.g. `{ c1: 'svc-sync' }`). */
  readonly integrationIdentities: Readonly<Record<string, string>>;
}

/** `undefined` = the item passes; a string = why it does not. */
export type Predicate = (json: Record<string, unknown>, ctx: ConditionContext) => string | undefined;

/** A compile problem, located by a path inside the condition list (e.g. `[1].conditions[0].value`). */
export interface ConditionProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Compiles a list of conditions combined with `match` into one predicate, or returns every problem.
 *
 * @example
 * ```ts
 * const p = compileConditions({ match: 'all', conditions: [{ field: 'age', operator: 'gte', value: 18 }] });
 * if (p.ok) p.value({ age: 12 }, { integrationIdentities: {} }); // 'age is 12, not at least 18'
 * ```
 */
export function compileConditions(group: {
  readonly match: 'all' | 'any';
  readonly conditions: readonly Condition[];
}): Result<Predicate, ConditionProblem[]> {
  const problems: ConditionProblem[] = [];
  const predicate = compileGroup(group.match, group.conditions, '', problems);
  return problems.length > 0 ? err(problems) : ok(predicate);
}

function compileGroup(
  match: 'all' | 'any',
  conditions: readonly Condition[],
  path: string,
  problems: ConditionProblem[],
): Predicate {
  if (!Array.isArray(conditions)) {
    problems.push({ path, message: 'The conditions must be a list' });
    return () => 'invalid condition';
  }
  const parts = conditions.map((c, i) => compileOne(c, `${path}[${i}]`, problems));
  if (parts.length === 0) return () => undefined;
  if (parts.length === 1) return parts[0] as Predicate;
  if (match === 'all') {
    return (json, ctx) => {
      for (let i = 0; i < parts.length; i++) {
        const reason = (parts[i] as Predicate)(json, ctx);
        if (reason !== undefined) return reason;
      }
      return undefined;
    };
  }
  return (json, ctx) => {
    const reasons: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const reason = (parts[i] as Predicate)(json, ctx);
      if (reason === undefined) return undefined;
      reasons.push(reason);
    }
    return `none of the conditions hold (${reasons.join('; ')})`;
  };
}

function compileOne(c: Condition, path: string, problems: ConditionProblem[]): Predicate {
  if (c === null || typeof c !== 'object') {
    problems.push({ path, message: 'A condition must be a rule or a group' });
    return () => 'invalid condition';
  }
  if (isConditionGroup(c)) {
    if (c.match !== 'all' && c.match !== 'any') problems.push({ path: `${path}.match`, message: 'Choose "all" or "any"' });
    return compileGroup(c.match, c.conditions, `${path}.conditions`, problems);
  }
  return compileRule(c, path, problems);
}

function compileRule(rule: ConditionRule, path: string, problems: ConditionProblem[]): Predicate {
  const before = problems.length;
  const segments = parsePath(rule.field);
  if (!segments.ok) problems.push({ path: `${path}.field`, message: segments.error });
  const op = rule.operator;
  if (!(CONDITION_OPERATORS as readonly string[]).includes(op)) {
    problems.push({ path: `${path}.operator`, message: `Unknown operator ${JSON.stringify(op)}; use one of: ${CONDITION_OPERATORS.join(', ')}` });
    return () => 'invalid condition';
  }
  if (!UNARY_OPERATORS.has(op) && rule.value === undefined) {
    problems.push({ path: `${path}.value`, message: `The operator "${op}" needs a value to compare with` });
  }
  const test = compileTest(rule, path, problems);
  if (problems.length > before || !segments.ok) return () => 'invalid condition';
  const segs = segments.value;
  const field = rule.field;
  if (segs.length === 1) {
    const key = segs[0] as string;
    return (json, ctx) => {
      const v = Object.prototype.hasOwnProperty.call(json, key) ? json[key] : undefined;
      return test(v, field, ctx);
    };
  }
  return (json, ctx) => test(getAt(json, segs), field, ctx);
}

type Test = (v: unknown, field: string, ctx: ConditionContext) => string | undefined;

function compileTest(rule: ConditionRule, path: string, problems: ConditionProblem[]): Test {
  const op: ConditionOperator = rule.operator;
  const expected = rule.value;
  const fold = rule.ignoreCase === true ? (s: string) => s.toLowerCase() : (s: string) => s;
  const want = typeof expected === 'string' ? fold(expected) : expected;
  switch (op) {
    case 'equals':
      return (v, f) => (looseEquals(v, expected, fold) ? undefined : `${f} is ${show(v)}, not ${show(expected)}`);
    case 'notEquals':
      return (v, f) => (looseEquals(v, expected, fold) ? `${f} is ${show(expected)}` : undefined);
    case 'contains':
      return (v, f) => (contains(v, want, fold) ? undefined : `${f} (${show(v)}) does not contain ${show(expected)}`);
    case 'notContains':
      return (v, f) => (contains(v, want, fold) ? `${f} (${show(v)}) contains ${show(expected)}` : undefined);
    case 'startsWith':
      return (v, f) =>
        typeof v === 'string' && typeof want === 'string' && fold(v).startsWith(want)
          ? undefined
          : `${f} (${show(v)}) does not start with ${show(expected)}`;
    case 'endsWith':
      return (v, f) =>
        typeof v === 'string' && typeof want === 'string' && fold(v).endsWith(want)
          ? undefined
          : `${f} (${show(v)}) does not end with ${show(expected)}`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compileOrdering(op, expected, path, problems);
    case 'isEmpty':
      return (v, f) => (isEmpty(v) ? undefined : `${f} is not empty (${show(v)})`);
    case 'isNotEmpty':
      return (v, f) => (isEmpty(v) ? `${f} is empty` : undefined);
    case 'in':
    case 'notIn': {
      if (!Array.isArray(expected)) {
        problems.push({ path: `${path}.value`, message: `The operator "${op}" needs a list of values` });
        return () => undefined;
      }
      const isIn = (v: unknown) => expected.some((e) => looseEquals(v, e, fold));
      return op === 'in'
        ? (v, f) => (isIn(v) ? undefined : `${f} (${show(v)}) is not one of ${show(expected)}`)
        : (v, f) => (isIn(v) ? `${f} (${show(v)}) is one of ${show(expected)}` : undefined);
    }
    case 'matchesRegex': {
      const re = compileSafeRegex(expected, { ignoreCase: rule.ignoreCase === true });
      if (!re.ok) {
        problems.push({ path: `${path}.value`, message: re.error });
        return () => undefined;
      }
      const regex = re.value;
      return (v, f) => {
        const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
        return text !== undefined && regex.test(text.slice(0, MAX_REGEX_INPUT_LENGTH))
          ? undefined
          : `${f} (${show(v)}) does not match the pattern ${show(expected)}`;
      };
    }
    case 'isTrue':
      return (v, f) => (v === true ? undefined : `${f} is not true (${show(v)})`);
    case 'isFalse':
      return (v, f) => (v === false ? undefined : `${f} is not false (${show(v)})`);
    case 'isIntegrationAccount':
    case 'isNotIntegrationAccount': {
      const connectionId = rule.connectionId;
      if (typeof connectionId !== 'string' || connectionId === '') {
        problems.push({ path: `${path}.connectionId`, message: 'Choose the connection whose integration account to compare with' });
        return () => undefined;
      }
      const wantIntegration = op === 'isIntegrationAccount';
      return (v, f, ctx) => {
        const identity = ctx.integrationIdentities[connectionId];
        if (identity === undefined) {
          throw new UserError(`The integration account of connection ${connectionId} is not known; check the connection`, {
            field: `${path}.connectionId`,
          });
        }
        const isIt = v === identity;
        if (isIt === wantIntegration) return undefined;
        return isIt ? `${f} ${ECHO_REASON} ${identity}` : `${f} (${show(v)}) is not the integration account ${identity}`;
      };
    }
    default: {
      const never: never = op;
      throw new UserError(`Unknown operator ${String(never)}`);
    }
  }
}

function compileOrdering(op: 'gt' | 'gte' | 'lt' | 'lte', expected: unknown, path: string, problems: ConditionProblem[]): Test {
  const bound = comparable(expected);
  if (bound === undefined) {
    problems.push({ path: `${path}.value`, message: `"${op}" compares numbers or ISO dates; ${show(expected)} is neither` });
    return () => undefined;
  }
  const words = { gt: 'greater than', gte: 'at least', lt: 'less than', lte: 'at most' }[op];
  return (v, f) => {
    const actual = comparable(v);
    if (actual === undefined || actual.kind !== bound.kind) {
      return `${f} (${show(v)}) is not a ${bound.kind === 'date' ? 'date' : 'number'}`;
    }
    const a = actual.n;
    const b = bound.n;
    const pass = op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
    return pass ? undefined : `${f} is ${show(v)}, not ${words} ${show(expected)}`;
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function comparable(v: unknown): { kind: 'number' | 'date'; n: number } | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', n: v } : undefined;
  if (typeof v !== 'string') return undefined;
  if (ISO_DATE.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : { kind: 'date', n: t };
  }
  if (v.trim() !== '' && Number.isFinite(Number(v))) return { kind: 'number', n: Number(v) };
  return undefined;
}

function looseEquals(a: unknown, b: unknown, fold: (s: string) => string): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') return fold(a) === fold(b);
  if (typeof a === 'number' && typeof b === 'string') return b.trim() !== '' && Number(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return a.trim() !== '' && Number(a) === b;
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'boolean') return a === String(b);
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function contains(v: unknown, want: unknown, fold: (s: string) => string): boolean {
  if (typeof v === 'string') return typeof want === 'string' || typeof want === 'number' ? fold(v).includes(String(want)) : false;
  if (Array.isArray(v)) return v.some((e) => looseEquals(e, want, fold));
  return false;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function show(v: unknown): string {
  if (v === undefined) return 'missing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The words of a loop guard's skip reason: the change was made by the integration itself (an echo). */
const ECHO_REASON = 'is the integration account';

/**
 * True when a skip reason says the item was the integration's own change (a loop guard stopped an
 * echo), as opposed to a condition about the record's data.
 *
 * @example
 * ```ts
 * isEchoSkipReason('modifiedBy is the integration account svc-sync'); // true
 * isEchoSkipReason('status is "lead", not "customer"'); // false
 * ```
 */
export function isEchoSkipReason(reason: string): boolean {
  return reason.includes(` ${ECHO_REASON} `);
}
