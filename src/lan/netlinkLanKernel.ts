// The LanKernel on rtnetlink, through the `netlink` package: links (bridges included, their kind
// in IFLA_LINKINFO), IPv4 addresses, the main table's routes, neighbours and the change
// notifications, so no `ip` process is needed (sockets and their sequencing: src/core/rtnetlink.ts).
import {
  AF_INET, LIFETIME_INFINITE, RT_TABLE_MAIN, RTNETLINK_TIMEOUT_MS, RtNetlinkRequests, watchRtNetlink, formatIpv4, ipv4Attribute, ipv4OfAttribute, lastAddress, networkOf, parseInterfaceAddress, type Ipv4InterfaceAddress,
} from '../core/index.ts';
import { AttrStream, FlagsNew, ifla, type RtNetlinkSocket } from 'netlink';
import type { LanKernel, Neighbour } from './lanKernel.ts';
import type { KernelLink, LinkOp, LinksState } from './linksModel.ts';
import type { MainRoute } from './planCheck.ts';

const GROUPS = ['LINK', 'IPV4_IFADDR', 'IPV4_ROUTE'] as const;

export class NetlinkLanKernel implements LanKernel {
  private readonly requests = new RtNetlinkRequests();

  read(): Promise<LinksState> {
    return this.requests.run(async (nl) => {
      const links = await readLinks(nl);
      const names = new Map(links.map((l) => [l.index, l.link.name]));
      const addresses = await nl.getAddresses({ family: AF_INET }, undefined, { timeout: RTNETLINK_TIMEOUT_MS });
      return {
        links: links.map((l) => l.link),
        addresses: addresses.flatMap((a) => {
          // IFA_LOCAL is the box's own address; IFA_ADDRESS is the peer's on point-to-point links.
          const local = a.attrs.local ?? a.attrs.address;
          const dev = names.get(a.data.index ?? 0);
          if (!local || dev === undefined) return [];
          const valid = a.attrs.cacheInfo?.ifaValid ?? LIFETIME_INFINITE;
          return [{ dev, address: `${formatIpv4(ipv4OfAttribute(local))}/${a.data.prefixlen ?? 32}`, dynamic: valid !== LIFETIME_INFINITE }];
        }),
      };
    });
  }

  write(op: LinkOp): Promise<void> {
    return this.requests.run((nl) => writeOp(nl, op));
  }

  routes(): Promise<MainRoute[]> {
    return this.requests.run(async (nl) => {
      const names = new Map((await readLinks(nl)).map((l) => [l.index, l.link.name]));
      const routes = await nl.getRoutes({ family: AF_INET }, undefined, { timeout: RTNETLINK_TIMEOUT_MS });
      // The kernel ignores the table in a dump request unless strict checking is on: filter here.
      return routes
        .filter((r) => (r.attrs.table ?? r.data.table) === RT_TABLE_MAIN)
        .map((r) => {
          const { data, attrs } = r;
          const dst = attrs.dst ? ipv4OfAttribute(attrs.dst) : 0;
          return {
            dst: `${formatIpv4(dst)}/${data.dstLen ?? 0}`,
            type: lower(data.type) ?? 'unicast',
            ...(attrs.oif !== undefined ? { dev: names.get(attrs.oif) ?? `if${attrs.oif}` } : {}),
            ...(attrs.gateway ? { via: formatIpv4(ipv4OfAttribute(attrs.gateway)) } : {}),
            ...(data.protocol !== undefined ? { proto: lower(data.protocol) } : {}),
          };
        });
    });
  }

  neighbours(): Promise<Neighbour[]> {
    return this.requests.run(async (nl) => {
      const names = new Map((await readLinks(nl)).map((l) => [l.index, l.link.name]));
      const entries = await nl.getNeighbors({ family: AF_INET }, undefined, { timeout: RTNETLINK_TIMEOUT_MS });
      return entries.flatMap((n) => {
        const state = n.data.state ?? {};
        const dev = names.get(n.data.ifindex ?? 0);
        if (!n.attrs.dst || !n.attrs.lladdr || state.failed || state.incomplete || dev === undefined) return [];
        return [{ dev, ip: formatIpv4(ipv4OfAttribute(n.attrs.dst)), mac: formatMac(n.attrs.lladdr) }];
      });
    });
  }

  watch(onChange: () => void): () => void {
    return watchRtNetlink(GROUPS, onChange);
  }

}

async function readLinks(nl: RtNetlinkSocket): Promise<{ index: number; link: KernelLink }[]> {
  const links = await nl.getLinks(undefined, undefined, { timeout: RTNETLINK_TIMEOUT_MS });
  const names = new Map(links.map((l) => [l.data.index ?? 0, l.attrs.ifname ?? '']));
  return links.map((l) => {
    const kind = l.attrs.linkinfo ? ifla.parseInfo(l.attrs.linkinfo).kind : undefined;
    const master = l.attrs.master ? names.get(l.attrs.master) : undefined;
    const mac = l.attrs.address?.length === 6 ? formatMac(l.attrs.address) : undefined;
    return {
      index: l.data.index ?? 0,
      link: {
        name: l.attrs.ifname ?? '',
        ...(kind ? { kind } : {}),
        ...(master ? { master } : {}),
        up: l.data.flags?.up === true,
        ...(mac ? { mac } : {}),
      },
    };
  });
}

async function writeOp(nl: RtNetlinkSocket, op: LinkOp): Promise<void> {
  const options = { timeout: RTNETLINK_TIMEOUT_MS };
  const create = { ...options, flags: FlagsNew.CREATE | FlagsNew.EXCL };
  switch (op.op) {
    case 'createBridge': {
      const linkinfo = new AttrStream();
      linkinfo.emit(ifla.formatInfo({ kind: 'bridge' }));
      await nl.newLink({}, { ifname: op.name, linkinfo: Buffer.concat(linkinfo.bufs) }, create);
      return;
    }
    case 'deleteBridge':
      await nl.delLink({ index: await linkIndex(nl, op.name) }, undefined, options);
      return;
    case 'setMaster': {
      const master = op.master === null ? 0 : await linkIndex(nl, op.master);
      await nl.setLink({ index: await linkIndex(nl, op.port) }, { master }, options);
      return;
    }
    case 'setUp':
      await nl.setLink({ index: await linkIndex(nl, op.name), flags: { up: true }, change: { up: true } }, undefined, options);
      return;
    case 'addAddress':
    case 'deleteAddress': {
      const parsed = interfaceAddress(op.address);
      const data = { family: AF_INET, prefixlen: parsed.length, index: await linkIndex(nl, op.dev) };
      const local = ipv4Attribute(parsed.address);
      if (op.op === 'deleteAddress') {
        await nl.delAddress(data, { local, address: local }, options);
        return;
      }
      // As `ip addr add ... brd +`: the subnet's broadcast address, none on /31 and /32.
      const broadcast = parsed.length < 31 ? { broadcast: ipv4Attribute(lastAddress(networkOf(parsed.address, parsed.length))) } : {};
      await nl.newAddress({ ...data, scope: 0 }, { local, address: local, ...broadcast }, create);
      return;
    }
  }
}

async function linkIndex(nl: RtNetlinkSocket, name: string): Promise<number> {
  const links = await nl.getLinks(undefined, undefined, { timeout: RTNETLINK_TIMEOUT_MS });
  const index = links.find((l) => l.attrs.ifname === name)?.data.index;
  if (index === undefined) throw new Error(`device ${name} does not exist`);
  return index;
}

function interfaceAddress(text: string): Ipv4InterfaceAddress {
  const parsed = parseInterfaceAddress(text);
  if (!parsed) throw new Error(`not an interface address: ${JSON.stringify(text)}`);
  return parsed;
}

function formatMac(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function lower(value: string | number | undefined): string | undefined {
  return value === undefined ? undefined : String(value).toLowerCase();
}
