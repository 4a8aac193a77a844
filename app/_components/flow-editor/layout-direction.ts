/**
 * Which way a flow reads: left to right (inputs on a card's left, outputs on its right) or top to
 * bottom (inputs on top, outputs below). Not stored: it follows from where the cards are, so a
 * tidy-up in either direction, an undo or a reload all agree, and edges never leave a card
 * sideways to loop back into the next one below.
 */
import type { Flow } from '../../../flows-engine/index';

export type LayoutDirection = 'LR' | 'TB';

/**
 * Top to bottom when the connections mostly run downwards, else left to right (also when there
 * are none yet).
 *
 * @example
 * ```ts
 * flowDirection([{ from: { node: 'a' }, to: { node: 'b' } }], { a: { x: 0, y: 0 }, b: { x: 0, y: 150 } }); // 'TB'
 * ```
 */
export function flowDirection(edges: Pick<Flow, 'edges'>['edges'], layout: Flow['layout']): LayoutDirection {
  let across = 0;
  let down = 0;
  for (const e of edges) {
    const a = layout[e.from.node];
    const b = layout[e.to.node];
    if (!a || !b) continue;
    across += Math.abs(b.x - a.x);
    down += Math.abs(b.y - a.y);
  }
  return down > across ? 'TB' : 'LR';
}

/** For a tidy-up: top to bottom when the canvas is taller than wide (a laptop with both panels open), else left to right. */
export function preferredDirection(canvas: { width: number; height: number } | undefined): LayoutDirection {
  return canvas && canvas.width < canvas.height * 1.2 ? 'TB' : 'LR';
}
