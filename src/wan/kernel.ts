// The port between the WAN subsystem and the kernel: the WAN port's link, its IPv4 addresses and
// the main table's default routes, and the writes the plan makes (plan.ts). The netlink adapter
// implements it on the box; unit tests hand the subsystem a fake that prints its state as text.

export interface WanAddress {
  /** `a.b.c.d/len` */
  readonly address: string;
  /** Seconds it stays; undefined for an address that never expires. */
  readonly validS?: number;
}

export interface WanRouteEntry {
  readonly via?: string;
  readonly dev?: string;
  /** `dhcp`, `static`, `boot`, ... as the kernel names the route's protocol. */
  readonly proto?: string;
  readonly metric?: number;
}

export interface WanKernelState {
  /** The port's link; undefined when there is no such port. */
  readonly link?: { readonly up: boolean; readonly carrier: boolean };
  readonly addresses: readonly WanAddress[];
  /** The main table's IPv4 default routes, on every port. */
  readonly defaultRoutes: readonly WanRouteEntry[];
}

export type WanOp =
  | { readonly op: 'setUp'; readonly dev: string }
  /** Adds the address or, if the port has it, renews its lifetime; no `validS`: forever. */
  | { readonly op: 'putAddress'; readonly dev: string; readonly address: string; readonly validS?: number }
  | { readonly op: 'deleteAddress'; readonly dev: string; readonly address: string }
  /** Puts the main table's default route (metric 0) in place, replacing the one there. */
  | { readonly op: 'putDefaultRoute'; readonly dev: string; readonly via: string; readonly proto: 'dhcp' | 'static' }
  | { readonly op: 'deleteDefaultRoute'; readonly dev: string; readonly via: string };

export interface WanKernel {
  /** The port's state; never writes. */
  read(port: string): Promise<WanKernelState>;
  /** One write. */
  write(op: WanOp): Promise<void>;
  /** Calls onChange after a link, IPv4 address or route change, and after a lost notification. Returns the unsubscribe. */
  watch(onChange: () => void): () => void;
}

/** One line per op, as `ip` would be told; for logs and tests. */
export function wanOpText(op: WanOp): string {
  switch (op.op) {
    case 'setUp':
      return `link set ${op.dev} up`;
    case 'putAddress':
      return `addr replace ${op.address} dev ${op.dev}${op.validS === undefined ? '' : ` valid_lft ${op.validS}`}`;
    case 'deleteAddress':
      return `addr del ${op.address} dev ${op.dev}`;
    case 'putDefaultRoute':
      return `route replace default via ${op.via} dev ${op.dev} proto ${op.proto}`;
    case 'deleteDefaultRoute':
      return `route del default via ${op.via} dev ${op.dev}`;
  }
}
