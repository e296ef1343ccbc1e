// What to configure on a registered device, as text to paste. A PVS host keeps its practice
// address and gets its TI address beside it, permanent routes for the TI prefixes via the box's
// LAN-half gateway, and a DNS rule that sends only the TI domains to the box, so the practice's
// resolver and its rebind protection never see a TI name. A terminal gets the values for its
// network menu. Pure: the same input gives the same text (golden tests).
//
// Choices, checked against the tools' documentation:
// - Windows: the address is added with netsh (persistent by default). It must not carry
//   skipassource: Windows picks the source address with the longest prefix match to the next hop
//   (KB969029), which makes the TI address the source towards the box's gateway, and skipassource
//   would forbid exactly that. dhcpstaticipcoexistence lets the static address sit beside a DHCP
//   one. NRPT rules (Add-DnsClientNrptRule, leading dot = the domain's subdomains) route the TI
//   names to the box.
// - Linux: systemd-resolved routes names per link, and every DNS server of a link answers all of
//   that link's names, so the box's DNS cannot share the LAN link with the practice's resolver. The
//   TI address therefore gets a link of its own: an ipvlan in L2 mode, which sends with the network
//   card's own MAC, the one the box binds this host's TI address to. The link carries the routing
//   domains (~telematik ...) and default-route false (systemd's guide for split DNS over VPNs).
import type { Device } from './device.ts';
import { invalidField } from './errors.ts';
import { formatIpv4, netmask, parseIpv4, parsePrefix, prefixContains } from '../../core/index.ts';
import { checkHalves, type TiHalves } from './segment.ts';

export interface PvsSetupInput {
  readonly device: Device;
  readonly halves: TiHalves;
  /** The profile's TI prefixes, e.g. ['100.102.0.0/15']. */
  readonly tiPrefixes: readonly string[];
  /** e.g. ['telematik', 'telematik-test', 'splitdns.ti-dienste.de'] */
  readonly tiDomains: readonly string[];
  /** The box's DNS address for the LAN half. */
  readonly dnsServer: string;
  /** The practice-LAN adapter as Windows names it, e.g. 'Ethernet'. */
  readonly windowsInterface: string;
  /** The practice-LAN network card as Linux names it, e.g. 'eth0'. */
  readonly linuxInterface: string;
}

export interface PvsSetup {
  windows: string;
  linux: string;
}

/** The Linux link that carries the TI address. */
export const TI_LINK = 'ti0';
/** The NetworkManager connection that keeps it. */
export const TI_CONNECTION = 'tibox-ti';

// Names end up inside quotes in PowerShell and shell lines: no quote, $, backtick or backslash.
const WINDOWS_NAME = /^[\p{L}\p{N} ._()#+-]{1,64}$/u;
const LINUX_NAME = /^[A-Za-z0-9_.-]{1,15}$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export function pvsSetup(input: PvsSetupInput): PvsSetup {
  const { device } = input;
  if (device.kind !== 'pvs') throw new Error(`pvsSetup needs a PVS host, not a ${device.kind}`);
  const halves = checkHalves(input.halves);
  const windowsName = checkName(input.windowsInterface, WINDOWS_NAME, 'windowsInterface', 'a Windows adapter name such as Ethernet 2');
  const linuxName = checkName(input.linuxInterface, LINUX_NAME, 'linuxInterface', 'a Linux interface name such as eth0');
  if (linuxName === '.' || linuxName === '..' || linuxName === TI_LINK) throw invalidField('linuxInterface', `must name the network card, not ${linuxName}`);
  const prefixes = input.tiPrefixes.map((text) => {
    const prefix = parsePrefix(text);
    if (!prefix) throw new Error(`not a TI prefix: ${JSON.stringify(text)}`);
    return prefix;
  });
  for (const domain of input.tiDomains) if (!DOMAIN.test(domain)) throw new Error(`not a TI domain: ${JSON.stringify(domain)}`);
  if (parseIpv4(input.dnsServer) === undefined) throw new Error(`not a DNS server address: ${JSON.stringify(input.dnsServer)}`);
  const gateway = formatIpv4(halves.lan.gateway);
  const mask = formatIpv4(netmask(halves.lan.prefix.length));
  const length = halves.lan.prefix.length;
  const title = `# tibox: TI access for the PVS host ${JSON.stringify(device.name)} (${device.address})`;

  const windows = [
    title,
    `# Windows: run in PowerShell as administrator. "${windowsName}" is the network adapter on the practice`,
    '# LAN (Get-NetAdapter lists them); its practice address stays as it is.',
    '# Keeps a practice address from DHCP beside the static TI address (not needed if it is static):',
    `netsh interface ipv4 set interface "${windowsName}" dhcpstaticipcoexistence=enabled`,
    `netsh interface ipv4 add address "${windowsName}" ${device.address} ${mask}`,
    '# Permanent routes: the TI prefixes via the box.',
    ...prefixes.map((p) => `route -p add ${formatIpv4(p.network)} mask ${formatIpv4(netmask(p.length))} ${gateway}`),
    "# Only the TI names go to the box's DNS; all others stay with the practice's resolver.",
    ...input.tiDomains.map((d) => `Add-DnsClientNrptRule -Namespace ".${d}" -NameServers "${input.dnsServer}" -Comment "tibox"`),
  ];

  const routing = input.tiDomains.map((d) => `~${d}`);
  const linux = [
    title,
    `# Linux: run as root. ${linuxName} is the network card on the practice LAN; its practice address`,
    `# stays as it is. The TI address gets a link of its own, ${TI_LINK}, that sends with ${linuxName}'s MAC`,
    '# address, so systemd-resolved can send the TI names, and only those, to the box.',
    '# Either, permanent, with NetworkManager 1.52 or newer:',
    [
      `nmcli connection add type ipvlan con-name ${TI_CONNECTION} ifname ${TI_LINK} ipvlan.parent ${linuxName} ipvlan.mode l2`,
      `ipv4.method manual ipv4.addresses ${device.address}/${length} ipv4.never-default yes`,
      `ipv4.routes '${prefixes.map((p) => `${formatIpv4(p.network)}/${p.length} ${gateway}`).join(', ')}'`,
      `ipv4.dns ${input.dnsServer} ipv4.dns-search '${routing.join(',')}' ipv6.method disabled`,
    ].join(' '),
    `nmcli connection up ${TI_CONNECTION}`,
    '# or, until the next reboot, with iproute2 and resolvectl:',
    `ip link add link ${linuxName} name ${TI_LINK} type ipvlan mode l2`,
    // The TI is IPv4 only, and a link-local address derived from the shared MAC would clash.
    `sysctl -w net.ipv6.conf.${TI_LINK}.disable_ipv6=1`,
    `ip address add ${device.address}/${length} dev ${TI_LINK}`,
    `ip link set ${TI_LINK} up`,
    ...prefixes.map((p) => `ip route add ${formatIpv4(p.network)}/${p.length} via ${gateway} dev ${TI_LINK}`),
    // Domains and default-route before the server, so no query goes out before the routing is set.
    `resolvectl domain ${TI_LINK} ${routing.map((r) => `'${r}'`).join(' ')}`,
    `resolvectl default-route ${TI_LINK} false`,
    `resolvectl dns ${TI_LINK} ${input.dnsServer}`,
  ];
  return { windows: windows.join('\n') + '\n', linux: linux.join('\n') + '\n' };
}

/** The values for a terminal's own network menu. */
export function terminalSetup(device: Device, halvesInput: TiHalves): string {
  if (device.kind !== 'terminal') throw new Error(`terminalSetup needs a card terminal, not a ${device.kind}`);
  const halves = checkHalves(halvesInput);
  const address = parseIpv4(device.address) ?? -1;
  const title = `# tibox: card terminal ${JSON.stringify(device.name)} (${device.address}, MAC ${device.mac})`;
  const connector = '# Register the terminal in the connector by this address.';
  if (prefixContains(halves.terminal.prefix, address)) {
    return [
      title,
      '# On a terminal port of the box: set the terminal to DHCP. The box gives it',
      `# ${device.address} for its MAC ${device.mac}.`,
      connector,
      '',
    ].join('\n');
  }
  return [
    title,
    '# On the practice LAN: enter in the terminal\'s network menu (static address):',
    `#   IP address  ${device.address}`,
    `#   Netmask     ${formatIpv4(netmask(halves.lan.prefix.length))}`,
    `#   Gateway     ${formatIpv4(halves.lan.gateway)}`,
    connector,
    '',
  ].join('\n');
}

function checkName(value: string, pattern: RegExp, field: string, expected: string): string {
  if (!pattern.test(value)) throw invalidField(field, `must be ${expected}`);
  return value;
}
