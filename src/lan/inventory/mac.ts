// MAC addresses as people type them (colons or dashes, either case) and as tibox stores and
// compares them: six lower-case hex pairs joined by colons. A device is bound to one unicast
// MAC, so group (multicast, broadcast) and all-zero addresses are refused.

const MAC = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;

/** The canonical form, or the reason the text is not a usable device MAC. */
export function normalizeMac(text: string): { mac: string } | { problem: string } {
  if (!MAC.test(text)) return { problem: 'write six hex pairs separated by colons, e.g. 00:1a:2b:3c:4d:5e' };
  const mac = text.toLowerCase().replaceAll('-', ':');
  if (mac === '00:00:00:00:00:00') return { problem: 'the all-zero address belongs to no device' };
  // The lowest bit of the first octet marks a group address, which no single device owns.
  if (parseInt(mac.slice(0, 2), 16) % 2 === 1) return { problem: 'it is a group (multicast or broadcast) address' };
  return { mac };
}
