// The WAN's plan, pure: what the port should carry (the target: the static settings, or the DHCP
// lease while it lasts), and the writes that take the kernel from what it holds there. tibox owns
// the WAN port's address it put there (recorded in the state file, owned.ts) and the main table's
// default route; the record lets a later pass, a restarted agent or the boot take away an address
// the settings no longer name, and only that one.
import type { WanKernelState, WanOp } from './kernel.ts';
import type { WanLease } from './lease.ts';
import type { WanSettings } from './settings.ts';

export interface WanDesired {
  /** The WAN port (config interfaces.wan). */
  readonly port: string;
  readonly settings: WanSettings;
}

export interface WanTarget {
  readonly proto: 'dhcp' | 'static';
  /** `a.b.c.d/len`; none while DHCP has no lease. */
  readonly address?: string;
  readonly gateway?: string;
  readonly resolvers: readonly string[];
  /** When a DHCP lease ends, ms since the epoch; none for a static address. */
  readonly endsAt?: number;
}

/** What tibox last put on the WAN: the boot restores it, a later pass takes away what is no longer wanted. */
export interface WanOwned {
  readonly dev: string;
  readonly address?: string;
  readonly gateway?: string;
  readonly proto?: 'dhcp' | 'static';
  readonly endsAt?: number;
  readonly resolvers?: readonly string[];
}

export function wanTarget(settings: WanSettings, lease: WanLease | undefined, nowMs: number): WanTarget {
  if (settings.mode === 'static') {
    return { proto: 'static', address: settings.address, gateway: settings.gateway, resolvers: settings.resolvers };
  }
  if (!lease || lease.endsAt <= nowMs) return { proto: 'dhcp', resolvers: [] };
  return {
    proto: 'dhcp',
    address: lease.address,
    ...(lease.router ? { gateway: lease.router } : {}),
    // Resolvers of the settings stand in for the router's, as a router's "own DNS servers" setting.
    resolvers: settings.resolvers.length > 0 ? settings.resolvers : lease.resolvers,
    endsAt: lease.endsAt,
  };
}

/** The writes, in order (link, addresses, route), and the record of what is owned once they are done. */
export function planWan(port: string, target: WanTarget, state: WanKernelState, owned: WanOwned | undefined, nowMs: number): { ops: WanOp[]; owned: WanOwned } {
  const ops: WanOp[] = [];
  if (state.link && !state.link.up) ops.push({ op: 'setUp', dev: port });
  const has = (address: string) => state.addresses.find((a) => a.address === address);
  if (owned?.address && (owned.dev !== port || owned.address !== target.address)) {
    // On another port the adapter finds out itself whether it is still there.
    if (owned.dev !== port || has(owned.address)) ops.push({ op: 'deleteAddress', dev: owned.dev, address: owned.address });
  }
  if (target.address) {
    const present = has(target.address);
    const validS = target.endsAt === undefined ? undefined : Math.max(1, Math.ceil((target.endsAt - nowMs) / 1000));
    // A renewed lease carries a new end; a static address must not keep a lifetime someone gave it.
    const renew = target.endsAt !== undefined ? owned?.endsAt !== target.endsAt || owned.address !== target.address : present?.validS !== undefined;
    if (!present || renew) ops.push({ op: 'putAddress', dev: port, address: target.address, ...(validS === undefined ? {} : { validS }) });
  }
  const main = state.defaultRoutes.filter((r) => !r.metric);
  if (target.address && target.gateway) {
    const there = main.length === 1 && main[0]?.via === target.gateway && main[0].dev === port && main[0].proto === target.proto;
    if (!there) ops.push({ op: 'putDefaultRoute', dev: port, via: target.gateway, proto: target.proto });
  } else {
    // Ours (by its protocol) on the port: a default route the box no longer has a gateway for.
    for (const r of main) if (r.dev === port && r.via && (r.proto === 'dhcp' || r.proto === 'static')) ops.push({ op: 'deleteDefaultRoute', dev: port, via: r.via });
  }
  return {
    ops,
    owned: {
      dev: port,
      ...(target.address ? { address: target.address, proto: target.proto } : {}),
      ...(target.address && target.gateway ? { gateway: target.gateway } : {}),
      ...(target.address && target.endsAt !== undefined ? { endsAt: target.endsAt } : {}),
      ...(target.resolvers.length > 0 ? { resolvers: target.resolvers } : {}),
    },
  };
}

/** The record as the state file holds it. */
export function renderOwned(owned: WanOwned): string {
  return `${JSON.stringify(owned)}\n`;
}

/** The record in a state file's text; undefined for text that is not one (the boot then restores nothing). */
export function parseOwned(text: string): WanOwned | undefined {
  try {
    const value = JSON.parse(text) as Partial<WanOwned>;
    if (typeof value !== 'object' || value === null || typeof value.dev !== 'string') return undefined;
    const optionalString = (v: unknown) => v === undefined || typeof v === 'string';
    if (!optionalString(value.address) || !optionalString(value.gateway)) return undefined;
    if (value.proto !== undefined && value.proto !== 'dhcp' && value.proto !== 'static') return undefined;
    if (value.endsAt !== undefined && typeof value.endsAt !== 'number') return undefined;
    if (value.resolvers !== undefined && !(Array.isArray(value.resolvers) && value.resolvers.every((r) => typeof r === 'string'))) return undefined;
    return value as WanOwned;
  } catch {
    return undefined;
  }
}
