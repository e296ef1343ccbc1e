// What the LAN links adapter converges on, what it reads from the kernel and the writes it
// makes, as plain data (ARCHITECTURE habit 4). tibox owns exactly the addresses it added and the
// bridges it created, with the ports it put into them (OwnedLinks, saved beside the other state
// files): everything else on the ports (the practice-LAN address by DHCP, an address someone
// added by hand) is left alone.

/** The LAN port on the practice LAN and the addresses tibox puts on it. */
export interface LanPortDesired {
  readonly port: string;
  /** Interface addresses (`10.77.12.1/27`): the LAN half's gateway and the practice-LAN fallback. */
  readonly addresses: readonly string[];
}

/** The terminal ports as one bridge, carrying the terminal half's gateway. */
export interface TerminalBridgeDesired {
  readonly bridge: string;
  readonly ports: readonly string[];
  readonly addresses: readonly string[];
}

export interface LanLinksDesired {
  readonly lan: LanPortDesired;
  /** null: the box has no terminal ports (terminals stay on the practice LAN). */
  readonly terminals: TerminalBridgeDesired | null;
}

/**
 * Any number of ports and bridges: what the planner works on. The agent wants one LAN port and
 * at most one bridge (LanLinksDesired); what the boot puts back from the record of owned links
 * can be more, or a bridge alone.
 */
export interface LinkSetDesired {
  readonly ports: readonly LanPortDesired[];
  readonly bridges: readonly TerminalBridgeDesired[];
}

export interface KernelLink {
  readonly name: string;
  /** The link kind as `ip -d link` names it (`bridge`, `veth`, ...); undefined for plain devices. */
  readonly kind?: string;
  /** The name of the bridge (or other master) the link is enslaved to. */
  readonly master?: string;
  /** Administratively up. */
  readonly up: boolean;
  /** `aa:bb:cc:dd:ee:ff`, lower case. */
  readonly mac?: string;
}

export interface KernelAddress {
  readonly dev: string;
  /** `a.b.c.d/len`. */
  readonly address: string;
  /** Has a finite lifetime: a DHCP lease. */
  readonly dynamic: boolean;
}

export interface LinksState {
  readonly links: readonly KernelLink[];
  /** Every IPv4 address of every link. */
  readonly addresses: readonly KernelAddress[];
}

export interface OwnedAddress {
  readonly dev: string;
  readonly address: string;
}

/** A port tibox put into one of its own bridges. */
export interface OwnedMember {
  readonly port: string;
  readonly bridge: string;
}

export interface OwnedLinks {
  readonly addresses: readonly OwnedAddress[];
  readonly bridges: readonly string[];
  /** The ports of the bridges tibox owns, as it last wanted them: what the boot puts back. */
  readonly members: readonly OwnedMember[];
}

export const NOTHING_OWNED: OwnedLinks = { addresses: [], bridges: [], members: [] };

export type LinkOp =
  | { readonly op: 'createBridge'; readonly name: string }
  | { readonly op: 'deleteBridge'; readonly name: string }
  /** master null releases the port from its bridge. */
  | { readonly op: 'setMaster'; readonly port: string; readonly master: string | null }
  | { readonly op: 'setUp'; readonly name: string }
  | { readonly op: 'addAddress'; readonly dev: string; readonly address: string }
  | { readonly op: 'deleteAddress'; readonly dev: string; readonly address: string };

/** A write as the equivalent `ip` command, for logs and tests; never executed. */
export function linkOpText(op: LinkOp): string {
  switch (op.op) {
    case 'createBridge':
      return `ip link add ${op.name} type bridge`;
    case 'deleteBridge':
      return `ip link del ${op.name}`;
    case 'setMaster':
      return op.master === null ? `ip link set ${op.port} nomaster` : `ip link set ${op.port} master ${op.master}`;
    case 'setUp':
      return `ip link set ${op.name} up`;
    case 'addAddress':
      return `ip addr add ${op.address} dev ${op.dev}`;
    case 'deleteAddress':
      return `ip addr del ${op.address} dev ${op.dev}`;
  }
}

export function addressKey(a: OwnedAddress): string {
  return `${a.dev} ${a.address}`;
}

export function memberKey(m: OwnedMember): string {
  return `${m.bridge} ${m.port}`;
}
