// What the tunnel costs on the practice router's internet side, counted as a datacenter operator
// would: every IKE, NAT-T and ESP packet between the router's uplink and the internet, both
// directions together, by an nft counter in the router's namespace (its own table, so the lab's
// NAT stays as it is). The box's own WAN probes and everything else are not counted.
import type { Lab } from './lab.ts';

const TABLE = 'lab_tunnel_count';

const ruleset = (uplink: string) => `table ip ${TABLE} {
  counter tunnel {
    comment "IKE, NAT-T and ESP through the router's uplink"
  }
  chain forward {
    type filter hook forward priority filter - 10; policy accept;
    oifname "${uplink}" udp dport { 500, 4500 } counter name tunnel
    iifname "${uplink}" udp sport { 500, 4500 } counter name tunnel
    oifname "${uplink}" ip protocol esp counter name tunnel
    iifname "${uplink}" ip protocol esp counter name tunnel
  }
}
`;

export interface TunnelPackets {
  readonly packets: number;
  /** IP packet lengths, headers included. */
  readonly bytes: number;
}

/** Starts counting from zero (again, if it counted before); `read` gives the count since. */
export async function countTunnelPackets(lab: Lab): Promise<{ read(): Promise<TunnelPackets>; stop(): Promise<void> }> {
  const router = lab.names.router;
  await lab.exec(router, 'nft', ['delete', 'table', 'ip', TABLE]).catch(() => undefined);
  await lab.exec(router, 'nft', ['-f', '-'], 10_000, ruleset('up0'));
  return {
    async read() {
      const { stdout } = await lab.exec(router, 'nft', ['-j', 'list', 'counter', 'ip', TABLE, 'tunnel']);
      const items = (JSON.parse(stdout) as { nftables: { counter?: { packets: number; bytes: number } }[] }).nftables;
      const counter = items.find((item) => item.counter)?.counter;
      if (!counter) throw new Error(`no counter in ${TABLE}`);
      return { packets: counter.packets, bytes: counter.bytes };
    },
    async stop() {
      await lab.exec(router, 'nft', ['delete', 'table', 'ip', TABLE]).catch(() => undefined);
    },
  };
}
