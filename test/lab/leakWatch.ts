// Fail closed, shown: while a fault runs, the PVS host keeps sending to the connector, and
// tcpdump on the practice router's side of the box's WAN link records every packet to a TI
// address that is not IKE or ESP (the box does no NAT, so a leak keeps its TI destination,
// whatever its source). Before a watch counts as started, it sends one cleartext TI packet past
// the box on purpose (leak-canary.py) and waits until the capture shows it: a capture that
// cannot see that one could not see a real leak either.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from '../../src/core/runner.ts';
import { startCapture } from './capture.ts';
import type { Lab } from './lab.ts';
import { PLAN } from './topology.ts';

const CANARY = join(fileURLToPath(import.meta.url), '..', 'leak-canary.py');
/** The UDP port of the canary (discard), which no traffic of the lab uses. */
const CANARY_PORT = 9;
const CANARY_SEEN_MS = 3_000;

export interface LeakWatch {
  /**
   * Ends the watch: the TI packets the router received in clear, the canary left out, and the
   * `cleartext` drop counter of the box's firewall: TI packets it stopped at the WAN port since
   * its last ruleset load (a load replaces the table and its counters); undefined while the box
   * stands on its fail-closed baseline, which forwards nothing and has no such counter.
   */
  stop(): Promise<{ leaks: string[]; cleartextDrops: number | undefined }>;
}

async function cleartextDrops(lab: Lab): Promise<number | undefined> {
  const { stdout } = await lab.exec(lab.names.box, 'nft', ['-j', 'list', 'counters', 'table', 'inet', 'tibox'], 10_000);
  const counters = (JSON.parse(stdout) as { nftables: { counter?: { name: string; packets: number } }[] }).nftables;
  return counters.find((item) => item.counter?.name === 'cleartext')?.counter?.packets;
}

export interface LeakWatchOptions {
  /**
   * The PVS host's traffic all through the watch (default on). A test that waits for the box's
   * ICMP host-unreachable sends its own instead: the kernel answers a host about once a second.
   */
  traffic?: boolean;
}

export async function watchForLeaks(lab: Lab, name: string, options: LeakWatchOptions = {}): Promise<LeakWatch> {
  const { router, box, pvs } = lab.names;
  const ti = PLAN.ti.prefixes.map((prefix) => `dst net ${prefix}`).join(' or ');
  const capture = await startCapture(join(lab.dir, `leaks-${name}.txt`), router, 'boxwan', `ip and (${ti}) and not esp and not (udp port 500 or udp port 4500)`);
  const isCanary = (line: string) => line.includes(`${PLAN.tiSegment.pvs}.${CANARY_PORT} > ${PLAN.ti.connector}.${CANARY_PORT}:`);
  try {
    await lab.exec(box, 'python3', [CANARY, 'wan0', PLAN.tiSegment.pvs, PLAN.ti.connector, String(CANARY_PORT)]);
    const deadline = Date.now() + CANARY_SEEN_MS;
    while (!capture.packets().some(isCanary)) {
      if (Date.now() > deadline) throw new Error(`the leak capture did not see the cleartext TI packet sent past the box on purpose: ${capture.packets().join('; ') || 'nothing'}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (error) {
    await capture.stop();
    throw error;
  }
  // TI traffic all through the fault, 20 packets a second: what would leak if anything did.
  const traffic = options.traffic === false ? undefined : startProcess('ping', ['-n', '-q', '-i', '0.05', '-I', PLAN.tiSegment.pvs, PLAN.ti.connector], { netns: pvs });
  return {
    async stop() {
      traffic?.kill();
      await traffic?.exited;
      const packets = await capture.stop();
      return { leaks: packets.filter((line) => !isCanary(line)), cleartextDrops: await cleartextDrops(lab) };
    },
  };
}
