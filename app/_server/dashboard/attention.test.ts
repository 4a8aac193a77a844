import { describe, expect, it } from 'vitest';
import { attentionOf, type DashboardFlow } from './dashboard-service';

const quiet: Omit<DashboardFlow, 'attention'> = {
  id: 'f',
  name: 'Flow',
  status: 'active',
  lastSuccessAt: new Date(0),
  lagSeconds: 7200,
  latestOutcome: 'succeeded',
  succeeded: 10,
  failed: 0,
  queued: 0,
  running: 0,
  pendingEvents: 0,
  oldestPendingSeconds: null,
  keysWaiting: 0,
  recentFailures: [],
};

describe('attentionOf', () => {
  it('leaves a quiet flow alone, however long ago it last synced', () => {
    expect(attentionOf(quiet)).toEqual([]);
  });

  it('flags a flow whose latest run failed', () => {
    expect(attentionOf({ ...quiet, latestOutcome: 'failed', failed: 1, lagSeconds: 60 })).toEqual(['failing']);
  });

  it('flags events waiting over a minute, and work waiting since a success over an hour old', () => {
    expect(attentionOf({ ...quiet, pendingEvents: 3, oldestPendingSeconds: 90 })).toEqual(['backlog', 'lagging']);
    expect(attentionOf({ ...quiet, pendingEvents: 3, oldestPendingSeconds: 30, lagSeconds: 120 })).toEqual([]);
    expect(attentionOf({ ...quiet, status: 'paused', pendingEvents: 3, oldestPendingSeconds: 30 })).toEqual([]);
  });
});
