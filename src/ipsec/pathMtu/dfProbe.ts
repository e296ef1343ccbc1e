// One probe with DF set towards a gateway, through `ping -M do` (Node has no raw sockets): one
// echo of the given IP packet size, one second to answer. Its outcome: answered, too big (an
// ICMP "fragmentation needed" / "packet too big" on the way, or the kernel's PMTU cache already
// knows the path is smaller), no answer, or no route.
import type { Runner } from '../../core/index.ts';
import type { ProbeOutcome } from './dfSearch.ts';
import type { AddressFamily } from './espOverhead.ts';

/** IP and ICMP echo headers: `ping -s` takes the payload. */
const ECHO_HEADERS: Record<AddressFamily, number> = { 4: 28, 6: 48 };
const REPLY = /bytes from .*icmp_seq=\d+/;
/** IPv4's "Frag needed and DF set (mtu = 1452)", IPv6's "Packet too big: mtu=1452", the kernel's "message too long, mtu=1452". */
const TOO_BIG = /(?:Frag needed and DF set \(mtu = (\d+)\)|Packet too big: mtu=(\d+)|message too long, mtu=(\d+))/;
const UNREACHABLE = /(?:Unreachable|unreachable|No route)/;

export function parsePingOutcome(output: string): ProbeOutcome {
  if (REPLY.test(output)) return { kind: 'answered' };
  const tooBig = TOO_BIG.exec(output);
  if (tooBig) {
    const mtu = Number(tooBig[1] ?? tooBig[2] ?? tooBig[3]);
    return Number.isInteger(mtu) && mtu > 0 ? { kind: 'too-big', mtu } : { kind: 'too-big' };
  }
  if (UNREACHABLE.test(output)) return { kind: 'unreachable' };
  return { kind: 'silent' };
}

export type DfProbe = (gateway: string, size: number, family: AddressFamily) => Promise<ProbeOutcome>;

export function pingDfProbe(runner: Runner): DfProbe {
  return async (gateway, size, family) => {
    const args = [`-${family}`, '-n', '-M', 'do', '-c', '1', '-W', '1', '-s', String(size - ECHO_HEADERS[family]), gateway];
    // 1: no answer (or an ICMP error), 2: an error of ping's own such as "message too long".
    const { stdout, stderr } = await runner.run('ping', args, { timeoutMs: 3_000, okCodes: [1, 2] });
    return parsePingOutcome(`${stdout}\n${stderr}`);
  };
}
