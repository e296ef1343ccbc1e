// From what is known of the internet line to the MTUs the box sets: the path MTU (configured,
// probed, or assumed until a probe has said), the tunnel's MTU once the ESP overhead of the
// negotiated transform is off it, and TCP's MSS clamp. Pure: the watch (pathMtuWatch.ts)
// gathers the facts and applies the outcome.
import { espOverhead, tunnelMtuFor, type AddressFamily, type EspTransform } from './espOverhead.ts';
import { mssFor } from './mssClamp.ts';
import { WAN_MTU_MIN, WAN_MTU_PROBE } from './wanMtuSetting.ts';
import type { SearchResult } from './dfSearch.ts';

/** Under this the line is unusually small (a mobile fallback, a misconfigured router): a health warning. */
export const SMALL_PATH_MTU = 1400;
/** The smallest inner MTU IPv4 guarantees; a tunnel never goes below it. */
const MIN_TUNNEL_MTU = 576;

export type PathMtuSource = 'configured' | 'probed' | 'link' | 'assumed';

export interface MtuFacts {
  /** `tunnel.wanMtu`: 0 probes. */
  readonly configured: number;
  /** The WAN port's own MTU: no path is larger. */
  readonly linkMtu: number;
  /** The last search towards the gateway in use; none before one has ended. */
  readonly probe?: SearchResult & { readonly gateway: string };
  /** The tunnel in use: its transform and the address family of its gateway; none before one is up. */
  readonly tunnel?: { readonly transform: EspTransform; readonly family: AddressFamily };
  /** The largest packet the tunnel's device takes, where it has a limit of its own (kernel-libipsec). */
  readonly deviceLimit?: number;
}

export interface MtuDecision {
  readonly pathMtu: number;
  readonly source: PathMtuSource;
  /** Why the path MTU is what it is, in words, for the status. */
  readonly because: string;
  /** What ESP takes of the path: the path MTU less the largest inner packet that fits it. */
  readonly overhead: number;
  readonly tunnelMtu: number;
  readonly mss: number;
  /** The path is known to be small: the detail of the health warning. */
  readonly small?: string;
}

export function decideMtu(facts: MtuFacts): MtuDecision {
  const { pathMtu, source, because } = pathOf(facts);
  const overhead = espOverhead(facts.tunnel?.transform, facts.tunnel?.family ?? 4);
  const fits = Math.max(MIN_TUNNEL_MTU, tunnelMtuFor(pathMtu, overhead));
  const tunnelMtu = Math.min(fits, facts.deviceLimit ?? fits);
  const mss = mssFor(tunnelMtu);
  const decision = { pathMtu, source, because, overhead: pathMtu - fits, tunnelMtu, mss };
  if (pathMtu >= SMALL_PATH_MTU || source === 'assumed') return decision;
  return { ...decision, small: `path MTU ${pathMtu} (${because}): tunnel MTU ${tunnelMtu}, TCP MSS ${mss}` };
}

function pathOf(facts: MtuFacts): { pathMtu: number; source: PathMtuSource; because: string } {
  const { configured, linkMtu, probe } = facts;
  if (configured !== WAN_MTU_PROBE) {
    return { pathMtu: Math.min(configured, linkMtu), source: 'configured', because: configured > linkMtu ? `configured ${configured}, WAN port ${linkMtu}` : 'configured' };
  }
  if (!probe) return { pathMtu: Math.min(WAN_MTU_MIN, linkMtu), source: 'assumed', because: 'not probed yet' };
  if (probe.kind === 'found') return { pathMtu: Math.min(probe.pathMtu, linkMtu), source: 'probed', because: `probed towards ${probe.gateway}` };
  // No answers: a "fragmentation needed" on the way still tells; otherwise only the port does.
  if (probe.reported !== undefined) return { pathMtu: Math.min(probe.reported, linkMtu), source: 'probed', because: `${probe.reason}; a router on the way named MTU ${probe.reported}` };
  return { pathMtu: linkMtu, source: 'link', because: `${probe.reason}: the WAN port's MTU; set tunnel.wanMtu if the line is smaller` };
}
