import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../../flows-engine/index';
import { buildCanvasNodes } from './canvas-nodes';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';

const node = (id: string, type: string, onError: 'fail' | 'route' = 'fail'): FlowNode => ({
  id,
  type,
  typeVersion: 1,
  label: id,
  config: {},
  settings: { retry: { maximumAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 1000 }, timeoutMs: 1000, onError },
});

describe('the canvas nodes', () => {
  const nodes = [node('hook', 'core.webhook-trigger'), node('filter', 'core.filter')];
  const layout = { hook: { x: 0, y: 0 }, filter: { x: 300, y: 0 } };
  const first = buildCanvasNodes({ nodes, layout, selected: new Set(), direction: 'LR', previous: new Map() });

  it('carry their size and port boxes, so React Flow never measures them', () => {
    const filter = first.list[1]!;
    expect(filter.measured).toEqual({ width: NODE_WIDTH, height: NODE_HEIGHT });
    expect(filter.handles?.map((h) => [h.id, h.type, h.position])).toEqual([
      ['main', 'target', 'left'],
      ['kept', 'source', 'right'],
      ['dropped', 'source', 'right'],
    ]);
    // Outputs spread down the right edge: centred at 1/3 and 2/3 of the height.
    expect(filter.handles?.slice(1).map((h) => h.y + (h.height ?? 0) / 2)).toEqual([NODE_HEIGHT / 3, (2 * NODE_HEIGHT) / 3]);
    expect(filter.handles?.[1]?.x).toBeGreaterThan(NODE_WIDTH - 12);
  });

  it('keep the object of an unchanged node and give a moved one a new object with the same measurements', () => {
    const moved = buildCanvasNodes({ nodes, layout: { ...layout, filter: { x: 310, y: 5 } }, selected: new Set(), direction: 'LR', previous: first.cache });
    expect(moved.list[0]).toBe(first.list[0]);
    expect(moved.list[1]).not.toBe(first.list[1]);
    expect(moved.list[1]).toMatchObject({ position: { x: 310, y: 5 }, measured: first.list[1]!.measured });
    expect(moved.list[1]!.handles).toBe(first.list[1]!.handles);
  });

  it('put the ports on top and bottom when the flow reads top to bottom', () => {
    const vertical = buildCanvasNodes({ nodes, layout, selected: new Set(), direction: 'TB', previous: first.cache });
    expect(vertical.list[1]!.handles?.map((h) => [h.id, h.position, h.x + (h.width ?? 0) / 2, h.y + (h.height ?? 0) / 2])).toEqual([
      ['main', 'top', NODE_WIDTH / 2, 0],
      ['kept', 'bottom', NODE_WIDTH / 3, NODE_HEIGHT],
      ['dropped', 'bottom', (2 * NODE_WIDTH) / 3, NODE_HEIGHT],
    ]);
  });

  it('rebuild the ports when a step starts routing its errors', () => {
    const routed = buildCanvasNodes({ nodes: [nodes[0]!, node('filter', 'core.filter', 'route')], layout, selected: new Set(['filter']), direction: 'LR', previous: first.cache });
    expect(routed.list[1]!.selected).toBe(true);
    expect(routed.list[1]!.handles?.map((h) => h.id)).toEqual(['main', 'kept', 'dropped', 'error']);
  });
});
