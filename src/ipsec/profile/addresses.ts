// Names and IP literals in the profile's address fields. Gateway addresses may be IPv6 literals
// too; IPv4 addresses and prefixes are read with the core IPv4 module.
import { isIP } from 'node:net';
import { parseIpv4 } from '../../core/index.ts';

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
