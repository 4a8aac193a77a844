import { describe, expect, it } from 'vitest';
import { nodeRegistry } from '../../../nodes/registry';
import { DEFAULT_NODE_SETTINGS, type FlowNode } from '../../../flows-engine/index';
import { availableFields, formFields, groupValue, inputFieldOptions, knownInputItems, sourceObjectOf, targetObjectOf, withGroupKey } from './form-model';

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

describe('nested settings as forms (no JSON box in any node panel)', () => {
  const upsert = def('sync.upsert-record');
  const field = (key: string) => formFields(upsert).find((f) => f.key === key);

  it('describes Match existing records by, Conflicts and the webhook signature as sub-forms with pickers', () => {
    expect(field('matchBy')?.children?.map((c) => [c.key, c.picker ?? c.widget])).toEqual([
      ['externalIdPath', 'input-field'],
      ['naturalKey', 'json'],
    ]);
    expect(field('matchBy')?.children?.[1]?.children?.map((c) => [c.key, c.picker])).toEqual([
      ['target', 'target-field'],
      ['sourcePath', 'input-field'],
    ]);
    expect(field('conflict')?.children?.map((c) => c.key)).toEqual(['fields', 'policy', 'sourceModifiedPath', 'targetModifiedField', 'skewMs', 'withinSkew']);
    expect(field('conflict')?.children?.find((c) => c.key === 'fields')).toMatchObject({ widget: 'list', picker: 'target-field' });
    const hmac = formFields(def('core.webhook-trigger')).find((f) => f.key === 'hmac');
    expect(hmac?.children?.find((c) => c.key === 'algorithm')).toMatchObject({ widget: 'select', options: ['sha256'] });
    // Every field of every node is a widget of the form, never a JSON box, except free-form data (HTTP body, manual sample items).
    const jsonBoxes = nodeRegistry.list().flatMap((d) => formFields(d).filter((f) => f.widget === 'json' && !f.children).map((f) => `${d.type}.${f.key}`));
    expect(jsonBoxes).toEqual(['core.manual-trigger.sampleItems', 'http.request.body']);
  });

  it('round-trips settings: what the sub-form writes is the shape the node reads, other keys kept', () => {
    const stored = { externalIdPath: 'recordKey' };
    const withKey = withGroupKey(stored, 'naturalKey', withGroupKey(withGroupKey(undefined, 'target', 'email'), 'sourcePath', 'email'));
    expect(withKey).toEqual({ externalIdPath: 'recordKey', naturalKey: { target: 'email', sourcePath: 'email' } });
    const config = upsert.config.parse({ connectionId: 'c', objectType: 'contacts', fields: [{ target: 'email', sourcePath: 'email' }], matchBy: withKey });
    expect(config.matchBy).toEqual(withKey);
    // Emptying a field removes it (the schema's optional), and the rest of the settings stay as stored.
    expect(withGroupKey(withKey, 'externalIdPath', undefined)).toEqual({ naturalKey: { target: 'email', sourcePath: 'email' } });
    expect(groupValue('not an object')).toEqual({});

    const conflict = withGroupKey(withGroupKey({}, 'fields', ['phone']), 'policy', 'source-wins');
    const parsed = upsert.config.parse({ connectionId: 'c', objectType: 'contacts', fields: [{ target: 'phone', sourcePath: 'phone' }], conflict });
    expect(parsed.conflict).toEqual({ fields: ['phone'], policy: 'source-wins', sourceModifiedPath: 'modifiedAt', targetModifiedField: 'modifiedAt', skewMs: 5000, withinSkew: 'target' });
  });
});

describe('what the field pickers offer', () => {
  const node = (id: string, type: string, config: Record<string, unknown> = {}): FlowNode => ({
    id,
    type,
    typeVersion: 1,
    label: id,
    config: Object.fromEntries(Object.entries(config).map(([k, value]) => [k, { kind: 'literal' as const, value }])),
    settings: DEFAULT_NODE_SETTINGS,
  });
  const edge = (from: string, to: string) => ({ id: `${from}-${to}`, from: { node: from, port: 'main' }, to: { node: to, port: 'main' } });
  const writes = (type: string) => type === 'sync.upsert-record';
  const triggers = (type: string) => type.endsWith('trigger');

  it('offers a step its own object, and a Transform the object of the writing step after it', () => {
    const doc = {
      nodes: [node('poll', 'core.poll-trigger', { connectionId: 'crm', objectType: 'contacts' }), node('map', 'core.transform'), node('write', 'sync.upsert-record', { connectionId: 'desk', objectType: 'users' })],
      edges: [edge('poll', 'map'), edge('map', 'write')],
    };
    expect(targetObjectOf(doc, 'write', writes)).toEqual({ connectionId: 'desk', objectType: 'users', nodeId: 'write' });
    expect(targetObjectOf(doc, 'map', writes)).toEqual({ connectionId: 'desk', objectType: 'users', nodeId: 'write' });
    expect(targetObjectOf({ nodes: doc.nodes, edges: [edge('poll', 'map')] }, 'map', writes)).toBeUndefined();
    expect(sourceObjectOf(doc, 'write', triggers)).toEqual({ connectionId: 'crm', objectType: 'contacts', nodeId: 'poll' });
  });

  it('types sample fields by their values and adds the trigger object’s fields the sample lacks', () => {
    const options = inputFieldOptions([{ email: 'ada@example.com', age: 36, at: '2026-01-02T03:04:05Z', tags: ['a'] }], [{ name: 'email', type: 'email', required: true }, { name: 'phone', type: 'phone' }]);
    expect(options).toEqual([
      { name: 'age', type: 'number' },
      { name: 'at', type: 'datetime' },
      { name: 'email', type: 'email', required: true },
      { name: 'tags', type: 'list' },
      { name: 'phone', type: 'phone' },
    ]);
  });
});
