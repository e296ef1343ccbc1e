// Pure IPv4/CIDR and name helpers for the profile's address fields. IPv4 only for CIDRs: TI
// traffic is IPv4 (ARCHITECTURE.md §1); gateway addresses may also be IPv6 literals.
import { isIP } from 'node:net';

export interface Cidr {
  /** The address part as an unsigned 32-bit number. */
  readonly network: number;
  readonly length: number;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** A dotted quad without leading zeros (010 would be octal to some parsers), or undefined. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** `a.b.c.d/n` with 0 <= n <= 32, or undefined. Alignment is a separate question (isAligned). */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([0-9.]+)\/(0|[1-9][0-9]?)$/.exec(text);
  if (!match) return undefined;
  const network = parseIpv4(match[1] ?? '');
  const length = Number(match[2]);
  if (network === undefined || length > 32) return undefined;
  return { network, length };
}

function size(cidr: Cidr): number {
  return 2 ** (32 - cidr.length);
}

/** True when no host bits are set: 10.0.0.0/8 is aligned, 10.0.0.1/8 is not. */
export function isAligned(cidr: Cidr): boolean {
  return cidr.network % size(cidr) === 0;
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  const start = cidr.network - (cidr.network % size(cidr));
  return address >= start && address < start + size(cidr);
}

/** True when every address of `inner` is in `outer`. */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  return outer.length <= inner.length && cidrContains(outer, inner.network);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const wider = a.length <= b.length ? a : b;
  const narrower = wider === a ? b : a;
  return cidrContains(wider, narrower.network);
}

/** An IPv4 or IPv6 literal (no zone index). */
export function isIpLiteral(text: string): boolean {
  return !text.includes('%') && isIP(text) !== 0;
}

/**
 * The IPv4 address an IP literal reaches: a dotted quad itself, or the address inside an
 * IPv4-mapped IPv6 literal (::ffff:100.64.0.1 is sent as IPv4); undefined for other literals.
 */
export function ipv4OfLiteral(text: string): number | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined || text.includes('%') || isIP(text) !== 6) return v4;
  // The URL parser writes every spelling of a mapped address as [::ffff:hhhh:hhhh].
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(new URL(`http://[${text}]`).hostname);
  return mapped ? parseInt(mapped[1] ?? '', 16) * 65_536 + parseInt(mapped[2] ?? '', 16) : undefined;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** A DNS name of letters, digits and hyphens (RFC 1123), at most 253 characters, no trailing dot. */
export function isHostname(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.split('.');
  // A name of digits and dots only is a malformed address, not a name.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return false;
  return labels.every((label) => LABEL.test(label));
}
