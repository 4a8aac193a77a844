import { describe, expect, it } from 'vitest';
import { autoLayout } from './auto-layout';
import { flowDirection, preferredDirection } from './layout-direction';

const edge = (from: string, to: string) => ({ id: `${from}-${to}`, from: { node: from, port: 'main' }, to: { node: to, port: 'main' } });
const nodes = ['a', 'b', 'c'].map((id) => ({ id, type: 'core.filter', typeVersion: 1, label: id, config: {}, settings: { retry: { maximumAttempts: 1, initialIntervalMs: 1, backoffCoefficient: 1, maximumIntervalMs: 1 }, timeoutMs: 1, onError: 'fail' as const } }));
const edges = [edge('a', 'b'), edge('b', 'c')];

describe('the direction a flow reads in', () => {
  it('follows the tidy-up: ports on the sides for left to right, on top and bottom for top to bottom', () => {
    expect(flowDirection(edges, autoLayout({ nodes, edges }, 'LR'))).toBe('LR');
    expect(flowDirection(edges, autoLayout({ nodes, edges }, 'TB'))).toBe('TB');
  });

  it('reads hand-placed zig-zags as left to right, and a flow without connections too', () => {
    expect(flowDirection(edges, { a: { x: 0, y: 0 }, b: { x: 210, y: 120 }, c: { x: 0, y: 240 } })).toBe('LR');
    expect(flowDirection([], { a: { x: 0, y: 0 }, b: { x: 0, y: 500 } })).toBe('LR');
  });

  it('tidies up top to bottom on a canvas taller than wide', () => {
    expect(preferredDirection({ width: 580, height: 700 })).toBe('TB');
    expect(preferredDirection({ width: 1200, height: 700 })).toBe('LR');
  });
});
