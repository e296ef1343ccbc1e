// The hosts the box has seen on its LAN and terminal ports, from the kernel's IPv4 neighbour
// table. Pure merge: the previous inventory and a fresh snapshot of the table in, the new
// inventory out. A host counts as seen when the kernel holds its MAC in a state that came from
// the wire (reachable, stale, delay, probe); entries the kernel only tried to resolve (incomplete,
// failed) or that someone configured (permanent, noarp) prove nothing. A host the table no longer
// lists stays with state 'gone' and its last-seen time until it is forgotten.
import { parseIpv4 } from '../../core/index.ts';

export type KernelNeighbourState = 'reachable' | 'stale' | 'delay' | 'probe' | 'incomplete' | 'failed' | 'noarp' | 'permanent' | 'none';

/** One IPv4 entry of the kernel's neighbour table, as the adapter reads it. */
export interface KernelNeighbour {
  readonly ip: string;
  readonly mac?: string;
  readonly interface: string;
  readonly state: KernelNeighbourState;
  /** Milliseconds since the kernel last confirmed the neighbour reachable. */
  readonly confirmedAgoMs?: number;
  /** Milliseconds since the kernel last changed the entry. */
  readonly updatedAgoMs?: number;
}

export interface NeighbourEntry {
  readonly ip: string;
  readonly mac: string;
  readonly interface: string;
  readonly state: 'reachable' | 'stale' | 'delay' | 'probe' | 'gone';
  /** ISO times. */
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface MergeOptions {
  /** Interfaces whose neighbours count (the LAN port, the terminal bridge); others are ignored. */
  readonly interfaces: readonly string[];
  /** Hosts not seen for this long are dropped. */
  readonly forgetAfterMs: number;
  /** At most this many entries are kept, the most recently seen; bounds what a flood of forged ARP can cost. */
  readonly maxEntries: number;
}

export const DEFAULT_MERGE: Omit<MergeOptions, 'interfaces'> = { forgetAfterMs: 7 * 24 * 3_600_000, maxEntries: 1_024 };

const SEEN = new Set<KernelNeighbourState>(['reachable', 'stale', 'delay', 'probe']);
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export function mergeNeighbours(
  previous: readonly NeighbourEntry[],
  snapshot: readonly KernelNeighbour[],
  now: Date,
  options: MergeOptions,
): NeighbourEntry[] {
  const nowMs = now.getTime();
  const watched = new Set(options.interfaces);
  const byKey = new Map(previous.map((e) => [key(e.ip, e.mac), e]));
  const present = new Set<string>();
  for (const n of snapshot) {
    const mac = n.mac?.toLowerCase();
    if (!mac || !MAC.test(mac) || parseIpv4(n.ip) === undefined || !watched.has(n.interface) || !SEEN.has(n.state)) continue;
    const k = key(n.ip, mac);
    present.add(k);
    const old = byKey.get(k);
    // Only a confirmation moves "last seen" on; a new entry dates from when the kernel learned it.
    const ago = n.state === 'reachable' ? n.confirmedAgoMs : old ? undefined : (n.updatedAgoMs ?? 0);
    const seenMs = ago === undefined ? undefined : nowMs - Math.min(Math.max(ago, 0), nowMs);
    const lastSeenMs = Math.max(old ? Date.parse(old.lastSeen) : 0, seenMs ?? 0);
    const lastSeen = new Date(lastSeenMs || nowMs).toISOString();
    byKey.set(k, {
      ip: n.ip,
      mac,
      interface: n.interface,
      state: n.state as NeighbourEntry['state'],
      firstSeen: old?.firstSeen ?? lastSeen,
      lastSeen,
    });
  }
  const kept = [...byKey.entries()]
    .map(([k, e]) => (present.has(k) ? e : { ...e, state: 'gone' as const }))
    .filter((e) => nowMs - Date.parse(e.lastSeen) <= options.forgetAfterMs)
    .sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen))
    .slice(0, options.maxEntries);
  return kept.sort(byPlace);
}

function key(ip: string, mac: string): string {
  return `${ip}|${mac}`;
}

function byPlace(a: NeighbourEntry, b: NeighbourEntry): number {
  return a.interface.localeCompare(b.interface) || (parseIpv4(a.ip) ?? 0) - (parseIpv4(b.ip) ?? 0) || a.mac.localeCompare(b.mac);
}
