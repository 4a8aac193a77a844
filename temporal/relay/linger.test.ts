import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLinger } from './linger';

describe('the relay pass after a NOTIFY', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs a lone event after the quiet window, not after the whole linger', () => {
    const fire = vi.fn();
    createLinger(fire, { lingerMs: 20, quietMs: 4 }).poke();
    vi.advanceTimersByTime(3);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('gathers events announced close together into one pass, waiting for the burst to go quiet', () => {
    const fire = vi.fn();
    const linger = createLinger(fire, { lingerMs: 20, quietMs: 4 });
    for (let i = 0; i < 3; i++) {
      linger.poke();
      vi.advanceTimersByTime(3);
    }
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('never waits longer than the linger after the first event, however long the burst lasts', () => {
    const fire = vi.fn();
    const linger = createLinger(fire, { lingerMs: 20, quietMs: 4 });
    for (let t = 0; t < 19; t += 2) {
      linger.poke();
      vi.advanceTimersByTime(2);
    }
    expect(fire).toHaveBeenCalledTimes(1); // at 20 ms, while events still arrive
    linger.poke(); // the next burst starts its own linger
    vi.advanceTimersByTime(4);
    expect(fire).toHaveBeenCalledTimes(2);
  });

  it('waits at least the asked time after a released hold, gathering the events that come meanwhile', () => {
    const fire = vi.fn();
    const linger = createLinger(fire, { lingerMs: 20, quietMs: 4 });
    linger.poke(12); // a hold released
    vi.advanceTimersByTime(6);
    linger.poke(); // an event: its quiet window ends before the floor, which still holds
    vi.advanceTimersByTime(5);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('goes on gathering past the floor while events keep coming, up to the linger', () => {
    const fire = vi.fn();
    const linger = createLinger(fire, { lingerMs: 20, quietMs: 4 });
    linger.poke(12);
    vi.advanceTimersByTime(11);
    linger.poke(); // quiet until 15
    vi.advanceTimersByTime(3);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('passes at once when what it waits for has come, and only if a pass is pending', () => {
    const fire = vi.fn();
    const linger = createLinger(fire, { lingerMs: 20, quietMs: 4 });
    linger.poke(20);
    vi.advanceTimersByTime(6);
    linger.now();
    expect(fire).toHaveBeenCalledTimes(1); // at 6 ms, not 20
    linger.now(); // nothing pending: nothing happens
    vi.advanceTimersByTime(50);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('drops a pending pass when cancelled', () => {
    const fire = vi.fn();
    const linger = createLinger(fire, { lingerMs: 20, quietMs: 4 });
    linger.poke();
    linger.cancel();
    vi.advanceTimersByTime(50);
    expect(fire).not.toHaveBeenCalled();
  });
});
