// What an idle tunnel costs, and what the practice's first request after idling meets: the
// tunnel's IKE, NAT-T and ESP packets at the practice router's uplink while nothing is sent
// (test/lab/tunnelPackets.ts), scaled to a day per box and to a gateway serving a fleet; and one
// HTTPS request from the PVS host to the connector right after a fault that struck while idle.
import type { Lab } from '../test/lab/lab.ts';
import { countTunnelPackets } from '../test/lab/tunnelPackets.ts';

const DAY_S = 86_400;
/** The fleet a gateway's load is given for. */
export const FLEET = 10_000;

export interface IdleCost {
  seconds: number;
  packets: number;
  bytes: number;
  packets_per_s: number;
  packets_per_day: number;
  bytes_per_day: number;
  /** packets_per_s for the whole fleet at its gateways. */
  fleet_packets_per_s: number;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Counts for `seconds` with nothing sent by the practice; the lab's tunnel is up and quiet. */
export async function idleCost(lab: Lab, seconds: number): Promise<IdleCost> {
  const counter = await countTunnelPackets(lab);
  try {
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const { packets, bytes } = await counter.read();
    const perS = packets / seconds;
    return {
      seconds,
      packets,
      bytes,
      packets_per_s: round(perS),
      packets_per_day: Math.round(perS * DAY_S),
      bytes_per_day: Math.round((bytes / seconds) * DAY_S),
      fleet_packets_per_s: round(perS * FLEET, 1),
    };
  } finally {
    await counter.stop();
  }
}

/** One HTTPS request of the PVS host to the connector: its time (s), or undefined where it did not complete within `capS`. */
export async function requestSeconds(lab: Lab, capS: number): Promise<number | undefined> {
  const { ca } = lab.describe().pki;
  const url = lab.describe().urls.connectorSds;
  try {
    const { stdout } = await lab.exec(
      lab.names.pvs, 'curl', ['-sS', '-o', '/dev/null', '-w', '%{time_total}', '-m', String(capS), '--cacert', ca, url], (capS + 5) * 1000,
    );
    return Number(stdout);
  } catch {
    return undefined;
  }
}
