import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeRegistry } from '../nodes/registry';
import { createDryRunEffectRunner } from './dry-run';
import { executeFlow, type ExecuteFlowInput } from './interpreter';
import { FlowSchema, type Item } from './schema';
import { checkPayload } from './payload';
import { parsePath, setAt } from './path';

const lit = (value: unknown) => ({ kind: 'literal', value });
function makeFlow(onError: 'fail' | 'continue' | 'route') {
  return FlowSchema.parse({
    schemaVersion: 1, id: 'f', name: 'F',
    nodes: [
      { id: 't', type: 'core.manual-trigger', typeVersion: 1, label: 'T', config: {} },
      { id: 'f', type: 'core.filter', typeVersion: 1, label: 'F', config: { conditions: lit([{ field: 'n', operator: 'gte', value: 0 }]) } },
      { id: 'x', type: 'core.transform', typeVersion: 1, label: 'X', settings: { onError }, config: { mappings: lit([{ target: 'd', source: { kind: 'expr', source: 'n * 2' } }, { target: 'bad', source: { kind: 'expr', source: "n + (tag = 'boom' ? 'x' : 0)" } }]) } },
      { id: 'g', type: 'core.continue-if', typeVersion: 1, label: 'G', config: { conditions: lit([{ field: 'tag', operator: 'notEquals', value: 'skip' }]) } },
      { id: 'h', type: 'http.request', typeVersion: 1, label: 'H', config: { url: lit('https://example.com') } },
      { id: 'side', type: 'core.transform', typeVersion: 1, label: 'Side', config: { mappings: lit([{ target: 'side', source: { kind: 'literal', value: true } }]) } },
    ],
    edges: [
      { id: 'e1', from: { node: 't', port: 'main' }, to: { node: 'f', port: 'main' } },
      { id: 'e2', from: { node: 'f', port: 'kept' }, to: { node: 'x', port: 'main' } },
      { id: 'e3', from: { node: 'x', port: 'main' }, to: { node: 'g', port: 'main' } },
      { id: 'e4', from: { node: 'g', port: 'main' }, to: { node: 'h', port: 'main' } },
      { id: 'e5', from: { node: 'f', port: 'dropped' }, to: { node: 'side', port: 'main' } },
    ],
  });
}
const input = (items: Item[], onError: 'fail' | 'continue' | 'route' = 'fail'): ExecuteFlowInput => ({
  flow: makeFlow(onError),
  registry: nodeRegistry,
  trigger: { items, payload: {} },
  meta: { runId: 'r', flowId: 'f', flowName: 'F', version: 1, now: '2026-01-01T00:00:00Z' },
  integrationIdentities: {},
  runEffect: createDryRunEffectRunner({ registry: nodeRegistry }).runEffect,
});

describe('executeFlow', () => {
  it('runs nodes in order with traces, skipped items and dry-run effects', async () => {
    const dry = createDryRunEffectRunner({ registry: nodeRegistry });
    const r = await executeFlow({ ...input([{ json: { n: 1 } }, { json: { n: -1 } }, { json: { n: 2, tag: 'skip' } }]), runEffect: dry.runEffect });
    expect(r.status).toBe('succeeded');
    expect(r.trace.map((t) => [t.nodeId, t.status, t.itemsIn])).toEqual([
      ['t', 'succeeded', 3], ['f', 'succeeded', 3], ['x', 'succeeded', 2], ['g', 'succeeded', 2], ['h', 'succeeded', 1], ['side', 'succeeded', 1],
    ]);
    expect(r.trace.find((t) => t.nodeId === 'g')?.skipped).toEqual([{ index: 1, reason: 'tag is "skip"', json: { n: 2, tag: 'skip', d: 4, bad: 2 } }]);
    expect(dry.writes).toHaveLength(1);
    expect(dry.writes[0]).toMatchObject({ nodeId: 'h', type: 'http.request' });
  });

  it('onError fail stops the run with a located error', async () => {
    const r = await executeFlow(input([{ json: { n: 1, tag: 'boom' } }]));
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ nodeId: 'x', field: 'mappings[1].source', category: 'user' });
    expect(r.error?.message).toMatch(/must evaluate to a number.*at character/);
    expect(r.trace.find((t) => t.nodeId === 'g')).toMatchObject({ status: 'skipped', skipReason: 'run-stopped' });
  });

  it('onError continue records the failure and goes on with other branches', async () => {
    const r = await executeFlow(input([{ json: { n: 1, tag: 'boom' } }, { json: { n: -5 } }], 'continue'));
    expect(r.status).toBe('succeeded');
    expect(r.hadErrors).toBe(true);
    expect(r.trace.find((t) => t.nodeId === 'x')?.status).toBe('failed');
    expect(r.trace.find((t) => t.nodeId === 'g')).toMatchObject({ status: 'skipped', skipReason: 'no-input' });
    expect(r.trace.find((t) => t.nodeId === 'side')?.status).toBe('succeeded');
  });

  it('onError route sends items to the error port', async () => {
    const r = await executeFlow(input([{ json: { n: 1, tag: 'boom' } }], 'route'));
    expect(r.outputs.x?.error?.[0]?.json).toMatchObject({ n: 1, _error: { nodeId: 'x', category: 'user' } });
  });

  it('refuses hostile trigger data cleanly', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) deep = { d: deep };
    const r1 = await executeFlow(input([{ json: deep }]));
    expect(r1).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/nested too deeply at \$\.items\[0\]\.json\.d/) } });
    const r2 = await executeFlow(input([{ json: JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown> }]));
    expect(r2.error?.message).toMatch(/"__proto__" .* is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is deterministic: same input, same trace', async () => {
    const item = fc.record({ n: fc.integer({ min: -3, max: 3 }), tag: fc.constantFrom('a', 'skip', 'boom') }, { requiredKeys: ['n'], noNullPrototype: true });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 8 }), fc.constantFrom('fail', 'continue', 'route') as fc.Arbitrary<'fail' | 'continue' | 'route'>, async (jsons, onError) => {
        const items = jsons.map((json) => ({ json }));
        const a = await executeFlow(input(items, onError));
        const b = await executeFlow(input(structuredClone(items), onError));
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 100 },
    );
  });
});

describe('safety helpers', () => {
  it('never writes through pollution keys', () => {
    expect(parsePath('a.__proto__.b').ok).toBe(false);
    expect(parsePath('constructor').ok).toBe(false);
    expect(parsePath('a[0].prototype').ok).toBe(false);
    expect(setAt({}, ['__proto__', 'x'], 1).ok).toBe(false);
    const r = setAt({ a: 1 }, ['b', 0, 'c'], 2);
    expect(r).toEqual({ ok: true, value: { a: 1, b: [{ c: 2 }] } });
  });
  it('checkPayload bounds depth, size and keys without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(checkPayload(deep)).toMatchObject({ ok: false, error: expect.stringMatching(/nested too deeply/) });
    expect(checkPayload(new Array(20).fill('x'), { maxValues: 10 })).toMatchObject({ ok: false, error: expect.stringMatching(/too large/) });
    expect(checkPayload({ a: 'x'.repeat(50) }, { maxStringLength: 10 })).toMatchObject({ ok: false, error: expect.stringMatching(/\$\.a is too long/) });
    expect(checkPayload({ a: [{ b: 1 }] }).ok).toBe(true);
  });
});
