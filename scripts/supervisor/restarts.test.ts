import { describe, expect, it } from 'vitest';
import { RestartBackoff } from './restarts';

describe('RestartBackoff', () => {
  it('waits 1 s doubling up to 30 s, and never gives up however often a part fails', () => {
    let now = 0;
    const backoff = new RestartBackoff(() => now);
    const delays = Array.from({ length: 40 }, () => {
      const delay = backoff.nextDelayMs();
      now += delay + 100; // the part fails again right after each restart
      backoff.started();
      return delay;
    });
    expect(delays.slice(0, 7)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(delays.every((d) => d > 0 && d <= 30_000)).toBe(true);
    expect(delays.at(-1)).toBe(30_000);
  });

  it('starts from 1 s again after a part ran for a minute', () => {
    let now = 0;
    const backoff = new RestartBackoff(() => now);
    for (let i = 0; i < 5; i++) backoff.nextDelayMs();
    backoff.started();
    now += 60_000;
    expect(backoff.nextDelayMs()).toBe(1000);
  });
});
