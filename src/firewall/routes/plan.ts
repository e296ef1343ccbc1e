// The pure half of the routes module: from the desired state and a few kernel facts to the
// rules and routes tibox wants (planRoutes), and from what the kernel holds to the fewest
// writes that get there (diffRoutes). Nothing here touches the OS.
import {
  TI_GUARD_PRIORITY,
  TI_ROUTE_PROTOCOL,
  TI_ROUTE_TABLE,
  TI_RULE_PRIORITY,
  routeKey,
  routeText,
  ruleText,
  type RouteEntry,
  type RuleEntry,
  type TiPath,
  type TiRoutesDesired,
} from './model.ts';
import { readIpv4, readTiPrefix } from './tiPrefix.ts';

/** What the planner needs to know about the box: its links, which of them are down, its local IPv4 addresses. */
export interface KernelFacts {
  readonly links: readonly string[];
  /** Those of `links` that are administratively down (IFF_UP clear). */
  readonly linksDown: readonly string[];
  readonly addresses: readonly string[];
}

export interface RoutePlan {
  readonly rules: readonly RuleEntry[];
  readonly routes: readonly RouteEntry[];
  /** The tunnel device to set up before the routes into it are written (the kernel refuses them while it is down). */
  readonly linkUp?: string;
  /** Why the TI prefixes are unreachable although the desired path leads somewhere. */
  readonly fallback?: string;
}

export type RouteOp =
  | { readonly op: 'add' | 'replace' | 'delete'; readonly route: RouteEntry }
  | { readonly op: 'add' | 'delete'; readonly rule: RuleEntry };

export function opText(op: RouteOp): string {
  return 'route' in op ? `${op.op} route ${routeText(op.route)}` : `${op.op} rule ${ruleText(op.rule)}`;
}

/**
 * Per TI prefix: a lookup rule, a guard rule and one route in the TI table. A path that cannot be
 * installed right now (TUN device gone while charon restarts, WAN link or TI-segment address not
 * there yet) gives unreachable routes and says why, so no TI prefix is ever without a route.
 * A TUN device that is there but down is to be set up first (`linkUp`).
 * Throws on malformed input (a bad prefix, address or device name): that is a caller's bug.
 */
export function planRoutes(desired: TiRoutesDesired | null, facts: KernelFacts): RoutePlan {
  if (desired === null) return { rules: [], routes: [] };
  const prefixes = [...new Set(desired.prefixes)].sort(comparePrefixes);
  prefixes.forEach(readTiPrefix);
  checkPath(desired.path);
  const fallback = missing(desired.path, facts);
  const path: TiPath = fallback ? { kind: 'unreachable' } : desired.path;
  const rules = prefixes.flatMap((to): RuleEntry[] => [
    { priority: TI_RULE_PRIORITY, to, action: `lookup ${TI_ROUTE_TABLE}`, proto: TI_ROUTE_PROTOCOL },
    { priority: TI_GUARD_PRIORITY, to, action: 'unreachable', proto: TI_ROUTE_PROTOCOL },
  ]);
  const routes = prefixes.map((dst) => routeFor(dst, path));
  if (fallback) return { rules, routes, fallback };
  // kernel-libipsec's TUN device set down from outside (`ip link set ipsec0 down`): the kernel
  // drops the routes into it and refuses new ones (ENETDOWN) while charon keeps the SA, and
  // charon sets the device up only once, when it creates it. Its link state is looked after
  // here, in the one place that leads traffic into it and already reconciles on every link
  // event, and only while the TI prefixes are to go through it. The XFRM path's WAN device
  // belongs to the WAN side and is left alone.
  if (path.kind === 'libipsec' && facts.linksDown.includes(path.dev)) return { rules, routes, linkUp: path.dev };
  return { rules, routes };
}

function routeFor(dst: string, path: TiPath): RouteEntry {
  const base = { table: TI_ROUTE_TABLE, dst, proto: TI_ROUTE_PROTOCOL };
  switch (path.kind) {
    case 'unreachable':
      return { ...base, type: 'unreachable' };
    case 'libipsec':
      return { ...base, type: 'unicast', dev: path.dev, src: path.src };
    case 'xfrm':
      return { ...base, type: 'unicast', via: path.via, dev: path.dev, src: path.src };
  }
}

function checkPath(path: TiPath): void {
  if (path.kind === 'unreachable') return;
  if (!/^[^\s/]{1,15}$/.test(path.dev)) throw new Error(`not a device name: ${JSON.stringify(path.dev)}`);
  readIpv4(path.src);
  if (path.kind === 'xfrm') readIpv4(path.via);
}

/** The reason the path cannot be installed now, judged from facts the kernel would check too. */
function missing(path: TiPath, facts: KernelFacts): string | undefined {
  if (path.kind === 'unreachable') return undefined;
  const what = path.kind === 'libipsec' ? 'tunnel device' : 'WAN device';
  if (!facts.links.includes(path.dev)) return `${what} ${path.dev} does not exist`;
  if (!facts.addresses.includes(path.src)) return `TI-segment address ${path.src} is not on the box`;
  return undefined;
}

function comparePrefixes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The writes that turn `actual` into `planned`, touching only what tibox owns (its table and its
 * two rule priorities; anything else in `actual` is left alone). Order keeps TI traffic from
 * ever reaching the main table: routes are written before the rules that lead to them, and
 * rules are removed before the routes behind them.
 */
export function diffRoutes(
  actual: { readonly rules: readonly RuleEntry[]; readonly routes: readonly RouteEntry[] },
  planned: { readonly rules: readonly RuleEntry[]; readonly routes: readonly RouteEntry[] },
): RouteOp[] {
  const ownedRoutes = actual.routes.filter((r) => r.table === TI_ROUTE_TABLE);
  const ownedRules = actual.rules.filter((r) => r.priority === TI_RULE_PRIORITY || r.priority === TI_GUARD_PRIORITY);

  const plannedByKey = new Map(planned.routes.map((r) => [routeKey(r), r]));
  const routeWrites: RouteOp[] = [];
  const routeDeletes: RouteOp[] = [];
  const matched = new Set<string>();
  for (const route of ownedRoutes) {
    const key = routeKey(route);
    const want = plannedByKey.get(key);
    if (want && !matched.has(key)) {
      matched.add(key);
      if (routeText(want) !== routeText(route)) routeWrites.push({ op: 'replace', route: want });
    } else {
      routeDeletes.push({ op: 'delete', route });
    }
  }
  for (const [key, route] of plannedByKey) if (!matched.has(key)) routeWrites.push({ op: 'add', route });

  const plannedRules = new Set(planned.rules.map(ruleText));
  const seenRules = new Set<string>();
  const ruleDeletes: RouteOp[] = [];
  for (const rule of ownedRules) {
    const text = ruleText(rule);
    // A duplicate of a planned rule is surplus too: the kernel keeps identical rules side by side.
    if (plannedRules.has(text) && !seenRules.has(text)) seenRules.add(text);
    else ruleDeletes.push({ op: 'delete', rule });
  }
  const ruleAdds: RouteOp[] = planned.rules.filter((r) => !seenRules.has(ruleText(r))).map((rule) => ({ op: 'add', rule }));

  // Guard rules go in before lookup rules and out after them.
  const byPriority = (dir: 1 | -1) => (a: RouteOp, b: RouteOp) => dir * (priorityOf(b) - priorityOf(a));
  return [...routeWrites, ...ruleAdds.sort(byPriority(1)), ...ruleDeletes.sort(byPriority(-1)), ...routeDeletes];
}

function priorityOf(op: RouteOp): number {
  return 'rule' in op ? op.rule.priority : 0;
}
