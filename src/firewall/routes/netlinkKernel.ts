// The RouteKernel on rtnetlink, through the `netlink` package, which covers routes, rules
// (RTM_NEWRULE/DELRULE/GETRULE), links, addresses and the multicast groups, so no `ip` process
// is needed (sockets and their sequencing: src/core/rtnetlink.ts).
import { AF_INET, RTNETLINK_TIMEOUT_MS, RtNetlinkRequests, formatIpv4, formatPrefix, ipv4Attribute, ipv4OfAttribute, watchRtNetlink } from '../../core/index.ts';
import { FlagsNew, type RtNetlinkSocket, type rt } from 'netlink';
import { TI_GUARD_PRIORITY, TI_ROUTE_TABLE, TI_RULE_PRIORITY, type RouteEntry, type RuleEntry } from './model.ts';
import type { RouteKernel, RouteKernelState } from './kernel.ts';
import type { RouteOp } from './plan.ts';
import { readIpv4, readTiPrefix } from './tiPrefix.ts';

/** The u8 table field of route messages holds this when the real id (> 255) is in RTA_TABLE. */
const RT_TABLE_COMPAT = 252;
/** Numeric rule protocols as `ip rule` names them (rtnetlink RTPROT_*). */
const PROTOCOLS: Record<number, string> = { 2: 'kernel', 3: 'boot', 4: 'static' };
const UNSET_U32 = 0xffffffff;
const GROUPS = ['LINK', 'IPV4_IFADDR', 'IPV4_ROUTE', 'IPV4_RULE'] as const;

export class NetlinkRouteKernel implements RouteKernel {
  private readonly requests = new RtNetlinkRequests();

  read(): Promise<RouteKernelState> {
    return this.requests.run((nl) => readState(nl));
  }

  write(op: RouteOp): Promise<void> {
    return this.requests.run((nl) => writeOp(nl, op));
  }

  setLinkUp(name: string): Promise<void> {
    // IFF_UP in the change mask: no other flag of the link is touched.
    return this.requests.run(async (nl) => {
      await nl.setLink({ index: await linkIndex(nl, name), flags: { up: true }, change: { up: true } }, undefined, { timeout: RTNETLINK_TIMEOUT_MS });
    });
  }

  watch(onChange: () => void): () => void {
    return watchRtNetlink(GROUPS, onChange);
  }

}

async function readState(nl: RtNetlinkSocket): Promise<RouteKernelState> {
  const options = { timeout: RTNETLINK_TIMEOUT_MS };
  const links = await nl.getLinks(undefined, undefined, options);
  const addresses = await nl.getAddresses({ family: AF_INET }, undefined, options);
  const routes = await nl.getRoutes({ family: AF_INET }, undefined, options);
  const rules = await nl.getRules({ family: AF_INET }, undefined, options);
  const names = new Map(links.map((l) => [l.data.index ?? 0, l.attrs.ifname ?? '']));
  return {
    links: [...names.values()],
    linksDown: links.filter((l) => l.data.flags?.up !== true).map((l) => l.attrs.ifname ?? ''),
    // IFA_LOCAL is the box's own address; IFA_ADDRESS is the peer's on point-to-point links.
    addresses: addresses.flatMap((a) => {
      const local = a.attrs.local ?? a.attrs.address;
      return local ? [formatIpv4(ipv4OfAttribute(local))] : [];
    }),
    // The kernel ignores the table in a dump request unless strict checking is on: filter here.
    routes: routes.filter((r) => (r.attrs.table ?? r.data.table) === TI_ROUTE_TABLE).map((r) => toRouteEntry(r, names)),
    rules: rules.filter((r) => r.attrs.priority === TI_RULE_PRIORITY || r.attrs.priority === TI_GUARD_PRIORITY).map(toRuleEntry),
  };
}

async function writeOp(nl: RtNetlinkSocket, op: RouteOp): Promise<void> {
  const create = op.op === 'add' ? FlagsNew.CREATE | FlagsNew.EXCL : FlagsNew.CREATE | FlagsNew.REPLACE;
  if ('route' in op) {
    const [data, attrs] = await routeMessage(nl, op.route, op.op === 'delete');
    if (op.op === 'delete') await nl.delRoute(data, attrs, { timeout: RTNETLINK_TIMEOUT_MS });
    else await nl.newRoute(data, attrs, { flags: create, timeout: RTNETLINK_TIMEOUT_MS });
  } else {
    const [data, attrs] = ruleMessage(op.rule);
    // Rules have no replace: the diff only ever adds or deletes them.
    if (op.op === 'delete') await nl.delRule(data, attrs, { timeout: RTNETLINK_TIMEOUT_MS });
    else await nl.newRule(data, attrs, { flags: FlagsNew.CREATE | FlagsNew.EXCL, timeout: RTNETLINK_TIMEOUT_MS });
  }
}

function lower(value: string | number | undefined): string | undefined {
  return value === undefined ? undefined : String(value).toLowerCase();
}

/** A prefix as `ip` prints it, from an address attribute and a length; no attribute is 0.0.0.0. */
function prefixText(attribute: Buffer | undefined, length: number): string {
  return formatPrefix({ network: attribute ? ipv4OfAttribute(attribute) : 0, length });
}

function toRouteEntry(m: rt.RouteMessage, names: Map<number, string>): RouteEntry {
  const { data, attrs } = m;
  const oif = attrs.oif;
  return {
    table: attrs.table ?? data.table ?? 0,
    dst: prefixText(attrs.dst, data.dstLen ?? 0),
    type: lower(data.type) ?? 'unicast',
    ...(attrs.gateway ? { via: formatIpv4(ipv4OfAttribute(attrs.gateway)) } : {}),
    ...(oif !== undefined ? { dev: names.get(oif) ?? `if${oif}` } : {}),
    ...(attrs.prefsrc ? { src: formatIpv4(ipv4OfAttribute(attrs.prefsrc)) } : {}),
    ...(data.protocol !== undefined ? { proto: lower(data.protocol) } : {}),
    ...(attrs.priority ? { metric: attrs.priority } : {}),
    ...(data.tos ? { tos: data.tos } : {}),
  };
}

async function routeMessage(nl: RtNetlinkSocket, r: RouteEntry, forDelete: boolean): Promise<[rt.Route, rt.RouteAttrs]> {
  const dst = readTiPrefix(r.dst);
  const data: rt.Route = {
    family: AF_INET,
    dstLen: dst.length,
    tos: r.tos ?? 0,
    table: r.table < 256 ? r.table : RT_TABLE_COMPAT,
    type: r.type.toUpperCase() as keyof typeof rt.RouteType,
    // A delete matches any scope and protocol; an add states them as `ip route add` would.
    scope: forDelete ? 'NOWHERE' : r.type === 'unicast' && !r.via ? 'LINK' : 'UNIVERSE',
    ...(!forDelete && r.proto ? { protocol: r.proto.toUpperCase() as keyof typeof rt.RouteProtocol } : {}),
  };
  const attrs: rt.RouteAttrs = { dst: ipv4Attribute(dst.network), table: r.table, ...(r.metric ? { priority: r.metric } : {}) };
  if (forDelete) return [data, attrs];
  if (r.dev !== undefined) attrs.oif = await linkIndex(nl, r.dev);
  if (r.via !== undefined) attrs.gateway = ipv4Attribute(readIpv4(r.via));
  if (r.src !== undefined) attrs.prefsrc = ipv4Attribute(readIpv4(r.src));
  return [data, attrs];
}

async function linkIndex(nl: RtNetlinkSocket, name: string): Promise<number> {
  const links = await nl.getLinks(undefined, undefined, { timeout: RTNETLINK_TIMEOUT_MS });
  const index = links.find((l) => l.attrs.ifname === name)?.data.index;
  if (index === undefined) throw new Error(`device ${name} does not exist`);
  return index;
}

function toRuleEntry(m: rt.RuleMessage): RuleEntry {
  const { data, attrs } = m;
  const action = String(data.action);
  const extra = [
    data.tos ? `tos ${data.tos}` : '',
    attrs.fwmask !== undefined && attrs.fwmask !== UNSET_U32 ? `fwmask ${attrs.fwmask}` : '',
    attrs.ipProto ? `ipproto ${attrs.ipProto}` : '',
    attrs.sportRange ? `sport ${attrs.sportRange.start}-${attrs.sportRange.end}` : '',
    attrs.dportRange ? `dport ${attrs.dportRange.start}-${attrs.dportRange.end}` : '',
    attrs.uidRange && !(attrs.uidRange.start === 0 && attrs.uidRange.end === UNSET_U32) ? `uidrange ${attrs.uidRange.start}-${attrs.uidRange.end}` : '',
    attrs.suppressPrefixlen && attrs.suppressPrefixlen.readUInt32LE(0) !== UNSET_U32 ? `suppress_prefixlength ${attrs.suppressPrefixlen.readUInt32LE(0)}` : '',
    attrs.l3Mdev ? 'l3mdev' : '',
  ].filter(Boolean).join(' ');
  const proto = attrs.protocol ? (PROTOCOLS[attrs.protocol] ?? String(attrs.protocol)) : undefined;
  return {
    priority: attrs.priority ?? 0,
    ...(data.flags?.invert ? { not: true } : {}),
    ...(data.srcLen ? { from: prefixText(attrs.src, data.srcLen) } : {}),
    ...(data.dstLen ? { to: prefixText(attrs.dst, data.dstLen) } : {}),
    ...(attrs.fwmark ? { fwmark: attrs.fwmark } : {}),
    ...(attrs.iifname ? { iif: attrs.iifname } : {}),
    ...(attrs.oifname ? { oif: attrs.oifname } : {}),
    ...(extra ? { extra } : {}),
    action: action === 'toTbl' ? `lookup ${attrs.table ?? data.table}` : action === 'goto' ? `goto ${attrs.goto}` : action,
    ...(proto ? { proto } : {}),
  };
}

function ruleMessage(r: RuleEntry): [rt.Rule, rt.RuleAttrs] {
  const [verb = '', arg] = r.action.split(' ');
  const table = verb === 'lookup' ? Number(arg) : 0;
  const to = r.to ? readTiPrefix(r.to) : undefined;
  const from = r.from ? readTiPrefix(r.from) : undefined;
  const data: rt.Rule = {
    family: AF_INET,
    dstLen: to?.length ?? 0,
    srcLen: from?.length ?? 0,
    table: table < 256 ? table : 0,
    action: verb === 'lookup' ? 'toTbl' : (verb as keyof typeof rt.RuleAction),
    ...(r.not ? { flags: { invert: true } } : {}),
  };
  const attrs: rt.RuleAttrs = {
    priority: r.priority,
    ...(to ? { dst: ipv4Attribute(to.network) } : {}),
    ...(from ? { src: ipv4Attribute(from.network) } : {}),
    ...(table ? { table } : {}),
    ...(verb === 'goto' ? { goto: Number(arg) } : {}),
    ...(r.iif ? { iifname: r.iif } : {}),
    ...(r.oif ? { oifname: r.oif } : {}),
    ...(r.fwmark ? { fwmark: r.fwmark } : {}),
    ...(r.proto === 'static' ? { protocol: 4 } : {}),
  };
  return [data, attrs];
}
