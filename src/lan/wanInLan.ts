// Is the WAN port plugged into the practice LAN? Pure: from what the box sees on its two ports,
// the evidence in plain words (none when the ports look apart). Each kind of evidence alone is
// enough: the ports share an IP network, the WAN's default gateway lies in the practice LAN, one
// device (same address and MAC) answers on both ports, or an ARP probe sent out of the WAN port
// for the LAN port's own address was answered by the LAN port itself. A router that uses one MAC
// on two separate networks is no evidence: that is how a correct installation can look.
import {
  formatPrefix, networkOf, parseInterfaceAddress, parseIpv4, prefixContains, prefixesOverlap, type Ipv4Prefix,
} from '../core/index.ts';
import type { Neighbour } from './lanKernel.ts';

export interface PortFacts {
  readonly port: string;
  /** `a.b.c.d/len`. */
  readonly addresses: readonly string[];
  /** The port's own MAC, lower case. */
  readonly mac?: string;
}

export interface ArpAnswer {
  readonly ip: string;
  readonly mac: string;
}

export interface WanInLanInput {
  readonly lan: PortFacts;
  readonly wan: PortFacts & { readonly gateway?: string };
  /** The neighbour entries of both ports (others are ignored). */
  readonly neighbours: readonly Neighbour[];
  /** Answers heard on the WAN port to an ARP probe for one of the LAN port's own addresses. */
  readonly probe?: { readonly address: string; readonly answers: readonly ArpAnswer[] };
}

export type WanInLanCode = 'sameNetwork' | 'wanGatewayOnLan' | 'sharedNeighbour' | 'lanAnswersOnWan';

export interface WanInLanEvidence {
  readonly code: WanInLanCode;
  readonly message: string;
}

export function detectWanInLan(input: WanInLanInput): WanInLanEvidence[] {
  const { lan, wan } = input;
  const lanNetworks = networks(lan.addresses);
  const evidence: WanInLanEvidence[] = [];
  for (const w of networks(wan.addresses)) {
    const shared = lanNetworks.find((l) => prefixesOverlap(l.prefix, w.prefix));
    if (shared) {
      evidence.push({
        code: 'sameNetwork',
        message: `The WAN port ${wan.port} (${w.address}) and the LAN port ${lan.port} (${shared.address}) are in the same network ${formatPrefix(w.prefix)}.`,
      });
    }
  }
  const gateway = wan.gateway === undefined ? undefined : parseIpv4(wan.gateway);
  const gatewayNet = gateway === undefined ? undefined : lanNetworks.find((l) => prefixContains(l.prefix, gateway));
  if (gatewayNet) {
    evidence.push({ code: 'wanGatewayOnLan', message: `The WAN port's default gateway ${wan.gateway} lies in the practice LAN ${formatPrefix(gatewayNet.prefix)}.` });
  }
  const onLan = new Set(input.neighbours.filter((n) => n.dev === lan.port).map((n) => `${n.ip} ${n.mac}`));
  for (const n of input.neighbours) {
    if (n.dev !== wan.port || !onLan.has(`${n.ip} ${n.mac}`)) continue;
    evidence.push({ code: 'sharedNeighbour', message: `The device ${n.ip} (${n.mac}) answers on both the WAN port ${wan.port} and the LAN port ${lan.port}.` });
  }
  const own = input.probe && lan.mac ? input.probe.answers.find((a) => a.mac === lan.mac) : undefined;
  if (input.probe && own) {
    evidence.push({
      code: 'lanAnswersOnWan',
      message: `An ARP probe for ${input.probe.address} sent out of the WAN port ${wan.port} was answered by the LAN port ${lan.port} itself (${own.mac}): both ports are on one network segment.`,
    });
  }
  return evidence;
}

/** The health warning's detail: every piece of evidence. */
export function describeEvidence(evidence: readonly WanInLanEvidence[]): string {
  return evidence.map((e) => e.message).join(' ');
}

function networks(addresses: readonly string[]): { prefix: Ipv4Prefix; address: string }[] {
  return addresses.flatMap((text) => {
    const parsed = parseInterfaceAddress(text);
    return parsed ? [{ prefix: networkOf(parsed.address, parsed.length), address: text }] : [];
  });
}
