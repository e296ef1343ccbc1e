// Card terminals seen through DHCP. The inventory does not wait for SICCT announcements: a
// terminal sends one only when it starts or its settings change (sicctDiscovery.ts), so it
// learns of terminals from their DHCP requests to the box's dnsmasq (which serves only the terminal
// ports) and from the unicast TCP 4742 probe. Two ways in, both outside input, both checked here:
// - each request dnsmasq answered or ignored, with MAC, host name and vendor class as the terminal
//   sent them, and the address if dnsmasq gave one. dnsmasq logs every DHCP packet (log-dhcp); the
//   dnsmasq subsystem reads its output line by line (src/lan/dnsmasq/dhcpLogParser.ts) and the
//   agent hands each request to DeviceInventory.dhcpSeen(). dnsmasq leases only to registered
//   terminals, so a new terminal's request is ignored and ends without an address: its log lines
//   are how the inventory still learns of it;
// - dnsmasq's lease file (one lease a line: expiry, MAC, address, host name or *, client id or *),
//   read at start and on change: the registered terminals' leases, with the names they sent.
// Nothing here throws on any input: what is not a usable sighting is dropped.
import { parseIpv4 } from '../../core/index.ts';
import { normalizeMac } from './mac.ts';

export interface DhcpSighting {
  readonly mac: string;
  /** The address dnsmasq leased or offered; absent when it gave none (a MAC it has no static lease for). */
  readonly address?: string;
  /** Option 12 as the terminal sent it; some models put model and serial number there. */
  readonly hostname?: string;
  /** Option 60, e.g. the terminal's model family. */
  readonly vendorClass?: string;
  /** ISO time the request or lease was seen. */
  readonly at: string;
}

export interface RawSighting {
  mac: unknown;
  address?: unknown;
  hostname?: unknown;
  vendorClass?: unknown;
}

const MAX_TEXT = 64;

/**
 * The sighting with a unicast MAC and, if one is given, an IPv4 address; texts reduced to
 * printable ASCII. Undefined for anything else, also for an address that is given but not IPv4.
 */
export function cleanSighting(raw: RawSighting, at: Date): DhcpSighting | undefined {
  if (typeof raw.mac !== 'string') return undefined;
  const mac = normalizeMac(raw.mac);
  if ('problem' in mac) return undefined;
  const given = raw.address !== undefined && raw.address !== null && raw.address !== '';
  if (given && (typeof raw.address !== 'string' || parseIpv4(raw.address) === undefined)) return undefined;
  const hostname = cleanText(raw.hostname);
  const vendorClass = cleanText(raw.vendorClass);
  return {
    mac: mac.mac,
    ...(given ? { address: raw.address as string } : {}),
    ...(hostname ? { hostname } : {}),
    ...(vendorClass ? { vendorClass } : {}),
    at: at.toISOString(),
  };
}

/** The current IPv4 leases of a dnsmasq lease file; expired ones and DHCPv6 lines are left out. */
export function parseDnsmasqLeases(text: string, now: Date): DhcpSighting[] {
  const nowS = now.getTime() / 1000;
  return text.split('\n').flatMap((line): DhcpSighting[] => {
    const [expiry, mac, address, hostname] = line.trim().split(/\s+/);
    // 0 means a lease that never expires.
    if (expiry === undefined || !/^\d{1,12}$/.test(expiry) || (Number(expiry) !== 0 && Number(expiry) < nowS)) return [];
    if (address === undefined) return [];
    const sighting = cleanSighting({ mac, address, hostname: hostname === '*' ? undefined : hostname }, now);
    return sighting ? [sighting] : [];
  });
}

function cleanText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/[^\x20-\x7e]/g, '').trim().slice(0, MAX_TEXT);
  return text === '' ? undefined : text;
}
