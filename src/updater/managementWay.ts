// Which way remote management takes to its server (ARCHITECTURE.md §2): through the tunnel, or
// over the internet while the tunnel is down, so that a box whose tunnel broke can still be
// repaired. The internet way needs the server's address there (the management URL's name as the
// WAN's resolvers answer it, outside the TI prefixes); without one the tunnel is the only way.
// A tunnel that is down only for a moment (a failover, a restart, the agent's start) is waited
// for: the fleet's polls stay in the tunnel unless it stays down.

/** Where the management server answers on the internet. */
export interface InternetEndpoint {
  readonly address: string;
  readonly port: number;
}

export type ManagementWay = { readonly kind: 'tunnel' } | { readonly kind: 'internet'; readonly address: string; readonly port: number };

export interface WayInputs {
  /** Whether the tunnel carries traffic, and since when it does or does not (ms since the epoch). */
  readonly tunnel: { readonly up: boolean; readonly sinceMs: number };
  readonly internet: InternetEndpoint | undefined;
  readonly nowMs: number;
}

export interface WayChoice {
  readonly way: ManagementWay;
  /** When the choice changes by itself, unless an input changes first (ms from now). */
  readonly recheckInMs?: number;
}

/**
 * How long the tunnel must have been down before management leaves it: longer than a failover
 * or a cold start takes (seconds), short against the server's poll interval (5 min by default).
 */
export const INTERNET_AFTER_MS = 30_000;

const TUNNEL: ManagementWay = { kind: 'tunnel' };

export function chooseManagementWay({ tunnel, internet, nowMs }: WayInputs): WayChoice {
  if (tunnel.up || internet === undefined) return { way: TUNNEL };
  const downForMs = nowMs - tunnel.sinceMs;
  if (downForMs < INTERNET_AFTER_MS) return { way: TUNNEL, recheckInMs: INTERNET_AFTER_MS - downForMs };
  return { way: { kind: 'internet', address: internet.address, port: internet.port } };
}

export function sameWay(a: ManagementWay, b: ManagementWay): boolean {
  return a.kind === b.kind && (a.kind === 'tunnel' || (b.kind === 'internet' && a.address === b.address && a.port === b.port));
}
