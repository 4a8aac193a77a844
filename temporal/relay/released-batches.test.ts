import { describe, expect, it } from 'vitest';
import { releasedBatches } from './released-batches';

describe("a released flow's next batch", () => {
  it('is whole once as many new events came as runs finished', () => {
    const batches = releasedBatches();
    batches.released('f1', 3);
    expect(batches.arrived('f1', 2)).toBe(false);
    expect(batches.arrived('f1', 1)).toBe(true);
  });

  it('waits for every gathering flow, and ignores flows that are not gathering', () => {
    const batches = releasedBatches();
    batches.released('f1', 2);
    batches.released('f2', 1);
    expect(batches.arrived('f1', 2)).toBe(false); // f2 still gathers
    expect(batches.arrived('idle', 5)).toBe(false);
    expect(batches.arrived('f2', 1)).toBe(true);
  });

  it('gathers nothing after a pass took the batches', () => {
    const batches = releasedBatches();
    batches.released('f1', 1);
    batches.clear();
    expect(batches.arrived('f1', 1)).toBe(false);
  });
});
