// The TI segment as the inventory needs it: the LAN half (PVS hosts' second addresses, terminals
// left on the practice LAN) and the terminal half (terminals on the terminal ports), each with the
// box's gateway address. The address plan computes it from the VPN profile; here it is plain data,
// checked before use so a broken plan refuses registrations instead of accepting wrong addresses.
import { DeviceError } from './errors.ts';
import { isHostAddress, parseIpv4, parsePrefix, prefixesOverlap, type Ipv4Prefix } from '../../core/index.ts';

export interface TiHalves {
  /** e.g. '10.77.12.0/27' */
  readonly lanHalf: string;
  /** e.g. '10.77.12.32/27' */
  readonly terminalHalf: string;
  /** The box's address in the LAN half, e.g. '10.77.12.1'. */
  readonly lanGateway: string;
  /** The box's address in the terminal half, e.g. '10.77.12.33'. */
  readonly terminalGateway: string;
}

export interface Half {
  readonly name: 'LAN half' | 'terminal half';
  readonly text: string;
  readonly prefix: Ipv4Prefix;
  readonly gateway: number;
}

export interface CheckedHalves {
  readonly lan: Half;
  readonly terminal: Half;
}

/** Throws TIBOX_DEVICE_INVALID_SEGMENT for prefixes that are invalid, overlap or hold no host. */
export function checkHalves(halves: TiHalves): CheckedHalves {
  const lan = half('LAN half', halves.lanHalf, halves.lanGateway);
  const terminal = half('terminal half', halves.terminalHalf, halves.terminalGateway);
  if (prefixesOverlap(lan.prefix, terminal.prefix)) {
    throw invalid(`the LAN half ${lan.text} and the terminal half ${terminal.text} overlap`);
  }
  return { lan, terminal };
}

function half(name: Half['name'], text: string, gatewayText: string): Half {
  const prefix = parsePrefix(text);
  if (!prefix) throw invalid(`the ${name} ${JSON.stringify(text)} is not an IPv4 prefix without host bits`);
  // A /31 or /32 has no room for the gateway and a device besides it.
  if (prefix.length > 30) throw invalid(`the ${name} ${text} is too small for a gateway and devices`);
  const gateway = parseIpv4(gatewayText);
  if (gateway === undefined || !isHostAddress(prefix, gateway)) {
    throw invalid(`the gateway ${JSON.stringify(gatewayText)} is not a host address in the ${name} ${text}`);
  }
  return { name, text, prefix, gateway };
}

function invalid(reason: string): DeviceError {
  return new DeviceError('TIBOX_DEVICE_INVALID_SEGMENT', { reason });
}
