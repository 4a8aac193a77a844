import { describe, expect, it } from 'vitest';
import { compileConditions, type ConditionContext } from './condition-compile';
import type { Condition } from './condition-schema';
import { compileSafeRegex } from './regex-guard';

const ctx: ConditionContext = { integrationIdentities: { crm: 'svc-sync' } };
const check = (conditions: Condition[], json: Record<string, unknown>, match: 'all' | 'any' = 'all') => {
  const p = compileConditions({ match, conditions });
  if (!p.ok) throw new Error(JSON.stringify(p.error));
  return p.value(json, ctx);
};

describe('condition operators', () => {
  const cases: [Condition, Record<string, unknown>, boolean][] = [
    [{ field: 'a', operator: 'equals', value: 'x' }, { a: 'x' }, true],
    [{ field: 'a', operator: 'equals', value: 'X', ignoreCase: true }, { a: 'x' }, true],
    [{ field: 'a', operator: 'equals', value: '5' }, { a: 5 }, true],
    [{ field: 'a', operator: 'notEquals', value: 'x' }, { a: 'y' }, true],
    [{ field: 'a', operator: 'contains', value: 'ell' }, { a: 'hello' }, true],
    [{ field: 'a', operator: 'contains', value: 'b' }, { a: ['a', 'b'] }, true],
    [{ field: 'a', operator: 'notContains', value: 'z' }, { a: 'hello' }, true],
    [{ field: 'a', operator: 'startsWith', value: 'he' }, { a: 'hello' }, true],
    [{ field: 'a', operator: 'endsWith', value: 'lo' }, { a: 'hello' }, true],
    [{ field: 'a', operator: 'gt', value: 3 }, { a: 4 }, true],
    [{ field: 'a', operator: 'gte', value: 4 }, { a: 4 }, true],
    [{ field: 'a', operator: 'lt', value: 4 }, { a: 4 }, false],
    [{ field: 'a', operator: 'lte', value: '4' }, { a: 4 }, true],
    [{ field: 'd', operator: 'gt', value: '2024-01-01' }, { d: '2024-06-01T10:00:00Z' }, true],
    [{ field: 'd', operator: 'lt', value: '2024-01-01T00:00:00Z' }, { d: '2025-01-01' }, false],
    [{ field: 'a', operator: 'isEmpty' }, { a: '  ' }, true],
    [{ field: 'a', operator: 'isEmpty' }, {}, true],
    [{ field: 'a', operator: 'isNotEmpty' }, { a: [1] }, true],
    [{ field: 'a', operator: 'in', value: ['x', 'y'] }, { a: 'y' }, true],
    [{ field: 'a', operator: 'notIn', value: ['x', 'y'] }, { a: 'y' }, false],
    [{ field: 'a', operator: 'matchesRegex', value: '^[a-z]+@example\\.com$' }, { a: 'ada@example.com' }, true],
    [{ field: 'a', operator: 'isTrue' }, { a: true }, true],
    [{ field: 'a', operator: 'isFalse' }, { a: 'false' }, false],
    [{ field: 'm', operator: 'isIntegrationAccount', connectionId: 'crm' }, { m: 'svc-sync' }, true],
    [{ field: 'm', operator: 'isNotIntegrationAccount', connectionId: 'crm' }, { m: 'svc-sync' }, false],
    [{ field: 'x.y[1]', operator: 'equals', value: 2 }, { x: { y: [1, 2] } }, true],
  ];
  it.each(cases)('%j on %j → %s', (condition, json, expected) => {
    expect(check([condition], json) === undefined).toBe(expected);
  });

  it('gives human-readable reasons', () => {
    expect(check([{ field: 'modifiedBy', operator: 'isNotIntegrationAccount', connectionId: 'crm' }], { modifiedBy: 'svc-sync' })).toBe(
      'modifiedBy is the integration account svc-sync',
    );
    expect(check([{ field: 'age', operator: 'gte', value: 18 }], { age: 12 })).toBe('age is 12, not at least 18');
  });

  it('nests groups with all/any', () => {
    const conditions: Condition[] = [
      { field: 'a', operator: 'equals', value: 1 },
      { match: 'any', conditions: [{ field: 'b', operator: 'equals', value: 1 }, { field: 'c', operator: 'equals', value: 1 }] },
    ];
    expect(check(conditions, { a: 1, b: 0, c: 1 })).toBeUndefined();
    expect(check(conditions, { a: 1, b: 0, c: 0 })).toMatch(/none of the conditions hold/);
    expect(check(conditions, { a: 0 }, 'any')).toMatch(/none/);
  });

  it('reports unknown operators, missing values and bad lists as problems, never a silent false', () => {
    const r = compileConditions({
      match: 'all',
      conditions: [
        { field: 'a', operator: 'resembles' as never, value: 1 },
        { field: 'b', operator: 'equals' },
        { field: 'c', operator: 'in', value: 'x' },
        { field: 'd', operator: 'isNotIntegrationAccount' },
        { field: '__proto__.x', operator: 'isEmpty' },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((p) => p.path)).toEqual(['[0].operator', '[1].value', '[2].value', '[3].connectionId', '[4].field']);
    expect(r.error[0]?.message).toMatch(/Unknown operator "resembles"/);
  });

  it('throws a located error when the integration identity is unknown at run time', () => {
    const p = compileConditions({ match: 'all', conditions: [{ field: 'm', operator: 'isIntegrationAccount', connectionId: 'nope' }] });
    expect(p.ok).toBe(true);
    if (p.ok) expect(() => p.value({ m: 'x' }, ctx)).toThrow(/integration account of connection nope is not known/);
  });
});

describe('regex guard', () => {
  it.each(['(a|aa)*b', '(x|xy)+$', '(?:ab|a)*c', '(ab|a){2,}', '(a|a-b)*c'])('refuses repeated alternation %s', (p) => {
    const r = compileSafeRegex(p, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/alternatives/);
  });

  it.each(['(a+)+$', '(a*)*b', '(x+x+)+y', '((ab)*)+', '(a{2,})+', '(\\w+\\s?)*$'])('refuses nested quantifier %s', (p) => {
    const r = compileSafeRegex(p, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/nested quantifier/);
  });
  it('refuses long patterns and back-references', () => {
    expect(compileSafeRegex('a'.repeat(201), {})).toMatchObject({ ok: false, error: expect.stringMatching(/200/) });
    expect(compileSafeRegex('(a)\\1', {})).toMatchObject({ ok: false, error: expect.stringMatching(/Back-references/) });
    expect(compileSafeRegex('[', {})).toMatchObject({ ok: false, error: expect.stringMatching(/not a valid regular expression/) });
  });
  it('accepts ordinary patterns, including quantified groups without inner quantifiers', () => {
    expect(compileSafeRegex('^(foo|bar)+$', {}).ok).toBe(true);
    expect(compileSafeRegex('^(?:a|b){2,}$', {}).ok).toBe(true);
    expect(compileSafeRegex('^\\d{3}-\\d{4}$', {}).ok).toBe(true);
    expect(compileSafeRegex('[(a+)+]', {}).ok).toBe(true);
  });
  it('caps the tested text so a huge value cannot hang', () => {
    const p = compileConditions({ match: 'all', conditions: [{ field: 'a', operator: 'matchesRegex', value: 'z$' }] });
    if (!p.ok) throw new Error('compile');
    expect(p.value({ a: `${'a'.repeat(1_000_000)}z` }, ctx)).toMatch(/does not match/);
  });
});
