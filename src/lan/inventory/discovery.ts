// Which card terminals are on the box's ports but not registered yet. The evidence: a DHCP
// request to the box (only terminal ports get DHCP from it), or an accepted TCP connection on the
// SICCT port 4742 from a neighbour the box has seen (the unicast probe). Pure: sightings, neighbours
// and probe results in; the probes due now, and the candidates, out.
import type { Device } from './device.ts';
import type { DhcpSighting } from './dhcp.ts';
import { parseIpv4 } from '../../core/index.ts';
import type { NeighbourEntry } from './neighbours.ts';

export type Evidence = 'dhcp' | 'sicct-port';

export interface KnownSighting extends DhcpSighting {
  /** ISO time of the first request from this MAC. */
  readonly firstSeen: string;
}

export interface ProbeRecord {
  readonly ip: string;
  readonly mac: string;
  /** ISO time of the probe. */
  readonly at: string;
  readonly ok: boolean;
}

export interface TerminalCandidate {
  readonly mac: string;
  /** Absent for a terminal that asked for an address and got none (no static lease yet). */
  readonly address?: string;
  readonly interface?: string;
  readonly hostname?: string;
  readonly vendorClass?: string;
  readonly evidence: readonly Evidence[];
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface DiscoveryOptions {
  /** A neighbour that answered is probed again after this long. */
  readonly probeAgainAfterMs: number;
  /** A neighbour that did not answer is tried again sooner: its SICCT service may start after its network. */
  readonly retryFailedAfterMs: number;
  /** Probes per round, so a LAN full of hosts is covered bit by bit. */
  readonly maxProbesPerRound: number;
  /** Sightings kept, the newest; bounds what forged DHCP requests can cost. */
  readonly maxSightings: number;
}

export const DEFAULT_DISCOVERY: DiscoveryOptions = { probeAgainAfterMs: 6 * 3_600_000, retryFailedAfterMs: 10 * 60_000, maxProbesPerRound: 16, maxSightings: 256 };

export function probeKey(ip: string, mac: string): string {
  return `${ip}|${mac}`;
}

/**
 * The sightings with this one added, one per MAC: the newest gives the address (or none), host
 * name and vendor class stay when a later request leaves them out, the first-seen time stays.
 */
export function rememberSighting(known: readonly KnownSighting[], sighting: DhcpSighting, max: number): KnownSighting[] {
  const old = known.find((k) => k.mac === sighting.mac);
  const hostname = sighting.hostname ?? old?.hostname;
  const vendorClass = sighting.vendorClass ?? old?.vendorClass;
  const next: KnownSighting = {
    ...sighting,
    ...(hostname ? { hostname } : {}),
    ...(vendorClass ? { vendorClass } : {}),
    firstSeen: old && old.firstSeen < sighting.at ? old.firstSeen : sighting.at,
  };
  return [next, ...known.filter((k) => k.mac !== sighting.mac)].sort((a, b) => b.at.localeCompare(a.at)).slice(0, max);
}

/** Present, unregistered neighbours never probed or last probed long enough ago; longest-unprobed first. */
export function dueProbes(
  neighbours: readonly NeighbourEntry[],
  probes: ReadonlyMap<string, ProbeRecord>,
  registeredMacs: ReadonlySet<string>,
  now: Date,
  options: DiscoveryOptions,
): NeighbourEntry[] {
  const last = (n: NeighbourEntry) => probes.get(probeKey(n.ip, n.mac))?.at ?? '';
  const due = (n: NeighbourEntry) => {
    const probe = probes.get(probeKey(n.ip, n.mac));
    if (!probe) return true;
    return now.getTime() - Date.parse(probe.at) >= (probe.ok ? options.probeAgainAfterMs : options.retryFailedAfterMs);
  };
  return neighbours
    .filter((n) => n.state !== 'gone' && !registeredMacs.has(n.mac) && due(n))
    .sort((a, b) => last(a).localeCompare(last(b)))
    .slice(0, options.maxProbesPerRound);
}

export function terminalCandidates(
  sightings: readonly KnownSighting[],
  neighbours: readonly NeighbourEntry[],
  probes: ReadonlyMap<string, ProbeRecord>,
  registered: readonly Device[],
): TerminalCandidate[] {
  const registeredMacs = new Set(registered.map((d) => d.mac));
  const byMac = new Map<string, TerminalCandidate>();
  const add = (c: TerminalCandidate) => {
    if (registeredMacs.has(c.mac)) return;
    const old = byMac.get(c.mac);
    if (!old) {
      byMac.set(c.mac, c);
      return;
    }
    // One device seen both ways: the newer sighting gives the address, evidence adds up.
    const newer = c.lastSeen > old.lastSeen ? c : old;
    const address = newer.address ?? old.address ?? c.address;
    const port = newer.interface ?? old.interface ?? c.interface;
    byMac.set(c.mac, {
      ...old,
      ...c,
      ...(address ? { address } : {}),
      ...(port ? { interface: port } : {}),
      evidence: [...new Set([...old.evidence, ...c.evidence])].sort(),
      firstSeen: old.firstSeen < c.firstSeen ? old.firstSeen : c.firstSeen,
      lastSeen: newer.lastSeen,
    });
  };
  for (const s of sightings) {
    add({
      mac: s.mac,
      ...(s.address ? { address: s.address } : {}),
      ...(s.hostname ? { hostname: s.hostname } : {}),
      ...(s.vendorClass ? { vendorClass: s.vendorClass } : {}),
      evidence: ['dhcp'],
      firstSeen: s.firstSeen,
      lastSeen: s.at,
    });
  }
  for (const n of neighbours) {
    if (!probes.get(probeKey(n.ip, n.mac))?.ok) continue;
    add({ mac: n.mac, address: n.ip, interface: n.interface, evidence: ['sicct-port'], firstSeen: n.firstSeen, lastSeen: n.lastSeen });
  }
  // Terminals with an address first, by address; those without by MAC.
  const order = (c: TerminalCandidate) => (c.address === undefined ? 2 ** 32 : (parseIpv4(c.address) ?? 0));
  return [...byMac.values()].sort((a, b) => order(a) - order(b) || a.mac.localeCompare(b.mac));
}
