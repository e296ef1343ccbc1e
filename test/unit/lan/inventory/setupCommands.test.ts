// Golden tests of the setup text: input, and the full expected text per system.
import { describe, expect, it } from 'vitest';
import type { Device } from '../../../../src/lan/inventory/device.ts';
import { pvsSetup, terminalSetup, type PvsSetupInput } from '../../../../src/lan/inventory/setupCommands.ts';
import { HALVES } from './fixtures.ts';

const device = (kind: Device['kind'], name: string, address: string): Device => ({
  id: 1, kind, name, address, mac: '00:1a:2b:3c:4d:5e', cetpPorts: kind === 'pvs' ? [4000] : [], createdAt: '', changedAt: '',
});

const input: PvsSetupInput = {
  device: device('pvs', 'Empfang-PC', '10.77.12.10'),
  halves: HALVES,
  tiPrefixes: ['100.102.0.0/15', '172.16.0.0/12'],
  tiDomains: ['telematik', 'telematik-test', 'splitdns.ti-dienste.de'],
  dnsServer: '10.77.12.1',
  windowsInterface: 'Ethernet 2',
  linuxInterface: 'enp3s0',
};

describe('pvsSetup', () => {
  it('gives Windows the address beside the practice one, permanent routes and NRPT rules', () => {
    expect(pvsSetup(input).windows).toBe(`# tibox: TI access for the PVS host "Empfang-PC" (10.77.12.10)
# Windows: run in PowerShell as administrator. "Ethernet 2" is the network adapter on the practice
# LAN (Get-NetAdapter lists them); its practice address stays as it is.
# Keeps a practice address from DHCP beside the static TI address (not needed if it is static):
netsh interface ipv4 set interface "Ethernet 2" dhcpstaticipcoexistence=enabled
netsh interface ipv4 add address "Ethernet 2" 10.77.12.10 255.255.255.224
# Permanent routes: the TI prefixes via the box.
route -p add 100.102.0.0 mask 255.254.0.0 10.77.12.1
route -p add 172.16.0.0 mask 255.240.0.0 10.77.12.1
# Only the TI names go to the box's DNS; all others stay with the practice's resolver.
Add-DnsClientNrptRule -Namespace ".telematik" -NameServers "10.77.12.1" -Comment "tibox"
Add-DnsClientNrptRule -Namespace ".telematik-test" -NameServers "10.77.12.1" -Comment "tibox"
Add-DnsClientNrptRule -Namespace ".splitdns.ti-dienste.de" -NameServers "10.77.12.1" -Comment "tibox"
`);
  });

  it('gives Linux a TI link of its own with the address, routes and per-link DNS domains', () => {
    expect(pvsSetup(input).linux).toBe(`# tibox: TI access for the PVS host "Empfang-PC" (10.77.12.10)
# Linux: run as root. enp3s0 is the network card on the practice LAN; its practice address
# stays as it is. The TI address gets a link of its own, ti0, that sends with enp3s0's MAC
# address, so systemd-resolved can send the TI names, and only those, to the box.
# Either, permanent, with NetworkManager 1.52 or newer:
nmcli connection add type ipvlan con-name tibox-ti ifname ti0 ipvlan.parent enp3s0 ipvlan.mode l2 ipv4.method manual ipv4.addresses 10.77.12.10/27 ipv4.never-default yes ipv4.routes '100.102.0.0/15 10.77.12.1, 172.16.0.0/12 10.77.12.1' ipv4.dns 10.77.12.1 ipv4.dns-search '~telematik,~telematik-test,~splitdns.ti-dienste.de' ipv6.method disabled
nmcli connection up tibox-ti
# or, until the next reboot, with iproute2 and resolvectl:
ip link add link enp3s0 name ti0 type ipvlan mode l2
sysctl -w net.ipv6.conf.ti0.disable_ipv6=1
ip address add 10.77.12.10/27 dev ti0
ip link set ti0 up
ip route add 100.102.0.0/15 via 10.77.12.1 dev ti0
ip route add 172.16.0.0/12 via 10.77.12.1 dev ti0
resolvectl domain ti0 '~telematik' '~telematik-test' '~splitdns.ti-dienste.de'
resolvectl default-route ti0 false
resolvectl dns ti0 10.77.12.1
`);
  });

  it.each([
    [{ windowsInterface: 'Ethernet"; Remove-Item C:\\' }, 'device field windowsInterface: must be a Windows adapter name such as Ethernet 2'],
    [{ windowsInterface: '$env:x' }, 'windowsInterface'],
    [{ linuxInterface: 'eth0; reboot' }, 'device field linuxInterface: must be a Linux interface name such as eth0'],
    [{ linuxInterface: 'ti0' }, 'device field linuxInterface: must name the network card, not ti0'],
  ])('refuses the interface name %j', (change, message) => {
    expect(() => pvsSetup({ ...input, ...change })).toThrow(expect.objectContaining({ code: 'TIBOX_DEVICE_INVALID_FIELD', message: expect.stringContaining(message) }));
  });
});

describe('terminalSetup', () => {
  it('tells a terminal on a terminal port to use DHCP', () => {
    expect(terminalSetup(device('terminal', 'Empfang-KT', '10.77.12.40'), HALVES)).toBe(`# tibox: card terminal "Empfang-KT" (10.77.12.40, MAC 00:1a:2b:3c:4d:5e)
# On a terminal port of the box: set the terminal to DHCP. The box gives it
# 10.77.12.40 for its MAC 00:1a:2b:3c:4d:5e.
# Register the terminal in the connector by this address.
`);
  });

  it('gives a terminal on the practice LAN its static values', () => {
    expect(terminalSetup(device('terminal', 'Labor-KT', '10.77.12.20'), HALVES)).toBe(`# tibox: card terminal "Labor-KT" (10.77.12.20, MAC 00:1a:2b:3c:4d:5e)
# On the practice LAN: enter in the terminal's network menu (static address):
#   IP address  10.77.12.20
#   Netmask     255.255.255.224
#   Gateway     10.77.12.1
# Register the terminal in the connector by this address.
`);
  });
});
