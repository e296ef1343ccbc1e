// An ARP probe through the one runner: asks on one port who has an address and returns the
// answers. busybox arping in duplicate-address-detection mode (-D): the request carries the
// sender address 0.0.0.0, so no device on that side learns anything from it, and the kernel of
// the box answers such probes for its own addresses also on another port of the same segment.
import type { Runner } from '../core/index.ts';
import type { ArpAnswer } from './wanInLan.ts';

export type ArpProbe = (port: string, address: string) => Promise<ArpAnswer[]>;

const REPLY = /reply from (\d{1,3}(?:\.\d{1,3}){3}) \[([0-9a-f]{2}(?::[0-9a-f]{2}){5})\]/gi;

/** One request, one second to answer; `arping -D` exits 1 when it got an answer, which is no failure here. */
export function busyboxArpProbe(runner: Runner): ArpProbe {
  return async (port, address) => {
    const { stdout } = await runner.run('busybox', ['arping', '-D', '-I', port, '-c', '1', '-w', '1', address], { okCodes: [1], timeoutMs: 5_000 });
    return parseArpingReplies(stdout);
  };
}

export function parseArpingReplies(text: string): ArpAnswer[] {
  return [...text.matchAll(REPLY)].map((m) => ({ ip: m[1] ?? '', mac: (m[2] ?? '').toLowerCase() }));
}
