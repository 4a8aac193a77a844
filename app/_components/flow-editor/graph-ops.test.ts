import { describe, expect, it } from 'vitest';
import type { Flow } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import { diffFlows } from '../../_server/flows/flow-diff';
import { autoLayout } from './auto-layout';
import { canConnect, copySelection, pasteClipboard, removeElements } from './graph-ops';

const node = (id: string, type: string, label = id) => ({ id, type, typeVersion: 1, label, config: {}, settings: { retry: { maximumAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 60000 }, timeoutMs: 1000, onError: 'fail' as const } });
const flow: Flow = {
  schemaVersion: 1,
  id: 'f',
  name: 'f',
  nodes: [node('hook', 'core.webhook-trigger', 'Webhook'), node('filter', 'core.filter', 'Filter'), node('map', 'core.transform', 'Transform')],
  edges: [
    { id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'filter', port: 'main' } },
    { id: 'e2', from: { node: 'filter', port: 'kept' }, to: { node: 'map', port: 'main' } },
  ],
  layout: { hook: { x: 0, y: 0 }, filter: { x: 300, y: 0 }, map: { x: 600, y: 0 } },
};
const attempt = (source: string, sourceHandle: string, target: string, targetHandle = 'main') => canConnect(flow, nodeRegistry, { source, sourceHandle, target, targetHandle });

describe('connection rules', () => {
  it('accepts a new valid edge', () => expect(attempt('filter', 'dropped', 'map')).toEqual({ ok: true }));
  it('refuses cycles, with the reason', () => {
    const r = attempt('map', 'main', 'filter');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/loop/);
  });
  it('refuses inputs into a trigger', () => expect(!attempt('map', 'main', 'hook').ok && attempt('map', 'main', 'hook')).toMatchObject({ reason: expect.stringMatching(/trigger/) }));
  it('refuses unknown ports and self loops', () => {
    expect(attempt('filter', 'main', 'map').ok).toBe(false);
    expect(attempt('map', 'main', 'map').ok).toBe(false);
    expect(attempt('hook', 'main', 'filter').ok).toBe(false); // duplicate
  });
});

describe('editing helpers', () => {
  it('removes a node with its edges and position', () => {
    const next = removeElements(flow, new Set(['filter']), new Set());
    expect(next.edges).toEqual([]);
    expect(Object.keys(next.layout)).toEqual(['hook', 'map']);
  });

  it('pastes copies with new ids, internal edges and offset positions', () => {
    let n = 0;
    const { flow: next, pasted } = pasteClipboard(flow, copySelection(flow, new Set(['filter', 'map'])), () => `new${++n}`);
    expect(pasted).toEqual(['new1', 'new2']);
    expect(next.nodes.map((x) => x.label).slice(3)).toEqual(['Filter 2', 'Transform 2']);
    expect(next.edges[2]).toMatchObject({ from: { node: 'new1', port: 'kept' }, to: { node: 'new2' } });
    expect(next.layout.new1).toEqual({ x: 340, y: 40 });
  });

  it('lays out left to right', () => {
    const layout = autoLayout(flow);
    expect(layout.hook!.x).toBeLessThan(layout.filter!.x);
    expect(layout.filter!.x).toBeLessThan(layout.map!.x);
  });

  it('diffs two flows at node, field and edge level', () => {
    const after = { ...flow, nodes: [flow.nodes[0]!, { ...flow.nodes[1]!, label: 'Only real', config: { match: { kind: 'literal' as const, value: 'any' } } }], edges: [flow.edges[0]!] };
    const d = diffFlows(flow, after);
    expect(d.nodes.map((x) => [x.nodeId, x.kind, x.fields.map((f) => f.field)])).toEqual([
      ['filter', 'changed', ['label', 'config.match']],
      ['map', 'removed', []],
    ]);
    expect(d.edges).toEqual([{ edgeId: 'e2', kind: 'removed', description: 'Only real (kept) → Transform' }]);
  });
});
