// The routing table the network page shows, from route messages as the netlink package parses
// them: the local table left out, names for the tables and links, and the kernel's order.
import { describe, expect, it } from 'vitest';
import type { rt } from 'netlink';
import { routeRows } from '../../../../src/agent/network/routeTable.ts';

const ip = (text: string) => Buffer.from(text.split('.').map(Number));
const route = (data: Partial<rt.RouteMessage['data']>, attrs: Partial<rt.RouteMessage['attrs']>) => ({ kind: 'route', data: { family: 2, ...data }, attrs }) as unknown as rt.RouteMessage;
const LINKS = new Map([
  [2, 'wan0'],
  [3, 'lan0'],
  [7, 'ipsec0'],
]);

describe('routeRows', () => {
  it('lists every table but the local one, main first, longest prefix first, with names for links and tables', () => {
    const rows = routeRows(
      [
        route({ dstLen: 0, table: 254, type: 'UNICAST', protocol: 'DHCP' }, { table: 254, gateway: ip('192.168.178.1'), oif: 2, priority: 10 }),
        route({ dstLen: 24, table: 254, type: 'UNICAST', protocol: 'KERNEL' }, { table: 254, dst: ip('192.168.1.0'), oif: 3, prefsrc: ip('192.168.1.2') }),
        route({ dstLen: 32, table: 255, type: 'LOCAL', protocol: 'KERNEL' }, { table: 255, dst: ip('192.168.1.2'), oif: 3 }),
        route({ dstLen: 15, table: 252, type: 'UNREACHABLE', protocol: 'STATIC' }, { table: 8742, dst: ip('100.102.0.0') }),
        route({ dstLen: 16, table: 252, type: 'UNICAST', protocol: 'STATIC' }, { table: 8742, dst: ip('100.64.0.0'), oif: 9, prefsrc: ip('10.77.12.1') }),
      ],
      LINKS,
    );
    expect(rows).toEqual([
      { table: 'main', destination: '192.168.1.0/24', type: 'unicast', dev: 'lan0', src: '192.168.1.2', proto: 'kernel' },
      { table: 'main', destination: 'default', type: 'unicast', via: '192.168.178.1', dev: 'wan0', proto: 'dhcp', metric: 10 },
      { table: '8742', destination: '100.64.0.0/16', type: 'unicast', dev: 'if9', src: '10.77.12.1', proto: 'static' },
      { table: '8742', destination: '100.102.0.0/15', type: 'unreachable', proto: 'static' },
    ]);
  });

  it('gives an empty table for no routes', () => {
    expect(routeRows([], LINKS)).toEqual([]);
  });
});
