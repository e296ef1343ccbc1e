// Each registered device's own counters: what the box routed to and from it (accepted), and what
// it dropped that came from it or was meant for it (dropped). They are named counter objects keyed
// by the device's id, which stays the same when the device is renamed or moves to another address
// or MAC, so its counters survive the change (counters.ts carries them over the reload); a device
// removed takes its counters with it. Maps from address (and, for drops, from MAC) to the counter
// let one rule count for every device, whatever their number.
// Broadcast and multicast the box ignores are not counted for a device: a PVS host's Windows
// chatters all day, and that is no blocked flow.
import { withSince, initialValue, type CarriedCounters } from './counters.ts';
import type { RegisteredHost } from './desired.ts';
import { comment, nameComment, renderChain, rule, type SetSpec } from './nft.ts';

export type DeviceCounterKind = 'accepted' | 'dropped';

export function deviceCounterName(id: number, kind: DeviceCounterKind): string {
  return `device_${id}_${kind}`;
}

/** The verdict of everything the box routes: counted for the device it comes from or goes to, then accepted. */
export const ACCEPT_COUNTED = 'goto accepted';

/** The first rule of every drop chain but broadcast's. */
export const COUNT_DEVICE_DROP = rule('jump count_device_drop', 'counted for the registered device it came from or was meant for');

const WHY: Record<DeviceCounterKind, string> = {
  accepted: 'routed to and from a registered device',
  dropped: 'dropped from or to a registered device',
};

/** Two counters per device, with the values and the since time they carry over. */
export function renderDeviceCounters(hosts: readonly RegisteredHost[], carried: CarriedCounters | undefined): string {
  return [...hosts]
    .sort((a, b) => a.id - b.id)
    .flatMap((host) =>
      (['accepted', 'dropped'] as const).map((kind) => {
        const name = deviceCounterName(host.id, kind);
        const value = carried?.values.get(name);
        // A carried counter keeps its time, or its lack of one (loaded at boot); a new one starts now.
        const since = carried === undefined ? undefined : value ? value.since : carried.now;
        return `  counter ${name} { ${comment(withSince(WHY[kind], since))}${initialValue(value)} }\n`;
      }),
    )
    .join('');
}

/** The maps from a device's address (and MAC) to its counters, sorted as the sets are. */
export function deviceCounterMaps(hostsByAddress: readonly RegisteredHost[]): SetSpec[] {
  // nft takes an element's comment after its key.
  const element = (key: string, host: RegisteredHost, kind: DeviceCounterKind) => `${key} ${nameComment(`${host.kind}: ${host.name}`)} : "${deviceCounterName(host.id, kind)}"`;
  const byAddress = (kind: DeviceCounterKind) => hostsByAddress.map((host) => element(host.address, host, kind));
  return [
    {
      kind: 'map',
      name: 'device_accepted',
      declaration: 'type ipv4_addr : counter;',
      why: "each registered device's counter of what is routed to and from it",
      elements: byAddress('accepted'),
    },
    {
      kind: 'map',
      name: 'device_dropped',
      declaration: 'type ipv4_addr : counter;',
      why: "each registered device's counter of what is dropped from or to its address",
      elements: byAddress('dropped'),
    },
    {
      kind: 'map',
      name: 'device_dropped_by_mac',
      declaration: 'type ether_addr : counter;',
      why: "each registered device's drop counter by its MAC, for what it sends from an address not its own",
      elements: [...hostsByAddress]
        .sort((a, b) => (a.mac.toLowerCase() < b.mac.toLowerCase() ? -1 : 1))
        .map((host) => element(host.mac.toLowerCase(), host, 'dropped')),
    },
  ];
}

/**
 * A lookup that misses (an address nobody registered) ends only its own rule, so each rule counts
 * for at most one device and the chain goes on.
 */
export function renderDeviceCountChains(): string {
  return (
    renderChain('accepted', undefined, [
      rule('counter name ip saddr map @device_accepted', 'from a registered device: counted for it'),
      rule('counter name ip daddr map @device_accepted', 'to a registered device: counted for it'),
      rule('accept', 'routed: a registered device to the TI, the connector to a registered port, or an answer within such a flow'),
    ]) +
    renderChain('count_device_drop', undefined, [
      rule('counter name ip saddr map @device_dropped', 'from a registered address: counted for its device'),
      rule('counter name ip daddr map @device_dropped', 'to a registered address: counted for its device'),
      rule(
        'ip saddr != @host_addresses counter name ether saddr map @device_dropped_by_mac',
        "from a registered device's MAC but another address (a wrong TI address, or its practice address)",
      ),
    ])
  );
}
