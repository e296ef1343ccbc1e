// The pure planner and diff of the TI routes: small golden blocks per path, the fallback when a
// path cannot be installed, and a diff that only ever touches what tibox owns, in a fail-closed order.
import { describe, expect, it } from 'vitest';
import {
  diffRoutes,
  opText,
  planRoutes,
  type KernelFacts,
  type RoutePlan,
  type RouteEntry,
  type RuleEntry,
} from '../../../src/firewall/index.ts';
import { routeText, ruleText } from '../../../src/firewall/routes/model.ts';

const facts: KernelFacts = { links: ['lo', 'wan', 'ipsec0'], linksDown: [], addresses: ['192.0.2.10', '10.77.12.1'] };
const prefixes = ['100.102.0.0/15', '10.10.0.0/16'];

function text(plan: RoutePlan): string {
  return [...plan.rules.map(ruleText), ...plan.routes.map(routeText)].join('\n');
}

describe('planRoutes', () => {
  it('unreachable: per prefix a lookup rule, a guard rule and an unreachable route', () => {
    const plan = planRoutes({ prefixes, path: { kind: 'unreachable' } }, facts);
    expect(text(plan)).toBe(`8742: from all to 10.10.0.0/16 lookup 8742 proto static
8743: from all to 10.10.0.0/16 unreachable proto static
8742: from all to 100.102.0.0/15 lookup 8742 proto static
8743: from all to 100.102.0.0/15 unreachable proto static
unreachable 10.10.0.0/16 table 8742 proto static
unreachable 100.102.0.0/15 table 8742 proto static`);
    expect(plan.fallback).toBeUndefined();
  });

  it('libipsec: routes into the TUN device from the TI-segment address', () => {
    const plan = planRoutes({ prefixes: ['100.102.0.0/15'], path: { kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.1' } }, facts);
    expect(plan.routes.map(routeText)).toEqual(['100.102.0.0/15 dev ipsec0 table 8742 proto static src 10.77.12.1']);
    expect(plan.fallback).toBeUndefined();
    expect(plan.linkUp).toBeUndefined();
  });

  it('libipsec with the TUN device down: the same routes, the device to be set up first', () => {
    const down = { ...facts, linksDown: ['ipsec0'] };
    const plan = planRoutes({ prefixes: ['100.102.0.0/15'], path: { kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.1' } }, down);
    expect(plan.linkUp).toBe('ipsec0');
    expect(plan.routes.map(routeText)).toEqual(['100.102.0.0/15 dev ipsec0 table 8742 proto static src 10.77.12.1']);
  });

  it('sets up no device where the TI prefixes do not go into the tunnel device: unreachable, or XFRM via a WAN that is down', () => {
    const down = { ...facts, linksDown: ['ipsec0', 'wan'] };
    expect(planRoutes({ prefixes, path: { kind: 'unreachable' } }, down).linkUp).toBeUndefined();
    expect(planRoutes({ prefixes, path: { kind: 'xfrm', via: '192.0.2.1', dev: 'wan', src: '10.77.12.1' } }, down).linkUp).toBeUndefined();
    // Without the TI-segment address the routes fall back to unreachable: nothing goes into the device yet.
    expect(planRoutes({ prefixes, path: { kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.9' } }, down)).not.toHaveProperty('linkUp');
  });

  it('xfrm: routes via the WAN gateway, for the kernel policies to encrypt', () => {
    const plan = planRoutes({ prefixes: ['100.102.0.0/15'], path: { kind: 'xfrm', via: '192.0.2.1', dev: 'wan', src: '10.77.12.1' } }, facts);
    expect(plan.routes.map(routeText)).toEqual(['100.102.0.0/15 via 192.0.2.1 dev wan table 8742 proto static src 10.77.12.1']);
  });

  it('the rules do not depend on the path', () => {
    const rules = (path: Parameters<typeof planRoutes>[0]) => planRoutes(path, facts).rules.map(ruleText);
    expect(rules({ prefixes, path: { kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.1' } })).toEqual(rules({ prefixes, path: { kind: 'unreachable' } }));
  });

  it.each([
    [{ kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.1' } as const, ['lo'], 'tunnel device ipsec0 does not exist'],
    [{ kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.9' } as const, ['ipsec0'], 'TI-segment address 10.77.12.9 is not on the box'],
    [{ kind: 'xfrm', via: '192.0.2.1', dev: 'wan', src: '10.77.12.1' } as const, ['ipsec0'], 'WAN device wan does not exist'],
  ])('falls back to unreachable when the path cannot be installed (%j)', (path, links, reason) => {
    const plan = planRoutes({ prefixes, path }, { links, linksDown: [], addresses: facts.addresses });
    expect(plan.routes.map((r) => r.type)).toEqual(['unreachable', 'unreachable']);
    expect(plan.fallback).toBe(reason);
  });

  it('dedupes and sorts prefixes; null plans nothing', () => {
    const plan = planRoutes({ prefixes: ['100.102.0.0/15', '10.10.0.0/16', '100.102.0.0/15'], path: { kind: 'unreachable' } }, facts);
    expect(plan.routes.map((r) => r.dst)).toEqual(['10.10.0.0/16', '100.102.0.0/15']);
    expect(planRoutes(null, facts)).toEqual({ rules: [], routes: [] });
  });

  it.each([
    ['100.102.0.1/15', /host bits/],
    ['0.0.0.0/0', /\/1 to \/32/],
    ['100.102.0.0', /not an IPv4 prefix/],
    ['100.256.0.0/16', /not an IPv4 address/],
  ])('refuses the prefix %s', (prefix, error) => {
    expect(() => planRoutes({ prefixes: [prefix], path: { kind: 'unreachable' } }, facts)).toThrow(error);
  });

  it('refuses a malformed source address or device name', () => {
    expect(() => planRoutes({ prefixes, path: { kind: 'libipsec', dev: 'ipsec0', src: '10.77.12' } }, facts)).toThrow(/IPv4 address/);
    expect(() => planRoutes({ prefixes, path: { kind: 'xfrm', via: '192.0.2.1', dev: 'a very long name', src: '10.77.12.1' } }, facts)).toThrow(/device name/);
  });
});

describe('diffRoutes', () => {
  const unreachable = planRoutes({ prefixes: ['100.102.0.0/15'], path: { kind: 'unreachable' } }, facts);
  const tunnel = planRoutes({ prefixes: ['100.102.0.0/15'], path: { kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.1' } }, facts);
  const ops = (actual: { rules: readonly RuleEntry[]; routes: readonly RouteEntry[] }, planned: RoutePlan) => diffRoutes(actual, planned).map(opText);

  it('adds routes before the rules that lead to them, guard rules before lookup rules', () => {
    expect(ops({ rules: [], routes: [] }, unreachable)).toEqual([
      'add route unreachable 100.102.0.0/15 table 8742 proto static',
      'add rule 8743: from all to 100.102.0.0/15 unreachable proto static',
      'add rule 8742: from all to 100.102.0.0/15 lookup 8742 proto static',
    ]);
  });

  it('removes lookup rules, then guard rules, then routes', () => {
    expect(ops(unreachable, { rules: [], routes: [] })).toEqual([
      'delete rule 8742: from all to 100.102.0.0/15 lookup 8742 proto static',
      'delete rule 8743: from all to 100.102.0.0/15 unreachable proto static',
      'delete route unreachable 100.102.0.0/15 table 8742 proto static',
    ]);
  });

  it('switches the path by replacing the route in place, rules untouched', () => {
    expect(ops(unreachable, tunnel)).toEqual(['replace route 100.102.0.0/15 dev ipsec0 table 8742 proto static src 10.77.12.1']);
    expect(ops(tunnel, tunnel)).toEqual([]);
  });

  it('never touches rules or routes outside its table and priorities', () => {
    const foreign = {
      rules: [
        { priority: 220, action: 'lookup 220' },
        { priority: 100, to: '100.102.0.0/15', action: 'lookup main' },
      ],
      routes: [
        { table: 254, dst: '100.102.0.0/15', type: 'unicast', via: '192.0.2.1', dev: 'wan' },
        { table: 220, dst: '100.102.0.0/15', type: 'unicast', dev: 'ipsec0' },
      ],
    };
    const actual = { rules: [...foreign.rules, ...unreachable.rules], routes: [...foreign.routes, ...unreachable.routes] };
    expect(ops(actual, unreachable)).toEqual([]);
    expect(ops(actual, { rules: [], routes: [] })).toHaveLength(3);
    expect(diffRoutes(actual, { rules: [], routes: [] }).every((op) => ('rule' in op ? op.rule.priority >= 8742 : op.route.table === 8742))).toBe(true);
  });

  it('removes strangers in its own table and priorities, and duplicates of its own rules', () => {
    const actual = {
      rules: [...unreachable.rules, unreachable.rules[0]!, { priority: 8742, from: '10.0.0.0/8', to: '100.102.0.0/15', action: 'lookup 8742' }],
      routes: [...unreachable.routes, { table: 8742, dst: '0.0.0.0/0', type: 'unicast', via: '192.0.2.1', dev: 'wan', proto: 'boot' }],
    };
    expect(ops(actual, unreachable)).toEqual([
      'delete rule 8742: from all to 100.102.0.0/15 lookup 8742 proto static',
      'delete rule 8742: from 10.0.0.0/8 to 100.102.0.0/15 lookup 8742',
      'delete route 0.0.0.0/0 via 192.0.2.1 dev wan table 8742 proto boot',
    ]);
  });

  it('replaces a route of its own key that someone changed (other protocol)', () => {
    const changed = { rules: unreachable.rules, routes: [{ ...unreachable.routes[0]!, proto: 'boot' }] };
    expect(ops(changed, unreachable)).toEqual(['replace route unreachable 100.102.0.0/15 table 8742 proto static']);
  });
});
