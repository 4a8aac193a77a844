/**
 * Hostile-input corpus: malformed flows, broken expressions, pathological regexes and pollution
 * keys must all give clear, located issues — never a crash, never a hang, never pollution.
 */
import { describe, expect, it } from 'vitest';
import { createDryRunEffectRunner, executeFlow, FlowSchema, importFlow, validateForPublish } from '../flows-engine/index';
import { nodeRegistry } from './registry';

const lit = (value: unknown) => ({ kind: 'literal', value });
const withNode = (config: Record<string, unknown>, type = 'core.transform') => ({
  schemaVersion: 1, id: 'f', name: 'F',
  nodes: [
    { id: 't', type: 'core.manual-trigger', typeVersion: 1, label: 'T', config: {} },
    { id: 'n', type, typeVersion: 1, label: 'Step', config },
  ],
  edges: [{ id: 'e', from: { node: 't', port: 'main' }, to: { node: 'n', port: 'main' } }],
});

const corpus: [string, unknown, { code: string; nodeId?: string; field?: string; message: RegExp }][] = [
  ['not an object', 'flow', { code: 'draft.shape', message: /not valid/ }],
  ['wrong schema version', { schemaVersion: 2, id: 'f', name: 'F', nodes: [], edges: [] }, { code: 'draft.shape', field: 'schemaVersion', message: /schemaVersion/ }],
  ['node without type', { schemaVersion: 1, id: 'f', name: 'F', nodes: [{ id: 'x' }], edges: [] }, { code: 'draft.shape', field: 'nodes[0].type', message: /nodes\[0\]\.type/ }],
  ['bad node id', { schemaVersion: 1, id: 'f', name: 'F', nodes: [{ id: 'a b', type: 'core.filter', typeVersion: 1, label: '' }], edges: [] }, { code: 'draft.shape', field: 'nodes[0].id', message: /letters, digits/ }],
  ['broken expression', withNode({ mappings: lit([{ target: 'a', source: { kind: 'expr', source: '$uppercase(' } }]) }), { code: 'expr.parse', nodeId: 'n', field: 'mappings[0].source', message: /at character \d+/ }],
  ['unclosed string', withNode({ mappings: lit([{ target: 'a', source: { kind: 'expr', source: '"abc' } }]) }), { code: 'expr.parse', nodeId: 'n', message: /at character/ }],
  ['random()', withNode({ mappings: lit([{ target: 'a', source: { kind: 'expr', source: '$random()' } }]) }), { code: 'expr.parse', nodeId: 'n', message: /replayed/ }],
  ['pathological regex', withNode({ conditions: lit([{ field: 'a', operator: 'matchesRegex', value: '^(a+)+$' }]) }, 'core.filter'), { code: 'config.invalid', nodeId: 'n', field: 'conditions[0].value', message: /nested quantifier/ }],
  ['huge regex', withNode({ conditions: lit([{ field: 'a', operator: 'matchesRegex', value: 'a'.repeat(500) }]) }, 'core.filter'), { code: 'config.invalid', nodeId: 'n', message: /limit is 200/ }],
  ['unknown operator', withNode({ conditions: lit([{ field: 'a', operator: 'like', value: 1 }]) }, 'core.filter'), { code: 'config.invalid', nodeId: 'n', field: 'conditions[0].operator', message: /Unknown operator "like"/ }],
  ['__proto__ target', withNode({ mappings: lit([{ target: '__proto__.polluted', source: { kind: 'literal', value: 1 } }]) }), { code: 'config.invalid', nodeId: 'n', field: 'mappings[0].target', message: /"__proto__" is not allowed/ }],
  ['constructor.prototype target', withNode({ mappings: lit([{ target: 'constructor.prototype.x', source: { kind: 'literal', value: 1 } }]) }), { code: 'config.invalid', nodeId: 'n', message: /"constructor" is not allowed/ }],
  ['pollution in literal config', withNode({ mappings: { kind: 'literal', value: JSON.parse('[{"target":"a","source":{"kind":"literal","value":{"__proto__":{"x":1}}}}]') } }), { code: 'config.unsafe', nodeId: 'n', message: /"__proto__"/ }],
  ['credentials in a header', withNode({ url: lit('https://x.test'), headers: lit({ Authorization: 'Bearer abc' }) }, 'http.request'), { code: 'config.invalid', nodeId: 'n', field: 'headers.Authorization', message: /connection/ }],
];

describe('hostile inputs give clear located issues', () => {
  it.each(corpus)('%s', (_name, input, want) => {
    const issues = validateForPublish(input, nodeRegistry);
    const hit = issues.find((i) => i.code === want.code && (want.nodeId === undefined || i.nodeId === want.nodeId) && (want.field === undefined || i.field === want.field));
    expect(hit, JSON.stringify(issues, null, 2)).toBeDefined();
    expect(hit?.message).toMatch(want.message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses polluted and deep import documents', () => {
    const polluted = importFlow(JSON.parse('{"format":"syncline.flow","__proto__":{"polluted":1}}'), { registry: nodeRegistry, connectionIdByName: {} });
    expect(polluted.issues[0]).toMatchObject({ code: 'import.refused', message: expect.stringMatching(/"__proto__"/) });
    let deep: unknown = {};
    for (let i = 0; i < 1000; i++) deep = { a: deep };
    expect(importFlow(deep, { registry: nodeRegistry, connectionIdByName: {} }).issues[0]?.message).toMatch(/nested too deeply/);
    expect(importFlow({ format: 'other' }, { registry: nodeRegistry, connectionIdByName: {} }).issues[0]?.code).toBe('import.shape');
  });

  it('a transform never writes through prototype keys at run time, and a regex cannot hang', async () => {
    const flow = FlowSchema.parse(
      withNode({ mappings: lit([{ target: 'safe', source: { kind: 'path', path: 'x' } }]) }),
    );
    const items = [{ json: { x: 1 } }];
    const r = await executeFlow({
      flow, registry: nodeRegistry, trigger: { items, payload: {} },
      meta: { runId: 'r', flowId: 'f', flowName: 'F', version: 1, now: '2026-01-01T00:00:00Z' },
      integrationIdentities: {}, runEffect: createDryRunEffectRunner().runEffect,
    });
    expect(r.outputs.n?.main?.[0]?.json).toEqual({ x: 1, safe: 1 });
    const started = Date.now();
    const regexFlow = FlowSchema.parse(withNode({ conditions: lit([{ field: 'a', operator: 'matchesRegex', value: '^(a|aa)*b$' }]) }, 'core.filter'));
    await executeFlow({
      flow: regexFlow, registry: nodeRegistry, trigger: { items: [{ json: { a: 'a'.repeat(30) } }], payload: {} },
      meta: { runId: 'r', flowId: 'f', flowName: 'F', version: 1, now: '2026-01-01T00:00:00Z' },
      integrationIdentities: {}, runEffect: createDryRunEffectRunner().runEffect,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
