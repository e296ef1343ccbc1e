import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/core/eventBus.ts';

// Events of the test's own, so the bus is checked apart from the agent's event map.
interface TestEvents {
  'tunnel.up': { peer: string };
  'tunnel.down': { peer: string; reason: string };
  tick: number;
}

function bus() {
  const errors: Array<[string, unknown]> = [];
  return { bus: new EventBus<TestEvents>((event, error) => errors.push([String(event), error])), errors };
}

describe('EventBus', () => {
  it('delivers an emitted payload to every listener of that event, in registration order', () => {
    const { bus: b, errors } = bus();
    const seen: string[] = [];
    const a = {};
    const c = {};
    b.on(a, 'tunnel.up', (p) => seen.push(`a up ${p.peer}`));
    b.on(c, 'tunnel.up', (p) => seen.push(`c up ${p.peer}`));
    b.on(a, 'tunnel.down', (p) => seen.push(`a down ${p.peer} ${p.reason}`));
    b.on(a, 'tick', (n) => seen.push(`a tick ${n + 1}`));

    b.emit('tunnel.up', { peer: 'tsp' });
    b.emit('tunnel.down', { peer: 'tsp', reason: 'dpd' });
    b.emit('tick', 41);
    expect(seen).toEqual(['a up tsp', 'c up tsp', 'a down tsp dpd', 'a tick 42']);
    expect(errors).toEqual([]);
  });

  it('emits to nobody without error when an event has no listeners', () => {
    const { bus: b, errors } = bus();
    expect(() => b.emit('tick', 1)).not.toThrow();
    expect(errors).toEqual([]);
  });

  it('off(owner) removes that owner\'s listeners on every event and no one else\'s', () => {
    const { bus: b } = bus();
    const seen: string[] = [];
    const firewall = {};
    const tunnel = {};
    b.on(firewall, 'tunnel.up', () => seen.push('firewall up'));
    b.on(firewall, 'tunnel.down', () => seen.push('firewall down'));
    b.on(firewall, 'tick', () => seen.push('firewall tick'));
    b.on(tunnel, 'tunnel.up', () => seen.push('tunnel up'));
    b.on(tunnel, 'tick', () => seen.push('tunnel tick'));

    b.off(firewall);
    b.emit('tunnel.up', { peer: 'p' });
    b.emit('tunnel.down', { peer: 'p', reason: 'r' });
    b.emit('tick', 0);
    expect(seen).toEqual(['tunnel up', 'tunnel tick']);
    // An owner without listeners is no error.
    expect(() => b.off({})).not.toThrow();
  });

  it('reports a throwing listener to the error handler and still runs the others', () => {
    const { bus: b, errors } = bus();
    const seen: string[] = [];
    const boom = new Error('listener broke');
    b.on({}, 'tunnel.up', () => seen.push('first'));
    b.on({}, 'tunnel.up', () => {
      throw boom;
    });
    b.on({}, 'tunnel.up', () => seen.push('third'));

    expect(() => b.emit('tunnel.up', { peer: 'p' })).not.toThrow();
    expect(seen).toEqual(['first', 'third']);
    expect(errors).toEqual([['tunnel.up', boom]]);
  });

  it('calls a listener registered twice by one owner once, and the same listener of another owner again', () => {
    const { bus: b } = bus();
    const seen: string[] = [];
    const owner = {};
    const listener = (n: number) => void seen.push(`listener ${n}`);
    b.on(owner, 'tick', listener);
    b.on(owner, 'tick', listener);
    b.on(owner, 'tick', (n) => void seen.push(`other ${n}`));
    b.on({}, 'tick', listener);
    b.emit('tick', 1);
    expect(seen).toEqual(['listener 1', 'other 1', 'listener 1']);
  });

  it('lets a listener remove its own owner during an emit without skipping the others', () => {
    const { bus: b } = bus();
    const seen: string[] = [];
    const once = {};
    b.on(once, 'tick', () => {
      seen.push('once');
      b.off(once);
    });
    b.on({}, 'tick', () => seen.push('always'));
    b.emit('tick', 1);
    b.emit('tick', 2);
    expect(seen).toEqual(['once', 'always', 'always']);
  });
});
