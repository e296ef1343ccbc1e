// The WanKernel on rtnetlink, through the `netlink` package (sockets and their sequencing:
// src/core/rtnetlink.ts): the WAN port's link and carrier, its IPv4 addresses with their
// lifetimes, the main table's default routes, and the writes of the plan.
import { FlagsNew, type RtNetlinkSocket } from 'netlink';
import {
  AF_INET, LIFETIME_INFINITE, RT_TABLE_MAIN, RTNETLINK_TIMEOUT_MS, formatIpv4, ipv4Attribute, ipv4OfAttribute, lastAddress, networkOf, parseInterfaceAddress, parseIpv4, RtNetlinkRequests, watchRtNetlink,
} from '../core/index.ts';
import type { WanAddress, WanKernel, WanKernelState, WanOp, WanRouteEntry } from './kernel.ts';

const GROUPS = ['LINK', 'IPV4_IFADDR', 'IPV4_ROUTE'] as const;
/** What the kernel answers to deleting an address or route that is not there (the package puts the code in the message). */
const GONE = /\b(EADDRNOTAVAIL|ESRCH|ENODEV)\b/;

export class NetlinkWanKernel implements WanKernel {
  private readonly requests = new RtNetlinkRequests();

  read(port: string): Promise<WanKernelState> {
    return this.requests.run(async (nl) => {
      const options = { timeout: RTNETLINK_TIMEOUT_MS };
      const links = await nl.getLinks(undefined, undefined, options);
      const names = new Map(links.map((l) => [l.data.index ?? 0, l.attrs.ifname ?? '']));
      const link = links.find((l) => l.attrs.ifname === port);
      const index = link?.data.index;
      const addresses: WanAddress[] = index === undefined ? [] : (await nl.getAddresses({ family: AF_INET }, undefined, options)).flatMap((a) => {
        const local = a.attrs.local ?? a.attrs.address;
        if (a.data.index !== index || !local) return [];
        const valid = a.attrs.cacheInfo?.ifaValid ?? LIFETIME_INFINITE;
        return [{ address: `${formatIpv4(ipv4OfAttribute(local))}/${a.data.prefixlen ?? 32}`, ...(valid === LIFETIME_INFINITE ? {} : { validS: valid }) }];
      });
      const routes = await nl.getRoutes({ family: AF_INET }, undefined, options);
      // The kernel ignores the table in a dump request unless strict checking is on: filter here.
      const defaultRoutes: WanRouteEntry[] = routes
        .filter((r) => (r.attrs.table ?? r.data.table) === RT_TABLE_MAIN && (r.data.dstLen ?? 0) === 0 && String(r.data.type).toLowerCase() === 'unicast')
        .map((r) => ({
          ...(r.attrs.gateway ? { via: formatIpv4(ipv4OfAttribute(r.attrs.gateway)) } : {}),
          ...(r.attrs.oif !== undefined ? { dev: names.get(r.attrs.oif) ?? `if${r.attrs.oif}` } : {}),
          ...(r.data.protocol !== undefined ? { proto: String(r.data.protocol).toLowerCase() } : {}),
          ...(r.attrs.priority ? { metric: r.attrs.priority } : {}),
        }));
      return {
        ...(link ? { link: { up: link.data.flags?.up === true, carrier: link.data.flags?.lowerUp === true } } : {}),
        addresses,
        defaultRoutes,
      };
    });
  }

  write(op: WanOp): Promise<void> {
    return this.requests.run((nl) => writeOp(nl, op));
  }

  watch(onChange: () => void): () => void {
    return watchRtNetlink(GROUPS, onChange);
  }
}

async function writeOp(nl: RtNetlinkSocket, op: WanOp): Promise<void> {
  const options = { timeout: RTNETLINK_TIMEOUT_MS };
  const replace = { ...options, flags: FlagsNew.CREATE | FlagsNew.REPLACE };
  switch (op.op) {
    case 'setUp':
      await nl.setLink({ index: await linkIndex(nl, op.dev), flags: { up: true }, change: { up: true } }, undefined, options);
      return;
    case 'putAddress':
    case 'deleteAddress': {
      const parsed = parseInterfaceAddress(op.address);
      if (!parsed) throw new Error(`not an interface address: ${JSON.stringify(op.address)}`);
      const local = ipv4Attribute(parsed.address);
      if (op.op === 'deleteAddress') {
        const index = await linkIndex(nl, op.dev).catch(() => undefined);
        if (index !== undefined) await gone(nl.delAddress({ family: AF_INET, prefixlen: parsed.length, index }, { local, address: local }, options));
        return;
      }
      const data = { family: AF_INET, prefixlen: parsed.length, index: await linkIndex(nl, op.dev), scope: 0 };
      const broadcast = parsed.length < 31 ? { broadcast: ipv4Attribute(lastAddress(networkOf(parsed.address, parsed.length))) } : {};
      const lifetime = op.validS ?? LIFETIME_INFINITE;
      await nl.newAddress(data, { local, address: local, ...broadcast, cacheInfo: { ifaPrefered: lifetime, ifaValid: lifetime, cstamp: 0, tstamp: 0 } }, replace);
      return;
    }
    case 'putDefaultRoute':
    case 'deleteDefaultRoute': {
      const via = parseIpv4(op.via);
      if (via === undefined) throw new Error(`not an IPv4 address: ${JSON.stringify(op.via)}`);
      const data = { family: AF_INET, dstLen: 0, table: RT_TABLE_MAIN, type: 'UNICAST' as const };
      if (op.op === 'deleteDefaultRoute') {
        await gone(nl.delRoute({ ...data, scope: 'NOWHERE' }, { table: RT_TABLE_MAIN, gateway: ipv4Attribute(via) }, options));
        return;
      }
      const protocol = op.proto === 'dhcp' ? 'DHCP' : 'STATIC';
      await nl.newRoute({ ...data, scope: 'UNIVERSE', protocol }, { table: RT_TABLE_MAIN, gateway: ipv4Attribute(via), oif: await linkIndex(nl, op.dev) }, replace);
      return;
    }
  }
}

/** A delete of what is not there is done. */
async function gone(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!GONE.test((error as Error).message)) throw error;
  }
}

async function linkIndex(nl: RtNetlinkSocket, name: string): Promise<number> {
  const links = await nl.getLinks(undefined, undefined, { timeout: RTNETLINK_TIMEOUT_MS });
  const index = links.find((l) => l.attrs.ifname === name)?.data.index;
  if (index === undefined) throw new Error(`device ${name} does not exist`);
  return index;
}
