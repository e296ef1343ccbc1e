import { describe, expect, it } from 'vitest';
import { StateTracker } from '../../../src/core/lifecycle.ts';

/** A clock that reads one second later each time it is asked. */
function clock() {
  let second = 0;
  return () => new Date(Date.UTC(2025, 4, 2, 8, 0, second++));
}

describe('StateTracker', () => {
  it('starts stopped, stamped with the clock', () => {
    expect(new StateTracker('firewall', clock()).get()).toEqual({ name: 'firewall', state: 'stopped', since: '2025-05-02T08:00:00.000Z' });
  });

  it('moves since only when the state changes', () => {
    const t = new StateTracker('firewall', clock());
    t.set('starting');
    expect(t.get()).toEqual({ name: 'firewall', state: 'starting', since: '2025-05-02T08:00:01.000Z' });
    t.set('starting');
    expect(t.get().since).toBe('2025-05-02T08:00:01.000Z');
    t.set('running');
    expect(t.get()).toEqual({ name: 'firewall', state: 'running', since: '2025-05-02T08:00:02.000Z' });
  });

  it('updates and drops the detail within a state and keeps since', () => {
    const t = new StateTracker('tunnel', clock());
    t.set('degraded', 'peer 1 down');
    const since = t.get().since;
    t.set('degraded', 'peer 1 and 2 down');
    expect(t.get()).toEqual({ name: 'tunnel', state: 'degraded', since, detail: 'peer 1 and 2 down' });
    t.set('degraded');
    expect(t.get()).toEqual({ name: 'tunnel', state: 'degraded', since });
    t.set('failed', 'no route');
    expect(t.get()).toEqual({ name: 'tunnel', state: 'failed', since: '2025-05-02T08:00:02.000Z', detail: 'no route' });
    // Leaving a state with a detail for one without drops the old detail.
    t.set('running');
    expect(t.get()).toEqual({ name: 'tunnel', state: 'running', since: '2025-05-02T08:00:03.000Z' });
  });

  it('hands out copies, so a caller cannot change the tracked status', () => {
    const t = new StateTracker('lan', clock());
    const copy = t.get();
    copy.state = 'failed';
    expect(t.get().state).toBe('stopped');
  });
});
