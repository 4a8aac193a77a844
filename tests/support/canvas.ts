/**
 * Driving the flow editor's canvas in end-to-end tests the way a person does: drag a step from the
 * palette, connect two ports by dragging, find a step's card by its label.
 *
 *   const canvas = canvasDriver(page);
 *   await canvas.dropStep('core.webhook-trigger', { x: 150, y: 70 });
 *   await canvas.connect('Webhook', 'main', 'Filter');
 */
import type { Locator, Page } from 'playwright-core';

export async function center(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export function canvasDriver(page: Page) {
  const dragMouse = async (from: { x: number; y: number }, to: { x: number; y: number }) => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 10, from.y + 5, { steps: 2 });
    await page.mouse.move(to.x, to.y, { steps: 12 });
    await page.mouse.up();
  };
  const nodeCard = (label: string) => page.locator('.react-flow__node', { has: page.locator(`[data-node-label="${label}"]`) });
  const handle = (label: string, kind: 'source' | 'target', port = 'main') => nodeCard(label).locator(`.react-flow__handle.${kind}[data-handleid="${port}"]`);
  return {
    dragMouse,
    nodeCard,
    /** Drags a palette entry onto the canvas at an offset from the canvas' top-left corner. */
    async dropStep(type: string, at: { x: number; y: number }) {
      const canvas = await page.getByTestId('canvas').boundingBox();
      if (!canvas) throw new Error('no canvas');
      const entry = page.getByTestId(`palette-${type}`);
      await entry.scrollIntoViewIfNeeded();
      await dragMouse(await center(entry), { x: canvas.x + at.x, y: canvas.y + at.y });
    },
    async connect(from: string, port: string, to: string) {
      await dragMouse(await center(handle(from, 'source', port)), await center(handle(to, 'target')));
    },
  };
}
