// 11 PVS hosts: each registered PVS host is seen on the LAN at its TI address with its registered
// MAC (the inventory's neighbour table: the host has answered or spoken from that address). A
// host not seen yet is a warning, since it may simply be switched off; its TI address in use by
// another MAC is a failure: the box binds the address to the registered MAC and drops the rest.
import type { Device, NeighbourEntry } from '../../../lan/inventory/index.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';

export interface PvsFacts {
  readonly hosts: readonly Pick<Device, 'name' | 'address' | 'mac'>[];
  readonly neighbours: readonly Pick<NeighbourEntry, 'ip' | 'mac' | 'state'>[];
}

export const pvsHostsCheck: Check<PvsFacts> = {
  id: 'pvsHosts',
  number: 11,
  timeoutMs: 2_000,
  async gather(sources) {
    return { hosts: sources.devices().filter((d) => d.kind === 'pvs'), neighbours: sources.neighbours() };
  },
  judge: judgePvsHosts,
};

export function judgePvsHosts({ hosts, neighbours }: PvsFacts): Judgement {
  if (hosts.length === 0) return { verdict: 'warn', value: 'none registered', fixKey: 'pvs.none' };
  const present = neighbours.filter((n) => n.state !== 'gone');
  const values: string[] = [];
  const notSeen: string[] = [];
  const otherMac: string[] = [];
  for (const host of hosts) {
    const mac = host.mac.toLowerCase();
    const atAddress = present.filter((n) => n.ip === host.address);
    if (atAddress.some((n) => n.mac.toLowerCase() === mac)) values.push(`${host.name} ${host.address} ${mac} seen`);
    else if (atAddress.length > 0) {
      const others = atAddress.map((n) => n.mac).join(' ');
      otherMac.push(`${host.name} ${host.address} (${others})`);
      values.push(`${host.name} ${host.address} used by ${others}`);
    } else {
      notSeen.push(`${host.name} ${host.address}`);
      values.push(`${host.name} ${host.address} ${mac} not seen`);
    }
  }
  const value = values.join('; ');
  if (otherMac.length > 0) return { verdict: 'fail', value, fixKey: 'pvs.otherMac', params: { hosts: otherMac.join(', ') } };
  if (notSeen.length > 0) return { verdict: 'warn', value, fixKey: 'pvs.notSeen', params: { hosts: notSeen.join(', ') } };
  return { verdict: 'pass', value };
}
