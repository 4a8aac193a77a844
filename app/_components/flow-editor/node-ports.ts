/**
 * Where a card's ports sit: inputs spread down the left edge, outputs down the right. The card
 * draws its handles from this, and the canvas hands the same boxes to React Flow (`handles`), so
 * edges are drawn without measuring the DOM first and a moved card is never re-measured.
 */
import { Position, type NodeHandle } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';

/** The handle's side length in px (`!h-3 !w-3` in the card). */
export const HANDLE_SIZE = 12;

/** Vertical position of port `index` of `count`, as a fraction of the card's height. */
export function portFraction(index: number, count: number): number {
  return (index + 1) / (count + 1);
}

/** React Flow handle boxes of a card, relative to its top-left corner (handles are centred on the edge). */
export function portHandles(inPorts: readonly string[], outPorts: readonly string[]): NodeHandle[] {
  const box = (id: string, type: 'source' | 'target', i: number, count: number): NodeHandle => ({
    id,
    type,
    position: type === 'target' ? Position.Left : Position.Right,
    x: (type === 'target' ? 0 : NODE_WIDTH) - HANDLE_SIZE / 2,
    y: portFraction(i, count) * NODE_HEIGHT - HANDLE_SIZE / 2,
    width: HANDLE_SIZE,
    height: HANDLE_SIZE,
  });
  return [...inPorts.map((p, i) => box(p, 'target', i, inPorts.length)), ...outPorts.map((p, i) => box(p, 'source', i, outPorts.length))];
}
