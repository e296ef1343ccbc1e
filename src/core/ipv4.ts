// IPv4 addresses and prefixes, the one implementation every part of tibox uses (so none keeps
// its own parser with rules of its own). The TI is IPv4 only (ARCHITECTURE.md §1).
//
// The contract:
// - An address is an unsigned 32-bit number, 0 to 2 ** 32 - 1: plain arithmetic, no sign bit to
//   lose in `<<`. Bytes are the kernel's form and are converted where rtnetlink needs them.
// - Text is read strictly and written canonically: four decimal octets without leading zeros
//   (010 would be octal to some parsers), a length of 0 to 32 without leading zeros, nothing
//   around them. Whatever format* writes, parse* reads back to the same value, and canonical
//   text is all parse* reads, so two texts of one prefix never compare unequal.
// - Parsers return undefined for text that is not what they read, and never throw: the caller
//   knows the field and turns that into its own error.
// - A prefix has no host bits. parsePrefix refuses them; parseInterfaceAddress reads the same
//   text with them, so a caller can tell "host bits set" from "not a prefix".
// - /0 is a valid prefix that contains every address. A caller for which it makes no sense
//   (a TI prefix would pull all traffic into the tunnel) refuses it itself.

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

/** The netmask of a prefix length as an address: 27 is 255.255.255.224, 0 is 0.0.0.0. */
export function netmask(length: number): number {
  return 2 ** 32 - prefixSize(length);
}

/** `a.b.c.d/len` with an address and length that fit together; host bits are refused. */
export function parsePrefix(text: string): Ipv4Prefix | undefined {
  const parsed = parseInterfaceAddress(text);
  if (!parsed || parsed.address % prefixSize(parsed.length) !== 0) return undefined;
  return { network: parsed.address, length: parsed.length };
}

/** `a.b.c.d/len` where host bits are the point (an interface address), or may be a mistake to name. */
export function parseInterfaceAddress(text: string): Ipv4InterfaceAddress | undefined {
  const match = SLASH.exec(text);
  const address = parseIpv4(match?.[1] ?? '');
  const length = Number(match?.[2]);
  if (address === undefined || length > 32) return undefined;
  return { address, length };
}

export function formatPrefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.network)}/${prefix.length}`;
}

export function formatInterfaceAddress(value: Ipv4InterfaceAddress): string {
  return `${formatIpv4(value.address)}/${value.length}`;
}

/** The network an address belongs to at a given prefix length. */
export function networkOf(address: number, length: number): Ipv4Prefix {
  return { network: address - (address % prefixSize(length)), length };
}

/** The prefix's last address (its broadcast address on a LAN). */
export function lastAddress(prefix: Ipv4Prefix): number {
  return prefix.network + prefixSize(prefix.length) - 1;
}

export function prefixContains(prefix: Ipv4Prefix, address: number): boolean {
  return address >= prefix.network && address <= lastAddress(prefix);
}

/**
 * An address a device on the prefix's LAN can have: inside, and neither the network nor the
 * broadcast address. A /31 or /32 has none.
 */
export function isHostAddress(prefix: Ipv4Prefix, address: number): boolean {
  return prefixContains(prefix, address) && address !== prefix.network && address !== lastAddress(prefix);
}

/** True when every address of `inner` is in `outer`. */
export function prefixCovers(outer: Ipv4Prefix, inner: Ipv4Prefix): boolean {
  return outer.length <= inner.length && prefixContains(outer, inner.network);
}

/** Two prefixes share an address exactly when one covers the other. */
export function prefixesOverlap(a: Ipv4Prefix, b: Ipv4Prefix): boolean {
  return prefixCovers(a, b) || prefixCovers(b, a);
}

/** The lower and the upper half of a prefix; a /32 has no halves. */
export function splitPrefix(prefix: Ipv4Prefix): readonly [Ipv4Prefix, Ipv4Prefix] | undefined {
  if (prefix.length === 32) return undefined;
  const length = prefix.length + 1;
  return [
    { network: prefix.network, length },
    { network: prefix.network + prefixSize(length), length },
  ];
}
