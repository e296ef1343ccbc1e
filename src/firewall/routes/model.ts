// What tibox owns in the kernel's routing, and the values the planner, the diff and the
// adapters exchange. tibox owns exactly: routing table TI_ROUTE_TABLE (every route in it) and
// the policy rules with priority TI_RULE_PRIORITY or TI_GUARD_PRIORITY. Nothing else in the
// system is ever written by this module (ARCHITECTURE.md habit 7).

/** The table that holds one route per TI prefix: into the tunnel, or unreachable. */
export const TI_ROUTE_TABLE = 8742;
/** Priority of the rules `to <prefix> lookup TI_ROUTE_TABLE`, one per TI prefix. */
export const TI_RULE_PRIORITY = 8742;
/**
 * Priority of the guard rules `to <prefix> unreachable`, right after the lookup rules. A lookup
 * rule whose table has no matching route falls through to later rules; without the guard a
 * deleted table route would send TI traffic via the main table's default route to the WAN in
 * clear until the next reconcile. With it, TI prefixes fail closed even then.
 */
export const TI_GUARD_PRIORITY = 8743;
/** Routes and rules tibox writes carry this protocol (`proto static`), as charon's did. */
export const TI_ROUTE_PROTOCOL = 'static';

/** Which way TI prefixes go. `dev`/`via` name the next hop, `src` is the box's TI-segment address. */
export type TiPath =
  | { readonly kind: 'unreachable' }
  /** kernel-libipsec (lab): `<prefix> dev ipsec0 src <src>`; the TUN device is charon's. */
  | { readonly kind: 'libipsec'; readonly dev: string; readonly src: string }
  /** Kernel XFRM (boxes): `<prefix> via <wan gateway> dev <wan> src <src>`; the IPsec policies encrypt. */
  | { readonly kind: 'xfrm'; readonly via: string; readonly dev: string; readonly src: string };

/** The desired state, from the tunnel controller: plain data, comparable and cloneable. */
export interface TiRoutesDesired {
  readonly prefixes: readonly string[];
  readonly path: TiPath;
}

/** A route as tibox plans it or the kernel reports it (IPv4 only). */
export interface RouteEntry {
  readonly table: number;
  readonly dst: string;
  /** Kernel route type in lower case: `unicast`, `unreachable`, `blackhole`, ... */
  readonly type: string;
  readonly via?: string;
  readonly dev?: string;
  readonly src?: string;
  readonly proto?: string;
  readonly metric?: number;
  readonly tos?: number;
}

/** A policy rule as tibox plans it or the kernel reports it (IPv4 only). */
export interface RuleEntry {
  readonly priority: number;
  readonly from?: string;
  readonly to?: string;
  readonly iif?: string;
  readonly oif?: string;
  readonly fwmark?: number;
  readonly not?: boolean;
  /** As `ip rule` prints it: `lookup 8742`, `unreachable`, `goto 100`, `blackhole`, ... */
  readonly action: string;
  readonly proto?: string;
  /** Selectors tibox never sets (ports, uid ranges, ...), summarised, so such a rule never equals ours. */
  readonly extra?: string;
}

/**
 * The kernel's routes are keyed by table, destination, tos and metric: a second route with the
 * same key replaces the first (NLM_F_REPLACE), any other key is a different route.
 */
export function routeKey(r: RouteEntry): string {
  return `${r.table} ${r.dst}${r.tos ? ` tos ${r.tos}` : ''}${r.metric ? ` metric ${r.metric}` : ''}`;
}

/** One line in the spirit of `ip route`; equal text means an equal route. */
export function routeText(r: RouteEntry): string {
  const words = [r.type === 'unicast' ? r.dst : `${r.type} ${r.dst}`];
  if (r.tos) words.push(`tos ${r.tos}`);
  if (r.via) words.push(`via ${r.via}`);
  if (r.dev) words.push(`dev ${r.dev}`);
  words.push(`table ${r.table}`);
  if (r.proto) words.push(`proto ${r.proto}`);
  if (r.src) words.push(`src ${r.src}`);
  if (r.metric) words.push(`metric ${r.metric}`);
  return words.join(' ');
}

/** One line in the spirit of `ip rule`; equal text means an equal rule. */
export function ruleText(r: RuleEntry): string {
  const words = [`${r.priority}:`];
  if (r.not) words.push('not');
  words.push(`from ${r.from ?? 'all'}`);
  if (r.to) words.push(`to ${r.to}`);
  if (r.fwmark !== undefined) words.push(`fwmark ${r.fwmark}`);
  if (r.iif) words.push(`iif ${r.iif}`);
  if (r.oif) words.push(`oif ${r.oif}`);
  if (r.extra) words.push(r.extra);
  words.push(r.action);
  if (r.proto) words.push(`proto ${r.proto}`);
  return words.join(' ');
}
