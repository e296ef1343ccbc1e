// The data path's desired states, planned purely: from the ports of the config, the VPN
// profile's part, the registered devices, the tunnel's kernel back end and MTU and the LAN port's
// addresses to what the LAN, the practice-LAN DHCP client, the WAN-in-LAN watch, dnsmasq and the
// firewall are to hold. DataPath (dataPath.ts) gathers the inputs and hands the parts over.
// The LAN's part is planned from the profile and the ports alone and is applied first: the rest
// is planned from the LAN port's addresses as the kernel has them once the LAN has its part (the
// fallback on the port, the TI address of an old profile gone).
import { parseIpv4, parsePrefix, prefixContains, parseInterfaceAddress } from '../core/index.ts';
import type { FirewallDesired, FirewallState, TunnelBackend } from '../firewall/index.ts';
import { dnsmasqDesired, splitSegment, TERMINAL_BRIDGE, type DnsmasqDesired, type LanDesired, type PracticeDhcpDesired, type WanInLanDesired } from '../lan/index.ts';
import type { Device } from '../lan/inventory/index.ts';
import type { ProfileDataPath } from '../ipsec/index.ts';

export interface Ports {
  readonly lan: string;
  /** The fixed practice-LAN address beside the DHCP lease, `a.b.c.d/len`. */
  readonly lanFallback: string;
  readonly wan: string;
  readonly terminals: readonly string[];
}

export interface DataPathInputs {
  /** The profile's part; null before a profile. */
  readonly profile: ProfileDataPath | null;
  readonly ports: Ports;
  readonly devices: readonly Device[];
  /** charon's kernel back end; undefined while charon has not said. */
  readonly backend: TunnelBackend | undefined;
  /** Every IPv4 address (`a.b.c.d/len`) on the LAN port once the LAN has its part. */
  readonly lanAddresses: readonly string[];
  /** The tunnel's MTU from the internet line's path MTU (src/ipsec/pathMtu/): TCP's MSS is clamped to fit it. */
  readonly tunnelMtu: number;
  /** Where the management endpoint answers on the internet, once its name resolved there: the firewall lets the box's TCP out to it. */
  readonly managementOverInternet?: { readonly address: string; readonly port: number };
}

/** What follows the LAN's part. Without a profile there is no TI segment: dnsmasq serves nothing, the firewall keeps the fail-closed baseline (null). */
export interface DataPathDesired {
  readonly practiceDhcp: PracticeDhcpDesired;
  readonly wanInLan: WanInLanDesired;
  readonly dnsmasq: DnsmasqDesired | null;
  /** Without a profile: the baseline with the web UI on the LAN port. */
  readonly firewall: FirewallState;
}

export function planLan(profile: ProfileDataPath | null, ports: Ports): LanDesired {
  return {
    ports,
    practiceFallback: ports.lanFallback,
    ti: profile
      ? { tiSegment: profile.tiSegment, tiPrefixes: profile.tiPrefixes, managementPrefix: profile.managementPrefix, gateways: profile.gatewayAddresses }
      : null,
  };
}

export function planDataPath(inputs: DataPathInputs): DataPathDesired {
  const { profile, ports } = inputs;
  const practiceDhcp = { port: ports.lan };
  const wanInLan = { lan: ports.lan, wan: ports.wan };
  if (!profile) return { practiceDhcp, wanInLan, dnsmasq: null, firewall: { baselineLan: ports.lan } };
  const halves = splitSegment(profile.tiSegment);
  const terminalBridge = ports.terminals.length > 0 ? TERMINAL_BRIDGE : null;
  // A device a new profile left outside its segment waits to be moved (the inventory shows it);
  // it must not make the firewall refuse everyone else's ruleset.
  const segment = parsePrefix(profile.tiSegment);
  const devices = inputs.devices.filter((d) => {
    const address = parseIpv4(d.address);
    return segment !== undefined && address !== undefined && prefixContains(segment, address);
  });
  const dnsmasq = dnsmasqDesired({
    halves,
    lanPort: ports.lan,
    terminalBridge,
    tiDns: profile.tiDns,
    terminals: devices.filter((d) => d.kind === 'terminal').map(({ name, mac, address }) => ({ name, mac, address })),
  });
  const firewall: FirewallDesired = {
    // A back end not known yet fails closed either way: each guess drops what the other would pass.
    interfaces: { lan: ports.lan, wan: ports.wan, ...(terminalBridge ? { terminalBridge } : {}), tunnel: inputs.backend ?? 'libipsec' },
    tiSegment: profile.tiSegment,
    halves,
    practiceLanAddresses: practiceAddresses(inputs.lanAddresses, profile.tiSegment),
    tiPrefixes: profile.tiPrefixes,
    managementPrefix: profile.managementPrefix,
    gateways: profile.gatewayAddresses,
    ...(inputs.managementOverInternet && { managementOverInternet: inputs.managementOverInternet }),
    tunnelMtu: inputs.tunnelMtu,
    hosts: devices.map(({ id, name, kind, address, mac, cetpPorts }) => ({ id, name, kind, address, mac, cetpPorts })),
    ntp: false,
  };
  return { practiceDhcp, wanInLan, dnsmasq, firewall };
}

/** The LAN port's practice-LAN addresses (without their lengths): all but those in the TI segment. */
export function practiceAddresses(addresses: readonly string[], tiSegment: string): string[] {
  const segment = parsePrefix(tiSegment);
  return addresses.flatMap((text) => {
    const address = parseInterfaceAddress(text)?.address;
    if (address === undefined || (segment && prefixContains(segment, address))) return [];
    return [text.split('/')[0] as string];
  });
}
