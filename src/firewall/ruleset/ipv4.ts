// IPv4 arithmetic for checking a desired state: addresses and prefixes as numbers, and whether
// one lies in another. The parsing rules (dotted quads without leading zeros, prefixes without
// host bits) are the routes module's, so both halves of the firewall accept the same text.
import { parseIpv4, parsePrefix } from '../routes/ipv4.ts';

export interface Network {
  /** The network address as an unsigned 32-bit number. */
  readonly first: number;
  readonly length: number;
}

function value(bytes: readonly number[]): number {
  return bytes.reduce((acc, b) => acc * 256 + b, 0);
}

/** The address as a number, or undefined for anything but a dotted quad. */
export function addressValue(text: string): number | undefined {
  try {
    return value(parseIpv4(text));
  } catch {
    return undefined;
  }
}

/** The prefix (/1 to /32, no host bits), or undefined. */
export function networkOf(text: string): Network | undefined {
  try {
    const prefix = parsePrefix(text);
    return { first: value(prefix.address), length: prefix.length };
  } catch {
    return undefined;
  }
}

export function networkSize(network: Network): number {
  return 2 ** (32 - network.length);
}

export function contains(network: Network, address: number): boolean {
  return address >= network.first && address < network.first + networkSize(network);
}

/** True when every address of `inner` is in `outer`. */
export function covers(outer: Network, inner: Network): boolean {
  return outer.length <= inner.length && contains(outer, inner.first);
}

export function overlaps(a: Network, b: Network): boolean {
  return covers(a, b) || covers(b, a);
}

