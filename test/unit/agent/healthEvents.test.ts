// Health changes are events on the agent's bus, where the web UI's live view and the updater's
// reports listen: each raise, change of detail or clear is one `health.changed` with the whole
// list, as the status shows it; a raise that changes nothing is no event.
import { describe, expect, it } from 'vitest';
import { testAgentContext } from './testContext.ts';

const NOW = new Date('2025-05-02T08:00:00.000Z');

function context() {
  const ctx = testAgentContext(NOW);
  const events: string[][] = [];
  ctx.bus.on(events, 'health.changed', ({ warnings }) => void events.push(warnings.map((w) => `${w.code} ${w.severity} ${w.since}${w.detail ? ` ${w.detail}` : ''}`)));
  return { health: ctx.health, events };
}

describe('health on the event bus', () => {
  it('emits one event with the warnings list for each raise and clear', () => {
    const { health, events } = context();
    health.raise('clock.unsynchronised');
    health.raise('wan.down', 'no answer from the gateways');
    health.clear('clock.unsynchronised');
    health.clear('wan.down');
    expect(events).toEqual([
      [`clock.unsynchronised warning ${NOW.toISOString()}`],
      [`wan.down critical ${NOW.toISOString()} no answer from the gateways`, `clock.unsynchronised warning ${NOW.toISOString()}`],
      [`wan.down critical ${NOW.toISOString()} no answer from the gateways`],
      [],
    ]);
  });

  it('emits nothing for a raise that changes nothing or a clear of what is not raised, and one event for a new detail', () => {
    const { health, events } = context();
    health.clear('wan.down');
    health.raise('wan.down', 'no answer');
    health.raise('wan.down', 'no answer');
    health.raise('wan.down', 'no answer for 30 s');
    expect(events).toEqual([[`wan.down critical ${NOW.toISOString()} no answer`], [`wan.down critical ${NOW.toISOString()} no answer for 30 s`]]);
  });
});
