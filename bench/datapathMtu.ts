// Throughput at the MTUs of practice lines: the practice router's internet link at each MTU of
// the path MTU lab test (both ends), TCP upload and download through the tunnel from the PVS host
// to the datacenter core, each run paired with one over the same link without IPsec (the PVS
// host's practice-LAN address to the internet namespace, through the router's NAT: the box itself
// may not open TCP out of its WAN but to its management endpoint). The agent runs throughout:
// it learns each path MTU and sets the tunnel MTU and the MSS clamp, as on a real line.
import { ControlClient } from '../src/control/client.ts';
import type { AgentStatus } from '../src/agent/status.ts';
import { startProcess, type ProcessHandle } from '../src/core/runner.ts';
import { Lab } from '../test/lab/lab.ts';
import { PLAN } from '../test/lab/topology.ts';
import type { Measurement } from './datapathTargets.ts';
import { receivedMbits } from './iperf.ts';
import { spread, spreadRatio } from './stats.ts';
import { until } from './until.ts';

export const MTUS: readonly number[] = [1500, 1492, 1460, 1452, 1428, 1400, 1280];
/** AES-GCM-16 in UDP over IPv4 (docs/mtu.md); kernel-libipsec reads 1400 bytes a packet at most. */
const expectedTunnelMtu = (mtu: number) => Math.min(1400, mtu - 63);
const PORTS = { tunnel: 5211, plain: 5212 };

export type Direction = 'up' | 'down';
export const mtuKey = (mtu: number, direction: Direction) => `mtu_${mtu}_${direction}`;

export async function mtuThroughput(results: Record<string, Measurement & Record<string, unknown>>, options: { runs: number; seconds: number }): Promise<void> {
  const lab = await Lab.create({ boxCharon: 'agent' });
  console.log(`lab ${lab.names.id} (MTU)`);
  const servers: ProcessHandle[] = [];
  try {
    const { socketPath } = await lab.startAgent();
    const client = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 10_000 });
    await lab.importProfile();
    servers.push(startProcess('iperf3', ['-s', '-B', PLAN.ti.service, '-p', String(PORTS.tunnel)], { netns: lab.names.core }));
    servers.push(startProcess('iperf3', ['-s', '-B', PLAN.uplink.inet, '-p', String(PORTS.plain)], { netns: lab.names.inet }));
    await until('the PVS host reaches the core through the tunnel', 60_000, async () => {
      await lab.exec(lab.names.pvs, 'ping', ['-c', '1', '-W', '1', '-I', PLAN.tiSegment.pvs, PLAN.ti.service]);
      return true;
    });
    const iperf = async (path: 'tunnel' | 'plain', direction: Direction) => {
      const [server, source] = path === 'tunnel' ? [PLAN.ti.service, PLAN.tiSegment.pvs] : [PLAN.uplink.inet, PLAN.practiceLan.pvs];
      const args = ['-c', server, '-p', String(PORTS[path]), '-B', source, '-t', String(options.seconds), '-O', '1', '-J', ...(direction === 'down' ? ['-R'] : [])];
      return receivedMbits((await lab.exec(lab.names.pvs, 'iperf3', args, (options.seconds + 20) * 1000)).stdout);
    };
    for (const mtu of MTUS) {
      await lab.setUplinkMtu(mtu);
      const want = expectedTunnelMtu(mtu);
      // The first ESP packet too large for the line teaches the box (docs/mtu.md).
      await until(`the tunnel MTU follows the line at ${mtu}`, 30_000, async () => {
        const current = (await client.status()).mtu.tunnelMtu;
        await lab.exec(lab.names.pvs, 'ping', ['-n', '-M', 'do', '-c', '1', '-W', '1', '-s', String(current - 28), PLAN.ti.service]).catch(() => undefined);
        return (await client.status()).mtu.tunnelMtu === want;
      });
      for (const direction of ['up', 'down'] as const) {
        const tunnel: number[] = [];
        const plain: number[] = [];
        for (let run = 0; run < options.runs; run++) {
          tunnel.push(await iperf('tunnel', direction));
          plain.push(await iperf('plain', direction));
        }
        const t = spread(tunnel);
        const p = spread(plain);
        results[mtuKey(mtu, direction)] = { unit: 'Mbit/s', mtu, tunnel_mtu: want, direction, tibox: t, baseline: p, ratio: spreadRatio(t, p), values: { tibox: tunnel, baseline: plain } };
        console.log(`MTU ${mtu} (tunnel ${want}) ${direction}: tunnel ${t.median} Mbit/s, same link without IPsec ${p.median} Mbit/s`);
      }
    }
  } finally {
    for (const server of servers) server.kill('SIGKILL');
    await lab.destroy();
  }
}

export const MTU_NOTE =
  "MTU: the practice router's internet link set to each MTU at both ends, descending, the agent running and following each by itself (tunnel MTU and MSS clamp); iperf3 over TCP from the PVS host through the tunnel to the core (tibox) paired with iperf3 from the PVS host's practice-LAN address to the internet namespace over the same link without IPsec, through the router's NAT (baseline; the box's firewall lets the box itself open TCP out of the WAN only to its management endpoint), upload and download (-R), first second omitted. The target compares each direction with its own figure at 1500 (vs_1500); kernel-libipsec caps the tunnel MTU at 1400.";
