/**
 * The flow editor's canvas driven the way a person does it, with the mouse: palette entries dragged
 * onto the canvas, ports connected by dragging from handle to handle.
 *
 *   const canvas = canvasOf(page);
 *   await canvas.dropStep('core.filter', { x: 360, y: 190 });
 *   await canvas.connect('Webhook', 'main', 'Filter');
 */
import type { Locator, Page } from 'playwright-core';

type Point = { x: number; y: number };

export async function center(locator: Locator): Promise<Point> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export function canvasOf(page: Page) {
  /** Presses at `from`, moves in small steps to `to` (running `hold` there, still pressed) and releases. */
  async function dragMouse(from: Point, to: Point, hold?: () => Promise<void>) {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 10, from.y + 5, { steps: 2 });
    await page.mouse.move(to.x, to.y, { steps: 12 });
    if (hold) await hold();
    await page.mouse.up();
  }

  /** A step's card on the canvas, by its label. */
  const nodeCard = (label: string) => page.locator('.react-flow__node', { has: page.locator(`[data-node-label="${label}"]`) });
  const handle = (label: string, kind: 'source' | 'target', port = 'main') => nodeCard(label).locator(`.react-flow__handle.${kind}[data-handleid="${port}"]`);

  return {
    dragMouse,
    nodeCard,
    handle,
    /** Drags a palette entry onto the canvas at an offset from the canvas' top-left corner. */
    async dropStep(type: string, at: Point) {
      const canvas = await page.getByTestId('canvas').boundingBox();
      if (!canvas) throw new Error('no canvas');
      const entry = page.getByTestId(`palette-${type}`);
      await entry.scrollIntoViewIfNeeded();
      await dragMouse(await center(entry), { x: canvas.x + at.x, y: canvas.y + at.y });
    },
    /** Drags from a step's output port to another step's input. */
    async connect(from: string, port: string, to: string) {
      await dragMouse(await center(handle(from, 'source', port)), await center(handle(to, 'target')));
    },
  };
}
