import { describe, expect, it } from 'vitest';
import { orderSrvRecords, resolveGateways, type SrvRecord } from '../../../../src/ipsec/profile/srv.ts';

const record = (name: string, priority: number, weight: number, port = 500): SrvRecord => ({ name, port, priority, weight });

/** A random source that returns the given values in turn. */
const draws = (...values: number[]) => () => {
  const value = values.shift();
  if (value === undefined) throw new Error('more draws than expected');
  return value;
};

describe('orderSrvRecords (RFC 2782)', () => {
  it('puts lower priorities first whatever the weights', () => {
    const records = [record('c', 20, 100), record('a', 10, 0), record('b', 10, 0)];
    expect(orderSrvRecords(records, () => 0).map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });

  it('draws by running weight sum within a priority', () => {
    // Weights 10, 30, 60 (sum 100): a draw of 0.5 -> 50 selects the third (running 10, 40, 100);
    // then sum 40 over [10, 30]: 0.2 -> floor(0.2 * 41) = 8 selects the first.
    const records = [record('w10', 1, 10), record('w30', 1, 30), record('w60', 1, 60)];
    expect(orderSrvRecords(records, draws(0.5, 0.2, 0.9)).map((r) => r.name)).toEqual(['w60', 'w10', 'w30']);
  });

  it('picks a zero-weight record only on a zero draw or when the others are used up', () => {
    const records = [record('heavy', 1, 5), record('zero', 1, 0)];
    expect(orderSrvRecords(records, draws(0, 0)).map((r) => r.name)).toEqual(['zero', 'heavy']);
    expect(orderSrvRecords(records, draws(0.5, 0)).map((r) => r.name)).toEqual(['heavy', 'zero']);
  });

  it('spreads by weight over many draws', () => {
    const counts = { a: 0, b: 0 };
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 4000; i++) {
      const first = orderSrvRecords([record('a', 1, 75), record('b', 1, 25)], random)[0]?.name as 'a' | 'b';
      counts[first]++;
    }
    expect(counts.a / 4000).toBeGreaterThan(0.7);
    expect(counts.a / 4000).toBeLessThan(0.8);
  });

  it('drops the "no service" target "."', () => {
    expect(orderSrvRecords([record('.', 0, 0)], Math.random)).toEqual([]);
  });
});

describe('resolveGateways', () => {
  it('keeps an address list in its order on port 500', async () => {
    const resolver = { resolveSrv: () => Promise.reject(new Error('must not be asked')) };
    expect(await resolveGateways({ kind: 'addresses', addresses: ['192.0.2.10', 'gw1.dc.tibox.test'] }, resolver)).toEqual([
      { host: '192.0.2.10', port: 500 },
      { host: 'gw1.dc.tibox.test', port: 500 },
    ]);
  });

  it('asks the resolver for the SRV name and orders its answer', async () => {
    const asked: string[] = [];
    const resolver = {
      resolveSrv: (name: string) => {
        asked.push(name);
        return Promise.resolve([record('gw2.dc.tibox.test.', 20, 1, 4500), record('gw1.dc.tibox.test', 10, 1)]);
      },
    };
    expect(await resolveGateways({ kind: 'srv', srv: '_isakmp._udp.dc.tibox.test' }, resolver, () => 0)).toEqual([
      { host: 'gw1.dc.tibox.test', port: 500 },
      { host: 'gw2.dc.tibox.test', port: 4500 },
    ]);
    expect(asked).toEqual(['_isakmp._udp.dc.tibox.test']);
  });
});
