// A fake kernel for the routes module, tailscale style: it prints its state as sorted text,
// counts writes, and throws on a write the real kernel would refuse (duplicate add, replace or
// delete of something absent, a device or source address that is not there, a device that is
// down) and on any write outside what tibox owns.
import { TI_GUARD_PRIORITY, TI_ROUTE_TABLE, TI_RULE_PRIORITY, routeKey, routeText, ruleText } from '../../../src/firewall/routes/model.ts';
import type { RouteEntry, RuleEntry } from '../../../src/firewall/routes/model.ts';
import type { RouteKernel, RouteKernelState } from '../../../src/firewall/routes/kernel.ts';
import { opText, type RouteOp } from '../../../src/firewall/routes/plan.ts';

export class FakeRouteKernel implements RouteKernel {
  readonly links = new Set(['lo', 'wan', 'lan']);
  /** Links that are administratively down. */
  readonly linksDown = new Set<string>();
  readonly addresses = new Set(['127.0.0.1', '192.0.2.10', '10.77.12.1']);
  /** Gateways the fake kernel refuses as next hops ("Nexthop has invalid gateway"). */
  readonly badGateways = new Set<string>();
  readonly writes: string[] = [];
  private rules: RuleEntry[] = [];
  private routes = new Map<string, RouteEntry>();
  private listeners = new Set<() => void>();

  /** Rules and routes of others, which tibox must never touch. */
  constructor(foreign: { rules?: RuleEntry[]; routes?: RouteEntry[] } = {}) {
    this.rules.push(...(foreign.rules ?? []));
    for (const r of foreign.routes ?? []) this.routes.set(routeKey(r), r);
  }

  async read(): Promise<RouteKernelState> {
    return structuredClone({
      links: [...this.links], linksDown: [...this.linksDown], addresses: [...this.addresses], rules: this.rules, routes: [...this.routes.values()],
    });
  }

  async write(op: RouteOp): Promise<void> {
    const fail = (why: string): never => {
      throw new Error(`fake kernel refuses "${opText(op)}": ${why}`);
    };
    if ('route' in op) {
      const r = op.route;
      const key = routeKey(r);
      if (r.table !== TI_ROUTE_TABLE) fail('not in the TI table');
      if (op.op === 'delete') {
        const existing = this.routes.get(key);
        if (!existing || routeText(existing) !== routeText(r)) fail('no such route');
        this.routes.delete(key);
      } else {
        if (op.op === 'add' && this.routes.has(key)) fail('exists');
        if (op.op === 'replace' && !this.routes.has(key)) fail('absent');
        if (r.dev !== undefined && !this.links.has(r.dev)) fail('no such device');
        if (r.dev !== undefined && this.linksDown.has(r.dev)) fail('ENETDOWN');
        if (r.src !== undefined && !this.addresses.has(r.src)) fail('invalid prefsrc');
        if (r.via !== undefined && this.badGateways.has(r.via)) fail('invalid gateway');
        this.routes.set(key, r);
      }
    } else {
      const text = ruleText(op.rule);
      if (op.rule.priority !== TI_RULE_PRIORITY && op.rule.priority !== TI_GUARD_PRIORITY) fail('not a tibox priority');
      const index = this.rules.findIndex((x) => ruleText(x) === text);
      if (op.op === 'add' && index >= 0) fail('exists');
      if (op.op === 'delete' && index < 0) fail('no such rule');
      if (op.op === 'add') this.rules.push(op.rule);
      else this.rules.splice(index, 1);
    }
    this.writes.push(opText(op));
    this.notify();
  }

  async setLinkUp(name: string): Promise<void> {
    if (!this.links.has(name)) throw new Error(`fake kernel refuses "set link ${name} up": no such device`);
    this.linksDown.delete(name);
    this.writes.push(`set link ${name} up`);
    this.notify();
  }

  watch(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  get watchers(): number {
    return this.listeners.size;
  }

  /** The state as sorted lines, the way tests compare it. */
  text(): string {
    return [...this.rules.map((r) => `rule ${ruleText(r)}`), ...[...this.routes.values()].map((r) => `route ${routeText(r)}`)].sort().join('\n');
  }

  /** Someone else deletes a route (by its text), as `ip route del` would. */
  deleteRoute(text: string): void {
    const entry = [...this.routes.entries()].find(([, r]) => routeText(r) === text);
    if (!entry) throw new Error(`no route ${text}`);
    this.routes.delete(entry[0]);
    this.notify();
  }

  /** A link vanishes (charon's TUN device when it exits) and takes its routes with it. */
  removeLink(name: string): void {
    this.links.delete(name);
    this.linksDown.delete(name);
    for (const [key, r] of this.routes) if (r.dev === name) this.routes.delete(key);
    this.notify();
  }

  /** Someone sets a link down (`ip link set NAME down`): the kernel drops the routes through it. */
  setLinkDown(name: string): void {
    if (!this.links.has(name)) throw new Error(`no link ${name}`);
    this.linksDown.add(name);
    for (const [key, r] of this.routes) if (r.dev === name) this.routes.delete(key);
    this.notify();
  }

  addLink(name: string): void {
    this.links.add(name);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
