// The named sets of the tibox table. Registered devices, their ports and the TI prefixes live in
// sets, so the rules stay the same whatever their number and a lookup costs the same for one
// device or a thousand. Elements are sorted, so the same desired state renders the same text.
import { parseIpv4 } from '../../core/index.ts';
import type { FirewallDesired } from './desired.ts';
import { deviceCounterMaps } from './deviceCounters.ts';
import { nameComment, renderSet, type SetSpec } from './nft.ts';

/** Sorted by address, each parsed once: a thousand hosts sorted by parsing in the comparison cost more than the rest of the render. */
function sortedByAddress<T>(items: readonly T[], address: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, key: parseIpv4(address(item)) ?? 0 }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}
const itself = (text: string) => text;

export function renderSets(desired: FirewallDesired): string {
  const hosts = sortedByAddress(desired.hosts, (host) => host.address);
  const v4Gateways = sortedByAddress(desired.gateways.filter((gateway) => parseIpv4(gateway) !== undefined), itself);
  const v6Gateways = desired.gateways.filter((gateway) => parseIpv4(gateway) === undefined).map((gateway) => gateway.toLowerCase()).sort();
  const sets: SetSpec[] = [
    {
      name: 'ti_prefixes',
      declaration: 'type ipv4_addr; flags interval; auto-merge;',
      why: 'the TI prefixes of the VPN profile, reached only through the tunnel',
      elements: sortedByAddress(desired.tiPrefixes, (prefix) => prefix.split('/')[0] ?? ''),
    },
    {
      name: 'gateways_v4',
      declaration: 'type ipv4_addr;',
      why: "the datacenter's IKE gateways: the only peers that may start IKE or ESP towards the box",
      elements: v4Gateways,
    },
    { name: 'gateways_v6', declaration: 'type ipv6_addr;', why: 'the IKE gateways reached over IPv6', elements: v6Gateways },
    {
      name: 'box_lan',
      declaration: 'type ipv4_addr;',
      why: "the box's addresses on the LAN port: practice LAN and the LAN half's gateway",
      elements: sortedByAddress([...desired.practiceLanAddresses, desired.halves.lanGateway], itself),
    },
    {
      name: 'hosts',
      declaration: 'type ipv4_addr . ether_addr;',
      why: 'registered devices, each TI address bound to its MAC',
      elements: hosts.map((host) => `${host.address} . ${host.mac.toLowerCase()} ${nameComment(`${host.kind}: ${host.name}`)}`),
    },
    {
      name: 'host_addresses',
      declaration: 'type ipv4_addr;',
      why: 'registered TI addresses, to tell a wrong MAC from an unregistered device',
      elements: hosts.map((host) => host.address),
    },
    {
      name: 'terminals',
      declaration: 'type ipv4_addr;',
      why: 'registered card terminals: the connector opens TCP 4742 (SICCT) to them',
      elements: hosts.filter((host) => host.kind === 'terminal').map((host) => host.address),
    },
    {
      name: 'cetp',
      declaration: 'type ipv4_addr . inet_service;',
      why: 'registered PVS hosts and the TCP ports they take CETP events on',
      elements: hosts.flatMap((host) => [...host.cetpPorts].sort((a, b) => a - b).map((port) => `${host.address} . ${port}`)),
    },
    ...deviceCounterMaps(hosts),
  ];
  return sets.map(renderSet).join('');
}
