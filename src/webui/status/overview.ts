// What the overview page shows after login, from the agent's status and its device lists: the
// chain with the fault's place, the gateway in use and the traffic, each registered PVS host and
// terminal with whether it answers, and the health warnings. Pure: the page renders it, the JSON
// API answers it, and the live view sends it again whenever it changes.
import { chainOf, verdictOf, type ChainLink, type Verdict } from './chain.ts';
import type { OverviewStatus, TunnelStateView } from './agentView.ts';
import type { DeviceKindView, DeviceView, NeighbourView } from './deviceView.ts';

export type DeviceReach = 'reachable' | 'unreachable' | 'unknown';

export interface OverviewDevice {
  id: number;
  kind: DeviceKindView;
  name: string;
  address: string;
  /** Terminals: their TCP 4742 probe. PVS hosts: whether the box sees their MAC on the LAN. */
  reach: DeviceReach;
  /** ISO time the reach began, where known. */
  since?: string;
  /** Why unreachable, in the agent's words (an address and an error), where known. */
  detail?: string;
}

export interface OverviewWarning {
  code: string;
  severity: 'info' | 'warning' | 'critical';
  text: { de: string; en: string };
  detail?: string;
  since: string;
}

export interface Overview {
  chain: ChainLink[];
  verdict: Verdict;
  tunnel: {
    state: TunnelStateView;
    since: string;
    gateway?: string;
    traffic: { bytesIn: number; bytesOut: number };
    lastError?: { reason: string; at: string };
  } | null;
  /** Null when the agent did not list them. */
  devices: OverviewDevice[] | null;
  warnings: OverviewWarning[];
}

/** The overview from what the agent answered; undefined parts (the agent did not answer) read as unknown. */
export function overviewOf(status: OverviewStatus | undefined, devices: readonly DeviceView[] | undefined, neighbours: readonly NeighbourView[] | undefined): Overview {
  const chain = chainOf(status);
  const tunnel = status?.tunnel;
  return {
    chain,
    verdict: verdictOf(chain),
    tunnel: tunnel
      ? {
          state: tunnel.state,
          since: tunnel.since,
          ...(tunnel.gateway ? { gateway: tunnel.gateway } : {}),
          traffic: { bytesIn: tunnel.traffic.bytesIn, bytesOut: tunnel.traffic.bytesOut },
          ...(tunnel.lastError ? { lastError: { reason: tunnel.lastError.reason, at: tunnel.lastError.at } } : {}),
        }
      : null,
    devices: devices ? devices.map((device) => deviceOf(device, neighbours)) : null,
    warnings: (status?.health ?? []).map((w) => ({ code: w.code, severity: w.severity, text: w.text, ...(w.detail ? { detail: w.detail } : {}), since: w.since })),
  };
}

function deviceOf(device: DeviceView, neighbours: readonly NeighbourView[] | undefined): OverviewDevice {
  const base = { id: device.id, kind: device.kind, name: device.name, address: device.address };
  if (device.kind === 'terminal') {
    const r = device.reachability;
    if (!r || r.state === 'unknown') return { ...base, reach: 'unknown' };
    return { ...base, reach: r.state, since: r.since, ...(r.state === 'unreachable' && r.lastFailure ? { detail: r.lastFailure.detail } : {}) };
  }
  // The box does not probe PVS hosts: the kernel's neighbour table says whether one is on the wire.
  const seen = neighbours?.find((n) => n.mac.toLowerCase() === device.mac.toLowerCase());
  if (!seen) return { ...base, reach: 'unknown' };
  return seen.state === 'gone' ? { ...base, reach: 'unreachable', since: seen.lastSeen } : { ...base, reach: 'reachable', since: seen.firstSeen };
}
