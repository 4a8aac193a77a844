import { describe, expect, it } from 'vitest';
import { compileConditions } from '../../../flows-engine/index';
import { changeOperator, describeCondition, loopGuardRule, parseRuleValue, valueKind } from './condition-logic';

describe('condition builder logic', () => {
  it('knows what value each operator needs', () => {
    expect(valueKind('isEmpty')).toBe('none');
    expect(valueKind('in')).toBe('list');
    expect(valueKind('gte')).toBe('number');
    expect(valueKind('isNotIntegrationAccount')).toBe('connection');
    expect(valueKind('contains')).toBe('text');
  });

  it('parses typed values per operator', () => {
    expect(parseRuleValue('in', 'a, b ,, c')).toEqual(['a', 'b', 'c']);
    expect(parseRuleValue('gt', '18')).toBe(18);
    expect(parseRuleValue('gt', '2024-01-01')).toBe('2024-01-01');
    expect(parseRuleValue('equals', '42')).toBe('42');
  });

  it('converts the value when the operator changes and drops what no longer applies', () => {
    expect(changeOperator({ field: 'tags', operator: 'equals', value: 'a,b', ignoreCase: true }, 'in')).toEqual({ field: 'tags', operator: 'in', value: ['a', 'b'], ignoreCase: true });
    expect(changeOperator({ field: 'x', operator: 'equals', value: 'v', ignoreCase: true }, 'isEmpty')).toEqual({ field: 'x', operator: 'isEmpty' });
    expect(changeOperator({ field: 'age', operator: 'equals', value: '18' }, 'gte')).toEqual({ field: 'age', operator: 'gte', value: 18 });
  });

  it('produces rules the engine compiles', () => {
    const rules = [changeOperator({ field: 'status', operator: 'equals', value: 'a, b' }, 'in'), { field: 'email', operator: 'isNotEmpty' as const }];
    expect(compileConditions({ match: 'all', conditions: rules }).ok).toBe(true);
  });

  it('summarises conditions in words', () => {
    expect(describeCondition({ field: 'email', operator: 'isNotEmpty' })).toBe('email is not empty');
    expect(describeCondition({ field: 'status', operator: 'in', value: ['a', 'b'] })).toBe('status is one of a, b');
    expect(describeCondition({ match: 'any', conditions: [{ field: 'a', operator: 'isTrue' }, { field: 'b', operator: 'isTrue' }] })).toBe('any of 2 conditions');
    expect(describeCondition(loopGuardRule())).toBe('modifiedBy is not the integration account of (choose a connection)');
  });
});
