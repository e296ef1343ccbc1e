import { describe, expect, it } from 'vitest';
import { parseLease, parseOwned, planWan, renderOwned, wanOpText, wanTarget, type WanKernelState, type WanSettings } from '../../../src/wan/index.ts';

const NOW = Date.parse('2026-03-02T08:00:00Z');
const DHCP: WanSettings = { mode: 'dhcp', address: '', gateway: '', resolvers: [] };
const STATIC: WanSettings = { mode: 'static', address: '192.168.178.9/24', gateway: '192.168.178.1', resolvers: ['9.9.9.9'] };
const LEASE_TEXT = `ip=192.168.178.2\nmask=24\nrouter=192.168.178.1\ndns=203.0.113.53 203.0.113.54\nlease=3600\nat=${NOW / 1000 - 600}\n`;
const EMPTY: WanKernelState = { link: { up: true, carrier: true }, addresses: [], defaultRoutes: [] };

const ops = (result: ReturnType<typeof planWan>) => result.ops.map(wanOpText);

describe('the WAN lease file', () => {
  it('reads what the hook writes', () => {
    expect(parseLease(LEASE_TEXT)).toEqual({
      address: '192.168.178.2/24', router: '192.168.178.1', resolvers: ['203.0.113.53', '203.0.113.54'], endsAt: NOW + 3_000_000,
    });
  });

  it.each([
    ['cut short', LEASE_TEXT.slice(0, 40)],
    ['without an address', LEASE_TEXT.replace('ip=192.168.178.2', 'ip=')],
    ['with the network address', LEASE_TEXT.replace('ip=192.168.178.2', 'ip=192.168.178.0')],
    ['with no lease time', LEASE_TEXT.replace('lease=3600', 'lease=0')],
    ['empty', ''],
  ])('takes a file %s for no lease', (_name, text) => {
    expect(parseLease(text)).toBeUndefined();
  });

  it('leaves out a router and name servers that are no addresses', () => {
    expect(parseLease(LEASE_TEXT.replace('router=192.168.178.1', 'router=').replace('dns=203.0.113.53', 'dns=x'))).toEqual({
      address: '192.168.178.2/24', resolvers: ['203.0.113.54'], endsAt: NOW + 3_000_000,
    });
  });
});

describe('the WAN target', () => {
  const lease = parseLease(LEASE_TEXT);

  it('is the lease while it lasts, and nothing once it has ended', () => {
    expect(wanTarget(DHCP, lease, NOW)).toEqual({ proto: 'dhcp', address: '192.168.178.2/24', gateway: '192.168.178.1', resolvers: ['203.0.113.53', '203.0.113.54'], endsAt: NOW + 3_000_000 });
    expect(wanTarget(DHCP, lease, NOW + 3_000_000)).toEqual({ proto: 'dhcp', resolvers: [] });
    expect(wanTarget(DHCP, undefined, NOW)).toEqual({ proto: 'dhcp', resolvers: [] });
  });

  it("takes the settings' resolvers over the lease's, and a static WAN from the settings alone", () => {
    expect(wanTarget({ ...DHCP, resolvers: ['9.9.9.9'] }, lease, NOW).resolvers).toEqual(['9.9.9.9']);
    expect(wanTarget(STATIC, lease, NOW)).toEqual({ proto: 'static', address: '192.168.178.9/24', gateway: '192.168.178.1', resolvers: ['9.9.9.9'] });
  });
});

describe('the WAN plan', () => {
  const dhcp = wanTarget(DHCP, parseLease(LEASE_TEXT), NOW);
  const fixed = wanTarget(STATIC, undefined, NOW);

  it('puts the lease on the port with the time it has left, then the default route, and records both', () => {
    const plan = planWan('wan0', dhcp, { ...EMPTY, link: { up: false, carrier: true } }, undefined, NOW);
    expect(ops(plan)).toEqual([
      'link set wan0 up',
      'addr replace 192.168.178.2/24 dev wan0 valid_lft 3000',
      'route replace default via 192.168.178.1 dev wan0 proto dhcp',
    ]);
    expect(plan.owned).toEqual({ dev: 'wan0', address: '192.168.178.2/24', proto: 'dhcp', gateway: '192.168.178.1', endsAt: NOW + 3_000_000, resolvers: ['203.0.113.53', '203.0.113.54'] });
  });

  it('writes nothing a second time, and renews the lifetime only for a renewed lease', () => {
    const first = planWan('wan0', dhcp, EMPTY, undefined, NOW);
    const applied: WanKernelState = { ...EMPTY, addresses: [{ address: '192.168.178.2/24', validS: 2990 }], defaultRoutes: [{ via: '192.168.178.1', dev: 'wan0', proto: 'dhcp' }] };
    expect(ops(planWan('wan0', dhcp, applied, first.owned, NOW + 10_000))).toEqual([]);
    const renewed = { ...dhcp, endsAt: NOW + 3_600_000 };
    expect(ops(planWan('wan0', renewed, applied, first.owned, NOW))).toEqual(['addr replace 192.168.178.2/24 dev wan0 valid_lft 3600']);
  });

  it('moves from DHCP to static: the lease address goes, the static one comes, the route is replaced', () => {
    const owned = planWan('wan0', dhcp, EMPTY, undefined, NOW).owned;
    const applied: WanKernelState = { ...EMPTY, addresses: [{ address: '192.168.178.2/24', validS: 3000 }], defaultRoutes: [{ via: '192.168.178.1', dev: 'wan0', proto: 'dhcp' }] };
    expect(ops(planWan('wan0', fixed, applied, owned, NOW))).toEqual([
      'addr del 192.168.178.2/24 dev wan0',
      'addr replace 192.168.178.9/24 dev wan0',
      'route replace default via 192.168.178.1 dev wan0 proto static',
    ]);
  });

  it('takes its own default route away when DHCP has no lease, and leaves a route not its own', () => {
    const none = wanTarget(DHCP, undefined, NOW);
    expect(ops(planWan('wan0', none, { ...EMPTY, defaultRoutes: [{ via: '192.168.178.1', dev: 'wan0', proto: 'dhcp' }] }, undefined, NOW))).toEqual([
      'route del default via 192.168.178.1 dev wan0',
    ]);
    expect(ops(planWan('wan0', none, { ...EMPTY, defaultRoutes: [{ via: '10.0.0.1', dev: 'eth9', proto: 'boot' }] }, undefined, NOW))).toEqual([]);
  });

  it('gives a static address someone put a lifetime on its own, lasting one', () => {
    expect(ops(planWan('wan0', fixed, { ...EMPTY, addresses: [{ address: '192.168.178.9/24', validS: 60 }], defaultRoutes: [{ via: '192.168.178.1', dev: 'wan0', proto: 'static' }] }, undefined, NOW))).toEqual([
      'addr replace 192.168.178.9/24 dev wan0',
    ]);
  });

  it('takes its address from the old port when the WAN port is renamed', () => {
    const owned = { dev: 'eth0', address: '192.168.178.9/24', proto: 'static' as const, gateway: '192.168.178.1' };
    expect(ops(planWan('wan0', fixed, EMPTY, owned, NOW))).toEqual([
      'addr del 192.168.178.9/24 dev eth0',
      'addr replace 192.168.178.9/24 dev wan0',
      'route replace default via 192.168.178.1 dev wan0 proto static',
    ]);
  });

  it('records what it owns as text the boot reads back, and refuses a record that is not one', () => {
    const { owned } = planWan('wan0', dhcp, EMPTY, undefined, NOW);
    expect(parseOwned(renderOwned(owned))).toEqual(owned);
    expect(parseOwned('{"dev": 3}')).toBeUndefined();
    expect(parseOwned('{"dev": "wan0", "proto": "pppoe"}')).toBeUndefined();
    expect(parseOwned('not json')).toBeUndefined();
  });
});
