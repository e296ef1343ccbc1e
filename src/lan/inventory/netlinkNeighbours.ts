// The kernel's IPv4 neighbour table through rtnetlink, with the `netlink` package, which has both
// what this needs: RTM_GETNEIGH dumps (getNeighbors) and the RTNLGRP_NEIGH multicast group for
// changes. So no `ip neigh` process runs per refresh, and changes arrive as they happen. Sockets
// belong to the calling process, hence to the network namespace it runs in (the box's).
import { type RtNetlinkSocket, type rt } from 'netlink';
import { AF_INET, RTNETLINK_TIMEOUT_MS, RtNetlinkRequests, watchRtNetlink } from '../../core/index.ts';
import type { KernelNeighbour, KernelNeighbourState } from './neighbours.ts';

/** The kernel reports cache ages in clock_t units: USER_HZ, 100 per second on Linux. */
const MS_PER_TICK = 10;
const STATES: readonly (keyof rt.NeighborState & KernelNeighbourState)[] = [
  'reachable', 'stale', 'delay', 'probe', 'incomplete', 'failed', 'noarp', 'permanent',
];

export interface NeighbourSource {
  read(): Promise<KernelNeighbour[]>;
  /** Calls onChange whenever the table may have changed; returns the function that stops watching. */
  watch(onChange: () => void): () => void;
}

export class NetlinkNeighbourSource implements NeighbourSource {
  private readonly requests = new RtNetlinkRequests();

  read(): Promise<KernelNeighbour[]> {
    return this.requests.run((nl) => readTable(nl));
  }

  watch(onChange: () => void): () => void {
    return watchRtNetlink(['NEIGH'], onChange, (messages) => messages.some((m) => m.kind === 'neighbor'));
  }
}

async function readTable(nl: RtNetlinkSocket): Promise<KernelNeighbour[]> {
  const options = { timeout: RTNETLINK_TIMEOUT_MS };
  const links = await nl.getLinks(undefined, undefined, options);
  const neighbours = await nl.getNeighbors({ family: AF_INET }, undefined, options);
  const names = new Map(links.map((l) => [l.data.index ?? 0, l.attrs.ifname ?? '']));
  return neighbours.flatMap((n): KernelNeighbour[] => {
    const { data, attrs } = n;
    if (data.family !== AF_INET || attrs.dst?.length !== 4) return [];
    const cache = attrs.cacheInfo;
    return [
      {
        ip: [...attrs.dst].join('.'),
        ...(attrs.lladdr?.length === 6 ? { mac: [...attrs.lladdr].map((b) => b.toString(16).padStart(2, '0')).join(':') } : {}),
        interface: names.get(data.ifindex ?? 0) ?? `if${data.ifindex ?? 0}`,
        state: STATES.find((s) => data.state?.[s]) ?? 'none',
        ...(cache?.confirmed !== undefined ? { confirmedAgoMs: cache.confirmed * MS_PER_TICK } : {}),
        ...(cache?.updated !== undefined ? { updatedAgoMs: cache.updated * MS_PER_TICK } : {}),
      },
    ];
  });
}
