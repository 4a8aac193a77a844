import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { compileConditions, type Condition } from '../../../flows-engine/index';
import { ConditionBuilder } from './condition-builder';
import { emptyGroup, MAX_GROUP_DEPTH } from './condition-logic';

const render = (value: Condition[]) => renderToStaticMarkup(<ConditionBuilder value={value} fields={[{ name: 'email', type: 'email' }, { name: 'status', type: 'string' }]} onChange={() => {}} />);

describe('the condition builder', () => {
  const nested: Condition[] = [
    { field: 'email', operator: 'isNotEmpty' },
    { match: 'any', conditions: [{ field: 'status', operator: 'equals', value: 'active' }, { match: 'all', conditions: [{ field: 'age', operator: 'gte', value: 18 }] }] },
  ];

  it('renders nested groups as editable lists with their own all / any, every control labelled by its place', () => {
    const html = render(nested);
    expect(html.match(/data-testid="condition-group"/g)).toHaveLength(2);
    expect(html).toContain('aria-label="Condition 1 field"');
    expect(html).toContain('aria-label="Group 2 match"');
    expect(html).toContain('aria-label="Condition 2.1 field"');
    expect(html).toContain('aria-label="Group 2.2 match"');
    expect(html).toContain('aria-label="Condition 2.2.1 value"');
    expect(html).toContain('aria-label="Remove group 2.2"');
    expect(html).toMatch(/<option value="any" selected="">any of<\/option>/);
    // No JSON dump of groups any more.
    expect(html).not.toContain('&quot;conditions&quot;');
  });

  it('offers "Add group" down to the maximum depth only', () => {
    const html = render(nested);
    expect(html).toContain('aria-label="Add group to group 2"');
    const deepest = `2${'.2'.repeat(MAX_GROUP_DEPTH - 2)}`;
    expect(html).toContain(`aria-label="Add condition to group ${deepest}"`);
    expect(html).not.toContain(`aria-label="Add group to group ${deepest}"`);
  });

  it('produces groups the engine compiles', () => {
    const group = emptyGroup('email');
    expect(compileConditions({ match: 'all', conditions: [...nested, { ...group, conditions: [{ field: 'email', operator: 'contains', value: '@' }] }] }).ok).toBe(true);
  });
});
