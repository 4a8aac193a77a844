/** Which live flows a full re-sync can replay as a load of their own objects and field map, and why not. */
import { describe, expect, it } from 'vitest';
import { loadOfFlow } from './flow-spec';
import { specProblems } from './bulk-spec';

const lit = (value: unknown) => ({ kind: 'literal', value });
const poll = { id: 'poll', type: 'core.poll-trigger', config: { connectionId: lit('src'), objectType: lit('contacts'), idField: lit('id'), modifiedField: lit('lastmodifieddate') } };
const upsert = (config: Record<string, unknown> = {}) => ({
  id: 'write',
  type: 'sync.upsert-record',
  config: {
    connectionId: lit('dst'),
    objectType: lit('customers'),
    fields: lit([{ target: 'name', sourcePath: 'firstname' }, { target: 'email', sourcePath: 'email' }]),
    matchBy: lit({ naturalKey: { target: 'email', sourcePath: 'email' } }),
    ...config,
  },
});

describe('loadOfFlow', () => {
  it('reads the source object from the poll trigger and the target object, field map and natural key from the upsert step', () => {
    expect(loadOfFlow({ nodes: [poll, { id: 'loop', type: 'core.continue-if', config: {} }, upsert()] })).toEqual({
      sourceConnectionId: 'src',
      targetConnectionId: 'dst',
      spec: {
        sourceObject: 'contacts',
        sourceIdField: 'id',
        sourceModifiedField: 'lastmodifieddate',
        targetObject: 'customers',
        fields: [{ target: 'name', source: 'firstname' }, { target: 'email', source: 'email' }],
        matchBy: 'email',
      },
    });
  });

  it('refuses flows a load cannot repeat, saying why', () => {
    expect(loadOfFlow({ nodes: [poll, { id: 't', type: 'core.transform', config: {} }, upsert()] })).toEqual({ problem: 'its core.transform step changes or filters the records, which a load cannot repeat' });
    expect(loadOfFlow({ nodes: [poll, upsert({ matchBy: lit({}) })] })).toEqual({ problem: 'its upsert step matches no natural key (e.g. email), so a load could duplicate records' });
    expect(loadOfFlow({ nodes: [poll, upsert({ fields: lit([{ target: 'email', sourcePath: 'properties.email' }]) })] })).toEqual({ problem: 'its upsert step writes values that are not plain fields of the polled record' });
    expect(loadOfFlow({ nodes: [upsert()] })).toEqual({ problem: 'it does not poll one object and write it into one other object' });
  });
});

describe('specProblems', () => {
  it('names each setting that is missing or inconsistent', () => {
    const base = { sourceObject: 'contacts', sourceIdField: 'id', sourceModifiedField: 'updated_at', targetObject: 'customers', fields: [{ target: 'email', source: 'email' }], matchBy: 'email' };
    expect(specProblems(base)).toEqual([]);
    expect(specProblems({ ...base, fields: [] })).toEqual(['fields: map at least one target field to a source field.', 'matchBy: “email” is not one of the mapped target fields.']);
    expect(specProblems({ ...base, fields: [{ target: 'email', source: 'email' }, { target: 'email', source: 'mail' }] })).toEqual(['fields[1]: target field “email” is mapped twice.']);
    expect(specProblems({ ...base, matchBy: '' })[0]).toMatch(/^matchBy: choose the target field/);
  });
});
