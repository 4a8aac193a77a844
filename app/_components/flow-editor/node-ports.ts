/**
 * Where a card's ports sit: inputs spread along the side the flow comes from (left, or top when it
 * reads top to bottom), outputs along the opposite side. The card draws its handles from this, and
 * the canvas hands the same boxes to React Flow (`handles`), so edges are drawn without measuring
 * the DOM first and a moved card is never re-measured.
 */
import { Position, type NodeHandle } from '@xyflow/react';
import type { LayoutDirection } from './layout-direction';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';

/** The handle's side length in px (`!h-3 !w-3` in the card). */
export const HANDLE_SIZE = 12;

/** Position of port `index` of `count` along its side, as a fraction of the side's length. */
export function portFraction(index: number, count: number): number {
  return (index + 1) / (count + 1);
}

/** The sides of a card that take inputs and outputs. */
export function portSides(direction: LayoutDirection): { input: Position; output: Position } {
  return direction === 'TB' ? { input: Position.Top, output: Position.Bottom } : { input: Position.Left, output: Position.Right };
}

/** React Flow handle boxes of a card, relative to its top-left corner (handles are centred on the edge). */
export function portHandles(inPorts: readonly string[], outPorts: readonly string[], direction: LayoutDirection): NodeHandle[] {
  const sides = portSides(direction);
  const box = (id: string, type: 'source' | 'target', i: number, count: number): NodeHandle => {
    const along = portFraction(i, count);
    const far = type === 'source'; // outputs on the far side (right or bottom)
    return {
      id,
      type,
      position: far ? sides.output : sides.input,
      x: (direction === 'TB' ? along * NODE_WIDTH : far ? NODE_WIDTH : 0) - HANDLE_SIZE / 2,
      y: (direction === 'TB' ? (far ? NODE_HEIGHT : 0) : along * NODE_HEIGHT) - HANDLE_SIZE / 2,
      width: HANDLE_SIZE,
      height: HANDLE_SIZE,
    };
  };
  return [...inPorts.map((p, i) => box(p, 'target', i, inPorts.length)), ...outPorts.map((p, i) => box(p, 'source', i, outPorts.length))];
}
