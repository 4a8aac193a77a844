import { describe, expect, it } from 'vitest';
import { nodeRegistry } from '../../../nodes/registry';
import { availableFields, formFields, knownInputItems } from './form-model';

const def = (type: string) => {
  const d = nodeRegistry.latest(type);
  if (!d) throw new Error(type);
  return d;
};

describe('the form generator (describeConfig -> fields)', () => {
  it('gives Filter a match select and a condition builder, no expression toggle on the builder', () => {
    const fields = formFields(def('core.filter'));
    expect(fields.map((f) => [f.key, f.widget, f.allowsExpression])).toEqual([
      ['match', 'select', true],
      ['conditions', 'condition-list', false],
    ]);
    expect(fields[0]?.options).toEqual(['all', 'any']);
    expect(fields[0]?.defaultValue).toBe('all');
  });

  it('tells the two field-mapping row shapes apart by asking the schema', () => {
    expect(formFields(def('core.transform')).find((f) => f.key === 'mappings')?.mappingVariant).toBe('source');
    expect(formFields(def('sync.upsert-record')).find((f) => f.key === 'fields')?.mappingVariant).toBe('source-path');
  });

  it('offers a connection picker with the accepted kinds', () => {
    const conn = formFields(def('sync.upsert-record')).find((f) => f.key === 'connectionId');
    expect(conn).toMatchObject({ widget: 'connection', required: true });
    expect(conn?.connectionKinds).toContain('demo-crm');
  });

  it('generates a form for every registered node type without throwing', () => {
    for (const d of nodeRegistry.list()) {
      const fields = formFields(d);
      for (const f of fields) expect(typeof f.label).toBe('string');
    }
  });
});

describe('fields available to pick from', () => {
  it('lists nested paths of sample items', () => {
    expect(availableFields([{ email: 'a', address: { city: 'x' }, 'odd key': 1 }])).toEqual(['["odd key"]', 'address.city', 'email']);
  });

  it('uses the trigger sample for downstream nodes until a test run traced the node', () => {
    const doc = {
      nodes: [],
      edges: [{ id: 'e', from: { node: 't', port: 'main' }, to: { node: 'f', port: 'main' } }],
      samples: { t: [{ email: 'x' }] },
    };
    expect(knownInputItems(doc, 'f', null)).toEqual([{ email: 'x' }]);
    expect(knownInputItems(doc, 'other', null)).toEqual([]);
  });
});
