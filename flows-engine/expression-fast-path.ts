/**
 * A synchronous fast path for the common, simple subset of JSONata: paths over objects, literals,
 * `&`, arithmetic, comparisons, `and`/`or`, `? :`, unary minus and a few string functions.
 *
 * It compiles the JSONata AST into closures (no `eval`). Whenever a value falls outside the subset
 * at run time (an array in a path, a fractional number to stringify, a type error, ...), the closure
 * returns {@link BAIL} and the caller evaluates that item with real JSONata, so results are always
 * identical to JSONata's (checked by a property test).
 */

/** Returned when the fast path cannot decide; fall back to JSONata for this item. */
export const BAIL: unique symbol = Symbol('bail');

/** Variables the fast path can read (`$item`, `$trigger`, `$run`, `$flow`, `$nodes`). */
export interface FastVars {
  readonly item: unknown;
  readonly trigger: unknown;
  readonly run: unknown;
  readonly flow: unknown;
  readonly nodes: unknown;
}

/** A compiled fast-path evaluator. */
export type FastFn = (input: unknown, vars: FastVars) => unknown;

interface AstNode {
  readonly type?: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly steps?: readonly AstNode[];
  readonly lhs?: AstNode;
  readonly rhs?: AstNode;
  readonly expression?: AstNode;
  readonly condition?: AstNode;
  readonly then?: AstNode;
  readonly else?: AstNode;
  readonly arguments?: readonly AstNode[];
  readonly procedure?: AstNode;
  readonly name?: unknown;
}

const FAST_VARIABLES = new Set(['', 'item', 'trigger', 'run', 'flow', 'nodes']);
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function hasOnly(node: object, keys: readonly string[]): boolean {
  for (const k of Object.keys(node)) if (!keys.includes(k)) return false;
  return true;
}

/**
 * Compiles an AST into a fast evaluator, or `undefined` when it uses anything outside the subset.
 *
 * @example
 * ```ts
 * const fn = compileFastPath(jsonata("first & ' ' & last").ast());
 * fn?.({ first: 'Ada', last: 'Lovelace' }, vars); // 'Ada Lovelace'
 * ```
 */
export function compileFastPath(ast: unknown): FastFn | undefined {
  try {
    return compileNode(ast as AstNode);
  } catch {
    return undefined;
  }
}

function compileNode(n: AstNode): FastFn | undefined {
  if (n === null || typeof n !== 'object') return undefined;
  switch (n.type) {
    case 'string':
    case 'number':
    case 'value': {
      if (!hasOnly(n, ['type', 'value', 'position'])) return undefined;
      const v = n.value;
      if (typeof v === 'number' && !Number.isFinite(v)) return undefined;
      return () => v;
    }
    case 'variable': {
      if (!hasOnly(n, ['type', 'value', 'position'])) return undefined;
      return compileVariable(n.value);
    }
    case 'path':
      return compilePath(n);
    case 'binary':
      return compileBinary(n);
    case 'unary': {
      if (n.value !== '-' || !hasOnly(n, ['type', 'value', 'position', 'expression']) || !n.expression) return undefined;
      const inner = compileNode(n.expression);
      if (!inner) return undefined;
      return (input, vars) => {
        const v = inner(input, vars);
        if (v === BAIL) return BAIL;
        if (v === undefined) return undefined;
        return typeof v === 'number' ? -v : BAIL;
      };
    }
    case 'condition': {
      if (!hasOnly(n, ['type', 'position', 'condition', 'then', 'else']) || !n.condition || !n.then) return undefined;
      const c = compileNode(n.condition);
      const t = compileNode(n.then);
      const e = n.else ? compileNode(n.else) : () => undefined;
      if (!c || !t || !e) return undefined;
      return (input, vars) => {
        const b = toBool(c(input, vars));
        if (b === BAIL) return BAIL;
        return b ? t(input, vars) : e(input, vars);
      };
    }
    case 'function':
      return compileFunction(n);
    default:
      return undefined;
  }
}

function compileVariable(name: unknown): FastFn | undefined {
  if (typeof name !== 'string' || !FAST_VARIABLES.has(name)) return undefined;
  const read: FastFn =
    name === ''
      ? (input) => input
      : name === 'item'
        ? (_i, v) => v.item
        : name === 'trigger'
          ? (_i, v) => v.trigger
          : name === 'run'
            ? (_i, v) => v.run
            : name === 'flow'
              ? (_i, v) => v.flow
              : (_i, v) => v.nodes;
  return (input, vars) => {
    const v = read(input, vars);
    return Array.isArray(v) ? BAIL : v;
  };
}

function compilePath(n: AstNode): FastFn | undefined {
  if (!hasOnly(n, ['type', 'steps', 'position']) || !n.steps || n.steps.length === 0) return undefined;
  const steps = n.steps;
  let start: FastFn = (input) => input;
  let first = 0;
  const head = steps[0] as AstNode;
  if (head.type === 'variable') {
    const v = compileNode(head);
    if (!v) return undefined;
    start = v;
    first = 1;
  }
  const keys: string[] = [];
  for (let i = first; i < steps.length; i++) {
    const s = steps[i] as AstNode;
    if (s.type !== 'name' || !hasOnly(s, ['type', 'value', 'position']) || typeof s.value !== 'string') return undefined;
    if (FORBIDDEN.has(s.value)) return undefined;
    keys.push(s.value);
  }
  const walk = (input: unknown, vars: FastVars): unknown => {
    let cur = start(input, vars);
    if (cur === BAIL) return BAIL;
    for (let i = 0; i < keys.length; i++) {
      if (cur === undefined || cur === null || typeof cur !== 'object') return undefined;
      if (Array.isArray(cur)) return BAIL;
      const k = keys[i] as string;
      cur = Object.prototype.hasOwnProperty.call(cur, k) ? (cur as Record<string, unknown>)[k] : undefined;
    }
    return Array.isArray(cur) ? BAIL : cur;
  };
  if (first === 0 && keys.length === 1) {
    const k = keys[0] as string;
    return (input) => {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) return BAIL;
      const v = Object.prototype.hasOwnProperty.call(input, k) ? (input as Record<string, unknown>)[k] : undefined;
      return Array.isArray(v) ? BAIL : v;
    };
  }
  return walk;
}

/** JSONata's `$string` for the values the fast path accepts; BAIL otherwise. */
function toStr(v: unknown): string | typeof BAIL {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return BAIL;
}

function toBool(v: unknown): boolean | typeof BAIL {
  if (typeof v === 'boolean') return v;
  if (v === undefined) return false;
  return BAIL;
}

function isPrimitive(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function compileBinary(n: AstNode): FastFn | undefined {
  if (!hasOnly(n, ['type', 'value', 'position', 'lhs', 'rhs']) || !n.lhs || !n.rhs) return undefined;
  const l = compileNode(n.lhs);
  const r = compileNode(n.rhs);
  if (!l || !r) return undefined;
  switch (n.value) {
    case '&':
      return (input, vars) => {
        const a = l(input, vars);
        if (a === BAIL) return BAIL;
        const b = r(input, vars);
        if (b === BAIL) return BAIL;
        const sa = toStr(a);
        const sb = toStr(b);
        return sa === BAIL || sb === BAIL ? BAIL : sa + sb;
      };
    case '+':
    case '-':
    case '*':
    case '/':
    case '%': {
      const op = n.value;
      return (input, vars) => {
        const a = l(input, vars);
        if (a === BAIL) return BAIL;
        const b = r(input, vars);
        if (b === BAIL) return BAIL;
        if (a === undefined || b === undefined) return typeof a === 'number' || typeof b === 'number' || a === b ? undefined : BAIL;
        if (typeof a !== 'number' || typeof b !== 'number') return BAIL;
        const x = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
        return Number.isFinite(x) ? x : BAIL;
      };
    }
    case '=':
    case '!=': {
      const eq = n.value === '=';
      return (input, vars) => {
        const a = l(input, vars);
        if (a === BAIL) return BAIL;
        const b = r(input, vars);
        if (b === BAIL) return BAIL;
        if (a === undefined || b === undefined) return false;
        if (!isPrimitive(a) || !isPrimitive(b)) return BAIL;
        return eq ? a === b : a !== b;
      };
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const op = n.value;
      return (input, vars) => {
        const a = l(input, vars);
        if (a === BAIL) return BAIL;
        const b = r(input, vars);
        if (b === BAIL) return BAIL;
        const bothNum = typeof a === 'number' && typeof b === 'number';
        const bothStr = typeof a === 'string' && typeof b === 'string';
        if (!bothNum && !bothStr) return BAIL;
        const x = a as number;
        const y = b as number;
        return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
      };
    }
    case 'and':
    case 'or': {
      const isAnd = n.value === 'and';
      return (input, vars) => {
        const a = toBool(l(input, vars));
        if (a === BAIL) return BAIL;
        if (isAnd && !a) return false;
        if (!isAnd && a) return true;
        const b = toBool(r(input, vars));
        return b;
      };
    }
    default:
      return undefined;
  }
}

const STRING_FUNCTIONS: Record<string, (s: string) => unknown> = {
  uppercase: (s) => s.toUpperCase(),
  lowercase: (s) => s.toLowerCase(),
  trim: (s) => s.replace(/[ \t\n\r]+/gm, ' ').replace(/^ /, '').replace(/ $/, ''),
  length: (s) => Array.from(s).length,
  string: (s) => s,
};

function compileFunction(n: AstNode): FastFn | undefined {
  if (!hasOnly(n, ['type', 'name', 'value', 'position', 'arguments', 'procedure']) || n.name !== undefined) return undefined;
  const proc = n.procedure;
  if (!proc || proc.type !== 'variable' || !hasOnly(proc, ['type', 'value', 'position'])) return undefined;
  const args = n.arguments ?? [];
  if (args.length !== 1) return undefined;
  const arg = compileNode(args[0] as AstNode);
  if (!arg) return undefined;
  const name = String(proc.value);
  const fn = STRING_FUNCTIONS[name];
  if (fn) {
    return (input, vars) => {
      const v = arg(input, vars);
      if (v === BAIL) return BAIL;
      if (v === undefined) return undefined;
      if (name === 'string' && v !== null && typeof v !== 'object') {
        const s = toStr(v);
        return s;
      }
      return typeof v === 'string' ? fn(v) : BAIL;
    };
  }
  if (name === 'number') {
    return (input, vars) => {
      const v = arg(input, vars);
      if (v === BAIL) return BAIL;
      if (v === undefined || typeof v === 'number') return v;
      if (typeof v === 'string' && /^-?(0|[1-9]\d{0,14})(\.\d{1,15})?$/.test(v)) return Number(v);
      return BAIL;
    };
  }
  return undefined;
}
