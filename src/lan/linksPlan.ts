// The pure half of the LAN links adapter: from the desired ports and addresses, what the kernel
// holds and what tibox owns, to the fewest writes that converge (planLinks). Nothing here
// touches the OS. Ownership rules: an address tibox adds is owned until tibox deletes it; an
// address that was there already (a DHCP lease, one added by hand) is never claimed, so it is
// never deleted; a bridge tibox created is owned, one it found is used but never deleted.
import { parseInterfaceAddress } from '../core/index.ts';
import {
  addressKey, memberKey,
  type KernelLink, type LanLinksDesired, type LinkOp, type LinkSetDesired, type LinksState, type OwnedAddress, type OwnedLinks, type OwnedMember,
} from './linksModel.ts';

export interface LinksPlan {
  /** In the order they must run. */
  readonly ops: readonly LinkOp[];
  /** What tibox owns once the ops have run. */
  readonly owned: OwnedLinks;
  /** Ports of the desired state that the kernel does not have (yet): their part waits for them. */
  readonly missing: readonly string[];
}

/** The agent's desired links as a set: its LAN port, and its terminal bridge if it has one. */
export function linkSetOf(desired: LanLinksDesired | null): LinkSetDesired {
  if (!desired) return { ports: [], bridges: [] };
  return { ports: [desired.lan], bridges: desired.terminals ? [desired.terminals] : [] };
}

/** planLinkSet for the agent's desired links; null removes everything tibox owns. */
export function planLinks(desired: LanLinksDesired | null, state: LinksState, owned: OwnedLinks): LinksPlan {
  return planLinkSet(linkSetOf(desired), state, owned);
}

/**
 * Order: bridges are created and ports enslaved before links go up; new addresses go in before
 * old ones go out (a new TI segment is reachable before the old one goes); ports are released and
 * bridges deleted last. Throws when a desired bridge name belongs to a link that is no bridge, or
 * on malformed desired state (a caller's bug: the address plan validates).
 */
export function planLinkSet(desired: LinkSetDesired, state: LinksState, owned: OwnedLinks): LinksPlan {
  checkDesired(desired);
  const links = new Map(state.links.map((l) => [l.name, l]));
  const present = new Set(state.addresses.map(addressKey));
  const ownedAddresses = new Map(owned.addresses.map((a) => [addressKey(a), a]));
  // A bridge that vanished is no longer tibox's to delete; a new one of the same name is created and owned anew.
  const ownedBridges = new Set(owned.bridges.filter((b) => links.get(b)?.kind === 'bridge'));
  const creates: LinkOp[] = [];
  const masters: LinkOp[] = [];
  const ups: LinkOp[] = [];
  const missing: string[] = [];
  const wanted: OwnedAddress[] = [];

  const bringUp = (name: string, link: KernelLink | undefined) => {
    if (!link?.up) ups.push({ op: 'setUp', name });
  };
  for (const port of desired.ports) {
    const link = links.get(port.port);
    if (link) bringUp(port.port, link);
    else missing.push(port.port);
    wanted.push(...port.addresses.map((address) => ({ dev: port.port, address })));
  }
  for (const wantedBridge of desired.bridges) {
    const bridge = links.get(wantedBridge.bridge);
    if (bridge && bridge.kind !== 'bridge') {
      throw new Error(`the terminal bridge name ${wantedBridge.bridge} belongs to a link of kind ${bridge.kind ?? 'device'}, not to a bridge`);
    }
    if (!bridge) {
      creates.push({ op: 'createBridge', name: wantedBridge.bridge });
      ownedBridges.add(wantedBridge.bridge);
    }
    for (const name of wantedBridge.ports) {
      const port = links.get(name);
      if (!port) {
        missing.push(name);
        continue;
      }
      if (port.master !== wantedBridge.bridge) masters.push({ op: 'setMaster', port: name, master: wantedBridge.bridge });
      bringUp(name, port);
    }
    bringUp(wantedBridge.bridge, bridge);
    wanted.push(...wantedBridge.addresses.map((address) => ({ dev: wantedBridge.bridge, address })));
  }

  const keptPorts = new Map(desired.bridges.map((b) => [b.bridge, b.ports]));
  const deleted = new Set([...ownedBridges].filter((b) => !keptPorts.has(b)));
  const bridgeDeletes: LinkOp[] = [...deleted].sort().map((name) => ({ op: 'deleteBridge', name }));
  // Ports tibox enslaved to its own bridge and no longer wants there; a deleted bridge frees its ports itself.
  const releases: LinkOp[] = state.links
    .filter((l) => l.master !== undefined && ownedBridges.has(l.master) && keptPorts.has(l.master) && !keptPorts.get(l.master)?.includes(l.name))
    .map((l) => ({ op: 'setMaster', port: l.name, master: null }));

  const adds: LinkOp[] = [];
  const nowOwned = new Map<string, OwnedAddress>();
  const exists = (dev: string) => links.has(dev) || creates.some((op) => op.op === 'createBridge' && op.name === dev);
  for (const want of wanted) {
    const key = addressKey(want);
    if (nowOwned.has(key)) continue;
    if (present.has(key)) {
      if (ownedAddresses.has(key)) nowOwned.set(key, want);
    } else if (exists(want.dev)) {
      adds.push({ op: 'addAddress', dev: want.dev, address: want.address });
      nowOwned.set(key, want);
    } else if (ownedAddresses.has(key)) {
      // Its port is missing for now: the claim stays, the address goes back on when the port returns.
      nowOwned.set(key, want);
    }
  }
  const deletes: LinkOp[] = [];
  for (const [key, address] of ownedAddresses) {
    if (nowOwned.has(key) || !present.has(key) || deleted.has(address.dev)) continue;
    deletes.push({ op: 'deleteAddress', dev: address.dev, address: address.address });
  }
  const members = desired.bridges
    .filter((b) => ownedBridges.has(b.bridge))
    .flatMap((b) => b.ports.map((port) => ({ port, bridge: b.bridge })));

  return {
    ops: [...creates, ...masters, ...ups, ...adds, ...deletes, ...releases, ...bridgeDeletes],
    owned: {
      addresses: sortedAddresses(nowOwned.values()),
      bridges: [...ownedBridges].filter((b) => !deleted.has(b)).sort(),
      members: sortedMembers(members),
    },
    missing,
  };
}

/** Everything that was or will be owned: what is saved before the writes run, so a crash forgets nothing. */
export function unionOwned(a: OwnedLinks, b: OwnedLinks): OwnedLinks {
  return {
    addresses: sortedAddresses([...a.addresses, ...b.addresses]),
    bridges: [...new Set([...a.bridges, ...b.bridges])].sort(),
    members: sortedMembers([...a.members, ...b.members]),
  };
}

function checkDesired(desired: LinkSetDesired): void {
  const all = [...desired.ports, ...desired.bridges].flatMap((link) => link.addresses);
  for (const address of all) if (!parseInterfaceAddress(address)) throw new Error(`not an interface address: ${JSON.stringify(address)}`);
}

/** Without duplicates, in a stable order. */
function sortedAddresses(addresses: Iterable<OwnedAddress>): OwnedAddress[] {
  const unique = new Map([...addresses].map((a) => [addressKey(a), a]));
  return [...unique.values()].sort((x, y) => compare(addressKey(x), addressKey(y)));
}

function sortedMembers(members: Iterable<OwnedMember>): OwnedMember[] {
  const unique = new Map([...members].map((m) => [memberKey(m), m]));
  return [...unique.values()].sort((x, y) => compare(memberKey(x), memberKey(y)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
