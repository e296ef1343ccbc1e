import { describe, expect, it } from 'vitest';
import { orderSrvRecords, resolveGateways, type SrvRecord } from '../../../../src/ipsec/profile/srv.ts';
import type { GatewaySource } from '../../../../src/ipsec/profile/types.ts';
import { memoryLogger } from '../../control/helpers.ts';

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

/** Resolves with the lab's TI ranges and keeps what it logged. */
async function resolve(source: GatewaySource, answer: SrvRecord[] = [], random: () => number = () => 0) {
  const asked: string[] = [];
  const resolver = {
    resolveSrv: (name: string) => {
      asked.push(name);
      return Promise.resolve(answer);
    },
  };
  const { log, lines } = memoryLogger();
  const gateways = await resolveGateways(source, resolver, { routedIntoTunnel: ['10.77.12.0/26', '100.64.0.0/10', '100.102.0.0/15'], log, random });
  return { gateways, warnings: lines().filter((line) => line.level === 40), asked };
}

const SRV: GatewaySource = { kind: 'srv', srv: '_isakmp._udp.dc.tibox.test' };

describe('resolveGateways', () => {
  it('keeps an address list in its order without asking DNS', async () => {
    const { gateways, asked } = await resolve({ kind: 'addresses', addresses: ['192.0.2.10', 'gw1.dc.tibox.test'] });
    expect(gateways).toEqual(['192.0.2.10', 'gw1.dc.tibox.test']);
    expect(asked).toEqual([]);
  });

  it('asks the resolver for the SRV name and orders its answer', async () => {
    const { gateways, asked, warnings } = await resolve(SRV, [record('gw2.dc.tibox.test.', 20, 1), record('gw1.dc.tibox.test', 10, 1)]);
    expect(gateways).toEqual(['gw1.dc.tibox.test', 'gw2.dc.tibox.test']);
    expect(asked).toEqual(['_isakmp._udp.dc.tibox.test']);
    expect(warnings).toEqual([]);
  });

  it('ignores a record whose port is not 500, with a log line', async () => {
    const { gateways, warnings } = await resolve(SRV, [record('gw1.dc.tibox.test', 10, 1, 4500), record('gw2.dc.tibox.test', 20, 1)]);
    expect(gateways).toEqual(['gw2.dc.tibox.test']);
    expect(warnings).toEqual([expect.objectContaining({ target: 'gw1.dc.tibox.test', port: 4500, msg: 'SRV record ignored: port 4500 is not the IKE port 500' })]);
  });

  it.each(['-gw.dc.tibox.test', 'gw_1.dc.tibox.test', 'gw1..dc.tibox.test', 'gw1.dc.tibox.test %any', '010.0.0.1', 'fe80::1%eth0'])(
    'drops the invalid SRV target %j with a log line',
    async (target) => {
      const { gateways, warnings } = await resolve(SRV, [record(target, 10, 1), record('gw2.dc.tibox.test', 20, 1)]);
      expect(gateways).toEqual(['gw2.dc.tibox.test']);
      expect(warnings).toEqual([expect.objectContaining({ target, msg: 'SRV record ignored: its target is no DNS name or IP address' })]);
    },
  );

  it.each(['100.64.10.10', '100.103.255.254', '10.77.12.1', '::ffff:100.64.0.1', '::ffff:6440:a0a'])(
    'drops the SRV target %s, an address routed into the tunnel',
    async (target) => {
      const { gateways, warnings } = await resolve(SRV, [record(target, 10, 1), record('198.51.100.10', 20, 1)]);
      expect(gateways).toEqual(['198.51.100.10']);
      expect(warnings).toEqual([expect.objectContaining({ gateway: target, msg: 'gateway dropped: its address is routed into the tunnel' })]);
    },
  );

  it('drops an address of a stored address list that is routed into the tunnel', async () => {
    const { gateways, warnings } = await resolve({ kind: 'addresses', addresses: ['100.64.0.1', '2001:db8::10', '192.0.2.10'] });
    expect(gateways).toEqual(['2001:db8::10', '192.0.2.10']);
    expect(warnings.map((w) => w.gateway)).toEqual(['100.64.0.1']);
  });

  it('answers "no service" (target ".") with no gateway and no warning', async () => {
    const { gateways, warnings } = await resolve(SRV, [{ name: '.', port: 0, priority: 0, weight: 0 }]);
    expect(gateways).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('draws only among the records it keeps', async () => {
    // One draw per kept record: the dropped one must not consume the random source.
    const { gateways } = await resolve(SRV, [record('a.test', 1, 1, 4500), record('b.test', 1, 1), record('c.test', 1, 1)], draws(0.9, 0));
    expect(gateways).toEqual(['c.test', 'b.test']);
  });
});
