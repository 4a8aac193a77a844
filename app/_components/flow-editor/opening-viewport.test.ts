import { describe, expect, it } from 'vitest';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';
import { openingViewport, READABLE_ZOOM } from './opening-viewport';

/** Where a flow point lands on screen. */
const onScreen = (v: { x: number; y: number; zoom: number }, p: { x: number; y: number }) => ({ x: p.x * v.zoom + v.x, y: p.y * v.zoom + v.y });

describe('the canvas opening viewport', () => {
  it('fits a small flow, no closer than 100 %', () => {
    const layout = { a: { x: 0, y: 0 }, b: { x: 300, y: 0 } };
    const v = openingViewport({ layout, triggerId: 'a', direction: 'LR', width: 1000, height: 600 })!;
    expect(v.zoom).toBe(1);
    const left = onScreen(v, layout.a);
    const right = onScreen(v, { x: layout.b.x + NODE_WIDTH, y: 0 });
    expect(left.x).toBeCloseTo(1000 - right.x); // centred
  });

  it('opens a wide flow at a readable zoom with its trigger at the left edge, vertically centred', () => {
    const layout = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`n${i}`, { x: i * 320, y: (i % 3) * 140 }]));
    const v = openingViewport({ layout, triggerId: 'n0', direction: 'LR', width: 980, height: 700 })!;
    expect(v.zoom).toBe(READABLE_ZOOM);
    const trigger = onScreen(v, layout.n0!);
    expect(trigger.x).toBeGreaterThan(0);
    expect(trigger.x).toBeLessThan(100);
    expect(trigger.y + (NODE_HEIGHT * v.zoom) / 2).toBeCloseTo(350);
  });

  it('puts the trigger of a tall top-to-bottom flow at the top, horizontally centred', () => {
    const layout = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`n${i}`, { x: 0, y: i * 200 }]));
    const v = openingViewport({ layout, triggerId: 'n0', direction: 'TB', width: 800, height: 600 })!;
    expect(v.zoom).toBe(READABLE_ZOOM);
    const trigger = onScreen(v, layout.n0!);
    expect(trigger.y).toBeLessThan(100);
    expect(trigger.x + (NODE_WIDTH * v.zoom) / 2).toBeCloseTo(400);
  });

  it('has nothing to do for an empty flow', () => {
    expect(openingViewport({ layout: {}, triggerId: undefined, direction: 'LR', width: 800, height: 600 })).toBeNull();
  });
});
