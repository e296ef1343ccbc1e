// The port between the LAN subsystem and the kernel. The netlink adapter implements it on the
// box; unit tests hand the subsystem a fake that prints its state as text.
import type { LinkOp, LinksState } from './linksModel.ts';
import type { MainRoute } from './planCheck.ts';

/** An IPv4 neighbour (ARP) entry that has a link-layer address. */
export interface Neighbour {
  readonly dev: string;
  readonly ip: string;
  /** `aa:bb:cc:dd:ee:ff`, lower case. */
  readonly mac: string;
}

export interface LanKernel {
  /** Every link and every IPv4 address; never writes. */
  read(): Promise<LinksState>;
  /** One write; adding what exists or deleting what does not fails. */
  write(op: LinkOp): Promise<void>;
  /** The IPv4 routes of the main table. */
  routes(): Promise<MainRoute[]>;
  /** IPv4 neighbours that answered (entries still resolving or failed are left out). */
  neighbours(): Promise<Neighbour[]>;
  /**
   * Calls onChange after any link, IPv4 address or IPv4 route change, and after a lost
   * notification (so the caller re-reads). Returns the unsubscribe.
   */
  watch(onChange: () => void): () => void;
}
