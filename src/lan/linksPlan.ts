// The pure half of the LAN links adapter: from the desired ports and addresses, what the kernel
// holds and what tibox owns, to the fewest writes that converge (planLinks). Nothing here
// touches the OS. Ownership rules: an address tibox adds is owned until tibox deletes it; an
// address that was there already (a DHCP lease, one added by hand) is never claimed, so it is
// never deleted; a bridge tibox created is owned, one it found is used but never deleted.
import { parseInterfaceAddress } from '../agent/ipv4.ts';
import {
  addressKey, type KernelLink, type LanLinksDesired, type LinkOp, type LinksState, type OwnedAddress, type OwnedLinks,
} from './linksModel.ts';

export interface LinksPlan {
  /** In the order they must run. */
  readonly ops: readonly LinkOp[];
  /** What tibox owns once the ops have run. */
  readonly owned: OwnedLinks;
  /** Ports of the desired state that the kernel does not have (yet): their part waits for them. */
  readonly missing: readonly string[];
}

/**
 * Order: bridges are created and ports enslaved before links go up; new addresses go in before
 * old ones go out (a new TI segment is reachable before the old one goes); ports are released and
 * bridges deleted last. Throws when the desired bridge name belongs to a link that is no bridge,
 * or on malformed desired state (a caller's bug: the address plan validates).
 */
export function planLinks(desired: LanLinksDesired | null, state: LinksState, owned: OwnedLinks): LinksPlan {
  if (desired) checkDesired(desired);
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
  if (desired) {
    const lan = links.get(desired.lan.port);
    if (lan) bringUp(lan.name, lan);
    else missing.push(desired.lan.port);
    wanted.push(...desired.lan.addresses.map((address) => ({ dev: desired.lan.port, address })));
    const terminals = desired.terminals;
    if (terminals) {
      const bridge = links.get(terminals.bridge);
      if (bridge && bridge.kind !== 'bridge') {
        throw new Error(`the terminal bridge name ${terminals.bridge} belongs to a link of kind ${bridge.kind ?? 'device'}, not to a bridge`);
      }
      if (!bridge) {
        creates.push({ op: 'createBridge', name: terminals.bridge });
        ownedBridges.add(terminals.bridge);
      }
      for (const name of terminals.ports) {
        const port = links.get(name);
        if (!port) {
          missing.push(name);
          continue;
        }
        if (port.master !== terminals.bridge) masters.push({ op: 'setMaster', port: name, master: terminals.bridge });
        bringUp(name, port);
      }
      bringUp(terminals.bridge, bridge);
      wanted.push(...terminals.addresses.map((address) => ({ dev: terminals.bridge, address })));
    }
  }

  const keptBridge = desired?.terminals?.bridge;
  const deleted = new Set([...ownedBridges].filter((b) => b !== keptBridge));
  const bridgeDeletes: LinkOp[] = [...deleted].sort().map((name) => ({ op: 'deleteBridge', name }));
  // Ports tibox enslaved to its own bridge and no longer wants there; a deleted bridge frees its ports itself.
  const releases: LinkOp[] = state.links
    .filter((l) => l.master !== undefined && l.master === keptBridge && ownedBridges.has(l.master) && !desired?.terminals?.ports.includes(l.name))
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

  return {
    ops: [...creates, ...masters, ...ups, ...adds, ...deletes, ...releases, ...bridgeDeletes],
    owned: {
      addresses: [...nowOwned.values()].sort((a, b) => compare(addressKey(a), addressKey(b))),
      bridges: [...ownedBridges].filter((b) => !deleted.has(b)).sort(),
    },
    missing,
  };
}

/** Everything that was or will be owned: what is saved before the writes run, so a crash forgets nothing. */
export function unionOwned(a: OwnedLinks, b: OwnedLinks): OwnedLinks {
  const addresses = new Map([...a.addresses, ...b.addresses].map((x) => [addressKey(x), x]));
  return {
    addresses: [...addresses.values()].sort((x, y) => compare(addressKey(x), addressKey(y))),
    bridges: [...new Set([...a.bridges, ...b.bridges])].sort(),
  };
}

function checkDesired(desired: LanLinksDesired): void {
  const all = [...desired.lan.addresses, ...(desired.terminals?.addresses ?? [])];
  for (const address of all) if (!parseInterfaceAddress(address)) throw new Error(`not an interface address: ${JSON.stringify(address)}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
