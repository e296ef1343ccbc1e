// The devices the wizard offers to register with one click, pure: the card terminals the box
// found and the hosts it saw on the practice LAN, each not registered yet, with a name and the
// TI address the box would give it (freeAddress.ts); no two offers share an address.
import { parseIpv4, parsePrefix, prefixContains } from '../../core/ipv4.ts';
import type { CandidateView, DeviceView, NeighbourView } from '../status/deviceView.ts';
import { offeredAddress } from './freeAddress.ts';
import type { AddressPlanView } from './views.ts';

export interface Offer {
  kind: 'pvs' | 'terminal';
  mac: string;
  /** What the box knows it by: a terminal's host name or model, a host's practice-LAN address. */
  seenAs: string;
  /** The TI address to register it with; undefined when the half is full. */
  address: string | undefined;
}

export interface OfferInput {
  halves: NonNullable<AddressPlanView['halves']>;
  /** The LAN port's name: hosts seen there are the practice's. */
  lanPort: string;
  devices: readonly DeviceView[];
  terminals: readonly CandidateView[];
  neighbours: readonly NeighbourView[];
}

export function offersOf(input: OfferInput): Offer[] {
  const { halves } = input;
  const registered = new Set(input.devices.map((d) => d.mac.toLowerCase()));
  const taken = input.devices.map((d) => d.address);
  const offers: Offer[] = [];
  const offer = (kind: Offer['kind'], mac: string, seenAs: string, own: string | undefined) => {
    const address = kind === 'terminal' ? offeredAddress(halves.terminalHalf, halves.terminalGateway, taken, own) : offeredAddress(halves.lanHalf, halves.lanGateway, taken, own);
    if (address) taken.push(address);
    offers.push({ kind, mac, seenAs, address });
  };
  const terminalMacs = new Set<string>();
  for (const t of input.terminals) {
    const mac = t.mac.toLowerCase();
    if (registered.has(mac) || terminalMacs.has(mac)) continue;
    terminalMacs.add(mac);
    offer('terminal', mac, t.hostname ?? t.vendorClass ?? t.address ?? mac, t.address);
  }
  const lanHalf = parsePrefix(halves.lanHalf);
  const inLanHalf = (ip: string) => lanHalf !== undefined && prefixContains(lanHalf, parseIpv4(ip) ?? -1);
  // A PVS host that already uses its TI address shows up twice, by its practice and its TI address.
  const hosts = new Map<string, NeighbourView[]>();
  for (const n of input.neighbours) {
    const mac = n.mac.toLowerCase();
    if (n.interface !== input.lanPort || n.state === 'gone' || registered.has(mac) || terminalMacs.has(mac) || parseIpv4(n.ip) === undefined) continue;
    hosts.set(mac, [...(hosts.get(mac) ?? []), n]);
  }
  for (const [mac, seen] of hosts) {
    const own = seen.find((n) => inLanHalf(n.ip))?.ip;
    const practice = seen.find((n) => !inLanHalf(n.ip))?.ip ?? own ?? mac;
    offer('pvs', mac, practice, own);
  }
  return offers;
}
