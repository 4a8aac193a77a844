/**
 * JSONata expressions: compiled once per source text (cached), evaluated against a prepared scope
 * with time and depth limits. Simple expressions take a synchronous fast path
 * (`expression-fast-path.ts`); everything else goes through JSONata itself.
 *
 * Scope of an expression:
 * - the context (`$`, and bare field names) is the current item's json (or `undefined` for
 *   config fields resolved once per node);
 * - `$item` — the current item's json; `$trigger` — the trigger payload;
 * - `$nodes` — outputs of upstream nodes: `$nodes.<nodeId>.<port>` is an array of json;
 * - `$run` — `{ id, startedAt }`; `$flow` — `{ id, name, version }`;
 * - `$now()` / `$millis()` return the run's start time (deterministic, replay-safe).
 */
import jsonata from 'jsonata';
import { BAIL, compileFastPath, type FastFn, type FastVars } from './expression-fast-path';
import { findExpressionRefs, type ExpressionRefs } from './expression-refs';
import { UserError } from './errors';
import { err, ok, type Result } from './result';

/** Limits applied to every JSONata evaluation. */
export const EXPRESSION_LIMITS = { timeoutMs: 1000, maxDepth: 300, maxSourceLength: 10_000 } as const;

/** Run-wide values visible to expressions. Build it once per node with {@link createExpressionScope}. */
export interface ExpressionScope extends FastVars {
  readonly trigger: unknown;
  readonly nodes: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>>;
  readonly run: { readonly id: string; readonly startedAt: string };
  readonly flow: { readonly id: string; readonly name: string; readonly version: number };
  /** The run's start time in epoch ms, returned by `$millis()` / `$now()`. */
  readonly nowMillis: number;
}

/** A parse or evaluation problem, with the character position inside the expression. */
export interface ExpressionProblem {
  readonly message: string;
  readonly position: number;
  readonly code: string;
}

/** A compiled expression. Obtain one with {@link compileExpression}. */
export interface CompiledExpression {
  readonly source: string;
  readonly refs: ExpressionRefs;
  /** True when every evaluation can try the synchronous fast path first. */
  readonly hasFastPath: boolean;
  /** Evaluates for one context value. Rejects with a {@link UserError} carrying the position. */
  evaluate(context: unknown, scope: ExpressionScope): Promise<unknown>;
  /** Evaluates for many items at once (one result per item, same order). */
  evaluateMany(contexts: readonly unknown[], scope: ExpressionScope): Promise<unknown[]>;
}

interface JsonataError {
  readonly code?: string;
  readonly position?: number;
  readonly message?: string;
  readonly token?: string;
}

const cache = new Map<string, Result<CompiledExpression, ExpressionProblem>>();
const MAX_CACHE = 5000;

/**
 * Parses and compiles an expression once; the result is cached by source text.
 *
 * @example
 * ```ts
 * const c = compileExpression("firstName & ' ' & lastName");
 * if (c.ok) await c.value.evaluate({ firstName: 'Ada', lastName: 'Lovelace' }, scope); // 'Ada Lovelace'
 * compileExpression('a +'); // { ok: false, error: { message: 'Unexpected end of expression', position: 3, code: 'S0207' } }
 * ```
 */
export function compileExpression(source: string): Result<CompiledExpression, ExpressionProblem> {
  const hit = cache.get(source);
  if (hit) return hit;
  const compiled = compileUncached(source);
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
  cache.set(source, compiled);
  return compiled;
}

function compileUncached(source: string): Result<CompiledExpression, ExpressionProblem> {
  if (typeof source !== 'string') return err({ message: 'The expression must be text', position: 0, code: 'X0001' });
  if (source.trim() === '') return err({ message: 'The expression is empty', position: 0, code: 'X0002' });
  if (source.length > EXPRESSION_LIMITS.maxSourceLength) {
    return err({ message: `The expression is longer than ${EXPRESSION_LIMITS.maxSourceLength} characters`, position: 0, code: 'X0003' });
  }
  let expr: jsonata.Expression;
  try {
    expr = jsonata(source, { timeout: EXPRESSION_LIMITS.timeoutMs, stack: EXPRESSION_LIMITS.maxDepth });
  } catch (e) {
    return err(toProblem(e));
  }
  const ast = expr.ast();
  const refs = findExpressionRefs(ast);
  const bad = refs.forbiddenFunctions[0];
  if (bad) {
    return err({ message: `$${bad.name}() is not available: a run must give the same result when replayed`, position: bad.position, code: 'X0004' });
  }
  expr.registerFunction(
    'now',
    function (this: jsonata.Focus, picture?: string, timezone?: string) {
      const fromMillis = this.environment.lookup('fromMillis') as { implementation: (...a: unknown[]) => unknown };
      return fromMillis.implementation.call(this, this.environment.lookup('__runNowMillis'), picture, timezone);
    },
    '<s?s?:s>',
  );
  expr.registerFunction(
    'millis',
    function (this: jsonata.Focus) {
      return this.environment.lookup('__runNowMillis');
    },
    '<:n>',
  );
  const fast: FastFn | undefined = compileFastPath(ast);
  const slow = async (context: unknown, scope: ExpressionScope): Promise<unknown> => {
    try {
      return normalise(
        await expr.evaluate(context, {
          item: context,
          trigger: scope.trigger,
          nodes: scope.nodes,
          run: scope.run,
          flow: scope.flow,
          __runNowMillis: scope.nowMillis,
        }),
      );
    } catch (e) {
      const p = toProblem(e);
      throw new UserError(`${p.message} (at character ${p.position} of the expression)`, { position: p.position });
    }
  };
  const compiled: CompiledExpression = {
    source,
    refs,
    hasFastPath: fast !== undefined,
    evaluate: fast
      ? (context, scope) => {
          const v = fast(context, fastVars(context, scope));
          return v === BAIL ? slow(context, scope) : Promise.resolve(v);
        }
      : slow,
    async evaluateMany(contexts, scope) {
      const out = new Array<unknown>(contexts.length);
      const vars = { item: undefined as unknown, trigger: scope.trigger, run: scope.run, flow: scope.flow, nodes: scope.nodes };
      for (let i = 0; i < contexts.length; i++) {
        const c = contexts[i];
        if (fast) {
          vars.item = c;
          const v = fast(c, vars);
          if (v !== BAIL) {
            out[i] = v;
            continue;
          }
        }
        out[i] = await slow(c, scope);
      }
      return out;
    },
  };
  return ok(compiled);
}

function fastVars(context: unknown, scope: ExpressionScope): FastVars {
  return { item: context, trigger: scope.trigger, run: scope.run, flow: scope.flow, nodes: scope.nodes };
}

/** JSONata marks result arrays as "sequences" with extra properties; hand back plain arrays. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return Array.from(v, normalise);
  return v;
}

function toProblem(e: unknown): ExpressionProblem {
  const j = (e ?? {}) as JsonataError;
  const message = typeof j.message === 'string' && j.message !== '' ? j.message : 'The expression could not be evaluated';
  return { message, position: typeof j.position === 'number' ? j.position : 0, code: typeof j.code === 'string' ? j.code : 'X0000' };
}

/**
 * Builds the scope that expressions of one node see.
 *
 * @example
 * ```ts
 * const scope = createExpressionScope({
 *   trigger: { objectType: 'contact' }, nodes: {},
 *   meta: { runId: 'r1', flowId: 'f1', flowName: 'Contacts', version: 3, now: '2026-01-01T00:00:00Z' },
 * });
 * ```
 */
export function createExpressionScope(input: {
  trigger: unknown;
  nodes: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>>;
  meta: { runId: string; flowId: string; flowName: string; version: number; now: string };
}): ExpressionScope {
  const nowMillis = Date.parse(input.meta.now);
  return {
    item: undefined,
    trigger: input.trigger,
    nodes: input.nodes,
    run: { id: input.meta.runId, startedAt: input.meta.now },
    flow: { id: input.meta.flowId, name: input.meta.flowName, version: input.meta.version },
    nowMillis: Number.isNaN(nowMillis) ? 0 : nowMillis,
  };
}
