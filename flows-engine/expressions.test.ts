import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { BAIL, compileFastPath } from './expression-fast-path';
import { compileExpression, createExpressionScope } from './expressions';

const scope = createExpressionScope({
  trigger: { objectType: 'contact' },
  nodes: { lookup: { found: [{ id: 1 }] } },
  meta: { runId: 'r1', flowId: 'f1', flowName: 'Flow', version: 2, now: '2026-01-02T03:04:05.000Z' },
});

async function evalExpr(source: string, context: unknown = {}) {
  const c = compileExpression(source);
  if (!c.ok) throw new Error(c.error.message);
  return c.value.evaluate(context, scope);
}

describe('expressions', () => {
  it('sees $item, $trigger, $nodes, $run, $flow', async () => {
    expect(await evalExpr('$item.a & $trigger.objectType', { a: 'x-' })).toBe('x-contact');
    expect(await evalExpr('$nodes.lookup.found[0].id')).toBe(1);
    expect(await evalExpr('$run.id & "/" & $flow.name & "/" & $flow.version')).toBe('r1/Flow/2');
  });
  it('takes now from the run, not the clock', async () => {
    expect(await evalExpr('$now()')).toBe('2026-01-02T03:04:05.000Z');
    expect(await evalExpr('$millis()')).toBe(Date.parse('2026-01-02T03:04:05.000Z'));
  });
  it('reports parse errors with a position', () => {
    const c = compileExpression('a + ');
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toMatchObject({ position: expect.any(Number), code: 'S0207' });
  });
  it('refuses non-deterministic functions', () => {
    const c = compileExpression('$random() > 0.5');
    expect(c).toMatchObject({ ok: false, error: { message: expect.stringMatching(/\$random\(\) is not available/) } });
  });
  it('reports evaluation errors with a position', async () => {
    await expect(evalExpr("a + 'x'", { a: 1 })).rejects.toThrow(/at character \d+/);
  });
  it('stops runaway recursion', async () => {
    await expect(evalExpr('($f := function($n) { $f($n + 1) }; $f(0))')).rejects.toThrow();
  });
  it('caches compiled expressions', () => {
    const a = compileExpression('x & y');
    const b = compileExpression('x & y');
    expect(a.ok && b.ok && a.value === b.value).toBe(true);
  });
  it('extracts $nodes references', () => {
    const c = compileExpression('$nodes.`a-b`.main[0].id & $nodes.c.main');
    expect(c.ok && c.value.refs.nodeIds).toEqual(['a-b', 'c']);
  });
});

describe('fast path is equivalent to JSONata', () => {
  const keys = ['a', 'b', 'c'];
  const leaf = fc.oneof(
    fc.constantFrom('a', 'b', 'c', 'a.b', '$item.a', '$trigger.objectType', '$run.id'),
    fc.string({ maxLength: 5 }).map((s) => JSON.stringify(s)),
    fc.integer({ min: -100, max: 100 }).map(String),
    fc.constantFrom('1.5', 'true', 'false', 'null'),
  );
  const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(tie('e'), fc.constantFrom('&', '+', '-', '*', '/', '=', '!=', '<', '>=', 'and', 'or'), tie('e')).map(([l, op, r]) => `(${l} ${op} ${r})`),
      fc.tuple(fc.constantFrom('$uppercase', '$lowercase', '$trim', '$string', '$length', '$number'), tie('e')).map(([f, a]) => `${f}(${a})`),
      fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, t, f]) => `(${c} ? ${t} : ${f})`),
      tie('e').map((e) => `-(${e})`),
    ),
  })).e as fc.Arbitrary<string>;
  const value = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
  const item = fc.record({ a: value, b: fc.oneof(value, fc.record({ b: value }, { noNullPrototype: true })), c: value }, { requiredKeys: [], noNullPrototype: true });

  it('matches JSONata (or bails) on random expressions and items', async () => {
    await fc.assert(
      fc.asyncProperty(expr, item, async (source, json) => {
        let ast: unknown;
        try {
          ast = jsonata(source).ast();
        } catch {
          return;
        }
        const fast = compileFastPath(ast);
        if (!fast) return;
        const vars = { item: json, trigger: { objectType: 'contact' }, run: { id: 'r1', startedAt: '' }, flow: {}, nodes: {} };
        const got = fast(json, vars);
        let want: unknown;
        let threw = false;
        try {
          want = await jsonata(source).evaluate(json, vars);
          if (Array.isArray(want)) want = [...want];
        } catch {
          threw = true;
        }
        if (got === BAIL) return;
        expect(threw, `JSONata threw but the fast path returned ${JSON.stringify(got)} for ${source}`).toBe(false);
        expect(got).toStrictEqual(want);
      }),
      { numRuns: 3000 },
    );
    void keys;
  });
});
