import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/agent/store/configSchema.ts';
import { wanLanOverlap, wanSettingProblems, type WanSettings } from '../../../src/wan/index.ts';

const STATIC: WanSettings = { mode: 'static', address: '192.168.178.2/24', gateway: '192.168.178.1', resolvers: ['192.168.178.1'] };

describe('the WAN settings', () => {
  it('asks nothing of DHCP mode, whatever the static fields hold', () => {
    expect(wanSettingProblems({ mode: 'dhcp', address: '10.0.0.0/8', gateway: '1.1.1.1', resolvers: [] })).toEqual([]);
  });

  it('accepts a static address with a gateway in its subnet', () => {
    expect(wanSettingProblems(STATIC)).toEqual([]);
    expect(wanSettingProblems({ ...STATIC, address: '10.1.2.2/30', gateway: '10.1.2.1' })).toEqual([]);
  });

  it.each<[string, Partial<WanSettings>, string, string]>([
    ['no address', { address: '' }, 'wan.address', "is needed for a static WAN: the box's address with its prefix length, such as 192.168.178.2/24"],
    ['an address that is no address', { address: '300.1.1.1/24' }, 'wan.address', 'must be an address with its prefix length, such as 192.168.178.2/24'],
    ['the network address', { address: '192.168.178.0/24' }, 'wan.address', '192.168.178.0/24 is not a host address of its prefix 192.168.178.0/24 (it is the network or broadcast address, or the prefix is a /31 or /32)'],
    ['the broadcast address', { address: '192.168.178.255/24' }, 'wan.address', '192.168.178.255/24 is not a host address of its prefix 192.168.178.0/24 (it is the network or broadcast address, or the prefix is a /31 or /32)'],
    ['no gateway', { gateway: '' }, 'wan.gateway', "is needed for a static WAN: the practice router's address on the WAN subnet"],
    ['a gateway outside the subnet', { gateway: '192.168.179.1' }, 'wan.gateway', '192.168.179.1 is outside the WAN subnet 192.168.178.0/24 of 192.168.178.2/24: the box could not reach it'],
    ['the own address as gateway', { gateway: '192.168.178.2' }, 'wan.gateway', "192.168.178.2 is the box's own WAN address; it must be the router's"],
    ['the broadcast address as gateway', { gateway: '192.168.178.255' }, 'wan.gateway', '192.168.178.255 is the network or broadcast address of 192.168.178.0/24'],
  ])('refuses %s, naming the field', (_name, change, field, reason) => {
    expect(wanSettingProblems({ ...STATIC, ...change })).toEqual([{ field, reason }]);
  });

  it('is refused by the config with the same words, and an unknown WAN key by name', () => {
    expect(validateConfig({ wan: { mode: 'static', address: '192.168.178.2/24', gateway: '10.0.0.1' } })).toEqual({
      ok: false, errors: [{ path: 'wan.gateway', message: '10.0.0.1 is outside the WAN subnet 192.168.178.0/24 of 192.168.178.2/24: the box could not reach it' }],
    });
    expect(validateConfig({ wan: { mode: 'static', netmask: '255.255.255.0' } })).toEqual({ ok: false, errors: [{ path: 'wan.netmask', message: 'is not a known setting' }] });
    expect(validateConfig({ wan: { mode: 'pppoe' } })).toEqual({ ok: false, errors: [{ path: 'wan.mode', message: 'must be one of dhcp, static; got "pppoe"' }] });
    expect(validateConfig({ wan: { resolvers: ['8.8.8'] } })).toEqual({ ok: false, errors: [{ path: 'wan.resolvers[0]', message: 'must be an IPv4 address such as 192.168.1.10' }] });
    expect(validateConfig({ wan: STATIC })).toMatchObject({ ok: true, config: { wan: STATIC } });
  });

  it('refuses a static WAN subnet that overlaps the practice network', () => {
    expect(wanLanOverlap({ ...STATIC, address: '192.168.1.50/16', gateway: '192.168.0.1' }, ['169.254.77.1/16', '192.168.1.2/24'])).toEqual([
      { field: 'wan.address', reason: 'the WAN subnet 192.168.0.0/16 overlaps the practice network 192.168.1.0/24 of the LAN port (192.168.1.2/24); the WAN must be a network of its own' },
    ]);
    expect(wanLanOverlap(STATIC, ['169.254.77.1/16', '192.168.1.2/24'])).toEqual([]);
    expect(wanLanOverlap({ ...STATIC, mode: 'dhcp' }, ['192.168.178.9/24'])).toEqual([]);
  });
});
