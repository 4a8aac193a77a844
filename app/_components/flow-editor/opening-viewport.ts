/**
 * Where the canvas opens. A flow that fits at a readable zoom is fitted; a bigger one opens at a
 * readable zoom with its trigger at the start edge (left for a left-to-right flow, top for
 * top-to-bottom), so the analyst reads the flow from its beginning instead of a zoomed-out picture
 * with clipped labels. Pure, so it is tested without a browser.
 */
import type { Flow } from '../../../flows-engine/index';
import type { LayoutDirection } from './layout-direction';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';

/** Below this, card labels are cut off or hard to read at 1440 px. */
export const READABLE_ZOOM = 0.75;
const MAX_ZOOM = 1;
const PADDING = 48;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export function openingViewport(input: {
  layout: Flow['layout'];
  triggerId: string | undefined;
  direction: LayoutDirection;
  width: number;
  height: number;
}): Viewport | null {
  const positions = Object.values(input.layout);
  if (positions.length === 0 || input.width <= 0 || input.height <= 0) return null;
  const minX = Math.min(...positions.map((p) => p.x));
  const minY = Math.min(...positions.map((p) => p.y));
  const maxX = Math.max(...positions.map((p) => p.x + NODE_WIDTH));
  const maxY = Math.max(...positions.map((p) => p.y + NODE_HEIGHT));
  const fit = Math.min((input.width - 2 * PADDING) / (maxX - minX), (input.height - 2 * PADDING) / (maxY - minY), MAX_ZOOM);
  if (fit >= READABLE_ZOOM) {
    return { zoom: fit, x: (input.width - (maxX - minX) * fit) / 2 - minX * fit, y: (input.height - (maxY - minY) * fit) / 2 - minY * fit };
  }
  const zoom = READABLE_ZOOM;
  const anchor = (input.triggerId && input.layout[input.triggerId]) || { x: minX, y: minY };
  return input.direction === 'LR'
    ? { zoom, x: PADDING - anchor.x * zoom, y: input.height / 2 - (anchor.y + NODE_HEIGHT / 2) * zoom }
    : { zoom, x: input.width / 2 - (anchor.x + NODE_WIDTH / 2) * zoom, y: PADDING - anchor.y * zoom };
}
