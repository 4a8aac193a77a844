import { describe, expect, it } from 'vitest';
import { DURATION_BUCKET_GROWTH, floorHour, histogramQuantile, openWindowStart } from './run-stats-rollup';

describe('histogramQuantile', () => {
  it('returns the geometric midpoint of the bucket holding the rank', () => {
    const buckets = new Map([
      [10, 50],
      [20, 45],
      [30, 5],
    ]);
    expect(histogramQuantile(buckets, 0.5)).toBeCloseTo(DURATION_BUCKET_GROWTH ** 9.5);
    expect(histogramQuantile(buckets, 0.95)).toBeCloseTo(DURATION_BUCKET_GROWTH ** 19.5);
    expect(histogramQuantile(buckets, 0.96)).toBeCloseTo(DURATION_BUCKET_GROWTH ** 29.5);
  });

  it('reads bucket 0 as 0 ms and an empty histogram as no value', () => {
    expect(histogramQuantile(new Map([[0, 3]]), 0.5)).toBe(0);
    expect(histogramQuantile(new Map(), 0.5)).toBeNull();
  });
});

describe('the open window', () => {
  it('starts at the hour that is not closed yet, five minutes of grace included', () => {
    expect(openWindowStart(new Date('2026-11-22T10:04:59Z')).toISOString()).toBe('2026-11-22T09:00:00.000Z');
    expect(openWindowStart(new Date('2026-11-22T10:05:00Z')).toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(floorHour(new Date('2026-11-22T10:59:59.999Z')).toISOString()).toBe('2026-11-22T10:00:00.000Z');
  });
});
