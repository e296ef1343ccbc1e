// Links' MTUs over rtnetlink: the WAN port's (no path is larger) and the libipsec device's, which
// charon creates at 1400 on every start and the box sets to the tunnel's MTU.
import { RtNetlinkRequests } from '../../core/index.ts';

const REQUEST_TIMEOUT_MS = 5_000;

export interface LinkMtus {
  /** The link's MTU and whether it is up; undefined when there is no such link. */
  read(name: string): Promise<{ mtu: number; up: boolean } | undefined>;
  set(name: string, mtu: number): Promise<void>;
}

export class NetlinkLinkMtus implements LinkMtus {
  private readonly requests = new RtNetlinkRequests();

  read(name: string): Promise<{ mtu: number; up: boolean } | undefined> {
    return this.requests.run(async (nl) => {
      const links = await nl.getLinks(undefined, undefined, { timeout: REQUEST_TIMEOUT_MS });
      const link = links.find((l) => l.attrs.ifname === name);
      return link?.attrs.mtu === undefined ? undefined : { mtu: link.attrs.mtu, up: link.data.flags?.up === true };
    });
  }

  set(name: string, mtu: number): Promise<void> {
    return this.requests.run(async (nl) => {
      const links = await nl.getLinks(undefined, undefined, { timeout: REQUEST_TIMEOUT_MS });
      const index = links.find((l) => l.attrs.ifname === name)?.data.index;
      if (index === undefined) throw new Error(`no link ${name} to set its MTU`);
      await nl.setLink({ index }, { mtu }, { timeout: REQUEST_TIMEOUT_MS });
    });
  }
}
