import { describe, expect, it } from 'vitest';
import { nextAttemptAt } from './step-attempts';

const retry = { maximumAttempts: 4, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 3000 };
const failedAt = new Date('2026-12-01T10:00:00Z');

describe('nextAttemptAt', () => {
  it('waits as Temporal’s retry policy does: initial × coefficient^(n-1), capped at the maximum interval', () => {
    expect(nextAttemptAt({ attempt: 1, retry, failedAt })?.toISOString()).toBe('2026-12-01T10:00:01.000Z');
    expect(nextAttemptAt({ attempt: 2, retry, failedAt })?.toISOString()).toBe('2026-12-01T10:00:02.000Z');
    expect(nextAttemptAt({ attempt: 3, retry, failedAt })?.toISOString()).toBe('2026-12-01T10:00:03.000Z');
  });

  it('has no next attempt after the last one', () => {
    expect(nextAttemptAt({ attempt: 4, retry, failedAt })).toBeNull();
    expect(nextAttemptAt({ attempt: 1, retry: { ...retry, maximumAttempts: 1 }, failedAt })).toBeNull();
  });
});
