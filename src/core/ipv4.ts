// IPv4 addresses and prefixes as unsigned 32-bit numbers, shared by every subsystem that plans or
// checks addresses (so none needs its own parser). The TI is IPv4 only (ARCHITECTURE.md §1).
// Parsers return undefined for text that is not what they read; callers turn that into their
// own error with the field's name.

/** A network: no host bits set, 0 <= length <= 32. */
export interface Ipv4Prefix {
  readonly network: number;
  readonly length: number;
}

/** An address with the prefix length it carries on an interface (`ip addr` style: 10.77.12.1/27). */
export interface Ipv4InterfaceAddress {
  readonly address: number;
  readonly length: number;
}

// No leading zeros: 010 would be octal to some parsers.
const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const SLASH = /^([0-9.]+)\/(0|[1-9][0-9]?)$/;

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The number of addresses in a prefix of this length. */
export function prefixSize(length: number): number {
  return 2 ** (32 - length);
}

/** `a.b.c.d/len` with an address and length that fit together; host bits are refused. */
export function parsePrefix(text: string): Ipv4Prefix | undefined {
  const parsed = parseSlashed(text);
  if (!parsed || parsed.address % prefixSize(parsed.length) !== 0) return undefined;
  return { network: parsed.address, length: parsed.length };
}

/** `a.b.c.d/len` where host bits are the point (an interface address). */
export function parseInterfaceAddress(text: string): Ipv4InterfaceAddress | undefined {
  return parseSlashed(text);
}

function parseSlashed(text: string): Ipv4InterfaceAddress | undefined {
  const match = SLASH.exec(text);
  const address = parseIpv4(match?.[1] ?? '');
  const length = Number(match?.[2]);
  if (address === undefined || length > 32) return undefined;
  return { address, length };
}

/** The network an address belongs to at a given prefix length. */
export function networkOf(address: number, length: number): Ipv4Prefix {
  return { network: address - (address % prefixSize(length)), length };
}

/** The prefix's last address (its broadcast address on a LAN). */
export function lastAddress(prefix: Ipv4Prefix): number {
  return prefix.network + prefixSize(prefix.length) - 1;
}

export function formatPrefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.network)}/${prefix.length}`;
}

export function formatInterfaceAddress(value: Ipv4InterfaceAddress): string {
  return `${formatIpv4(value.address)}/${value.length}`;
}

export function prefixContains(prefix: Ipv4Prefix, address: number): boolean {
  return address >= prefix.network && address <= lastAddress(prefix);
}

/** True when every address of `inner` is in `outer`. */
export function prefixCovers(outer: Ipv4Prefix, inner: Ipv4Prefix): boolean {
  return outer.length <= inner.length && prefixContains(outer, inner.network);
}

/** Two prefixes share an address exactly when one covers the other. */
export function prefixesOverlap(a: Ipv4Prefix, b: Ipv4Prefix): boolean {
  return prefixCovers(a, b) || prefixCovers(b, a);
}
