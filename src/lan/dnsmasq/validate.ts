// Checks the desired state before anything is written. Every value lands in a dnsmasq file whose
// parser guesses a field's meaning from its shape (a comma starts the next field, a `/` the next
// domain, a line break the next option), so only canonical, unambiguous values pass. The first problem throws TIBOX_DNSMASQ_INVALID_FIELD naming the field as a path
// into DnsmasqDesired, e.g. `dhcp.terminals[1].mac`.
import {
  TiboxError, formatIpv4, formatPrefix, isHostAddress, parseIpv4, parsePrefix, prefixSize, type Ipv4Prefix,
} from '../../core/index.ts';
import type { DnsmasqDesired, StaticLease, TerminalDhcp } from './desired.ts';

const LIMITS = {
  listen: 8,
  tiDnsServers: 4,
  tiDomains: 16,
  upstreams: 4,
  leaseSeconds: { min: 120, max: 7 * 24 * 3600 },
  /** Shortest and longest terminal half: /30 holds the gateway and one terminal. */
  terminalPrefix: { shortest: 16, longest: 30 },
} as const;

const INTERFACE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const NAME_MAX = 63;
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

function invalid(field: string, reason: string): TiboxError {
  return new TiboxError('TIBOX_DNSMASQ_INVALID_FIELD', { field, reason }, { field });
}

/** Throws on the first problem; returns nothing because the input is used as it is. */
export function validateDnsmasq(desired: DnsmasqDesired): void {
  const listen = addresses(desired.listen, 'listen', 1, LIMITS.listen);
  interfaceName(desired.lanPort, 'lanPort');
  const servers = addresses(desired.tiDns.servers, 'tiDns.servers', 1, LIMITS.tiDnsServers);
  notOwn(servers, listen, 'tiDns.servers');
  list(desired.tiDns.domains, 'tiDns.domains', 1, LIMITS.tiDomains, (domain, field) => {
    if (!DNS_NAME.test(domain)) throw invalid(field, `must be a DNS name in lower case without a trailing dot, not ${quote(domain)}`);
  });
  unique(desired.tiDns.domains, 'tiDns.domains');
  if (!listen.includes(address(desired.tiDns.source, 'tiDns.source'))) {
    throw invalid('tiDns.source', `${desired.tiDns.source} must be one of the box's TI addresses in listen`);
  }
  notOwn(addresses(desired.upstreams, 'upstreams', 0, LIMITS.upstreams), listen, 'upstreams');
  if (desired.dhcp) validateDhcp(desired.dhcp, desired.lanPort, listen);
}

function validateDhcp(dhcp: TerminalDhcp, lanPort: string, listen: readonly number[]): void {
  interfaceName(dhcp.bridge, 'dhcp.bridge');
  if (dhcp.bridge === lanPort) throw invalid('dhcp.bridge', `must not be the LAN port ${lanPort}: the practice router serves DHCP there`);
  const prefix = parsePrefix(dhcp.prefix);
  if (!prefix) throw invalid('dhcp.prefix', `must be an IPv4 prefix without host bits, like 10.77.12.32/27, not ${quote(dhcp.prefix)}`);
  const { shortest, longest } = LIMITS.terminalPrefix;
  if (prefix.length < shortest || prefix.length > longest) throw invalid('dhcp.prefix', `must be a /${shortest} to /${longest}, not /${prefix.length}`);
  const gateway = address(dhcp.gateway, 'dhcp.gateway');
  if (!isHostAddress(prefix, gateway)) throw invalid('dhcp.gateway', `${dhcp.gateway} is not a host address of ${dhcp.prefix}`);
  if (!listen.includes(gateway)) throw invalid('dhcp.gateway', `${dhcp.gateway} must be one of listen: the terminals ask it for DNS`);
  const { min, max } = LIMITS.leaseSeconds;
  if (!Number.isInteger(dhcp.leaseSeconds) || dhcp.leaseSeconds < min || dhcp.leaseSeconds > max) {
    throw invalid('dhcp.leaseSeconds', `must be a whole number of seconds from ${min} to ${max}, not ${dhcp.leaseSeconds}`);
  }
  // Every address but the network, the broadcast and the gateway can be a terminal's.
  list(dhcp.terminals, 'dhcp.terminals', 0, prefixSize(prefix.length) - 3, (terminal, field) => validateLease(terminal, field, prefix, gateway));
  unique(dhcp.terminals.map((t) => t.mac), 'dhcp.terminals', 'mac');
  unique(dhcp.terminals.map((t) => t.address), 'dhcp.terminals', 'address');
}

function validateLease(terminal: StaticLease, field: string, prefix: Ipv4Prefix, gateway: number): void {
  // The name becomes a comment line: a line break or other control character would end it.
  if (terminal.name.trim() === '' || [...terminal.name].length > NAME_MAX || /\p{C}/u.test(terminal.name)) {
    throw invalid(`${field}.name`, `must be printable text of 1 to ${NAME_MAX} characters, not ${quote(terminal.name)}`);
  }
  if (!MAC.test(terminal.mac)) throw invalid(`${field}.mac`, `must be six lower-case hex pairs joined by colons, not ${quote(terminal.mac)}`);
  if (parseInt(terminal.mac.slice(0, 2), 16) % 2 === 1) throw invalid(`${field}.mac`, `${terminal.mac} is a group address, not a device's`);
  if (terminal.mac === '00:00:00:00:00:00') throw invalid(`${field}.mac`, 'the all-zero address belongs to no device');
  const value = address(terminal.address, `${field}.address`);
  const half = formatPrefix(prefix);
  if (!isHostAddress(prefix, value)) throw invalid(`${field}.address`, `${terminal.address} is not a host address of the terminal half ${half}`);
  if (value === gateway) throw invalid(`${field}.address`, `${terminal.address} is the box's own address on the terminal bridge`);
}

function address(text: string, field: string): number {
  const value = parseIpv4(text);
  if (value === undefined) throw invalid(field, `must be an IPv4 address like 10.77.12.1, not ${quote(text)}`);
  return value;
}

function addresses(texts: readonly string[], field: string, min: number, max: number): number[] {
  const values = list(texts, field, min, max, address);
  unique(texts, field);
  return values;
}

/** A resolver on one of the box's own listening addresses would ask dnsmasq itself: a loop. */
function notOwn(values: readonly number[], listen: readonly number[], field: string): void {
  const index = values.findIndex((v) => listen.includes(v));
  if (index >= 0) throw invalid(`${field}[${index}]`, `${formatIpv4(values[index] as number)} is one of the box's own listen addresses`);
}

/** Why dnsmasq cannot take `name` as an interface, or undefined: for the config's LAN port, checked when it is committed. */
export function dnsmasqInterfaceProblem(name: string): string | undefined {
  if (INTERFACE.test(name)) return undefined;
  return `must be an interface name of up to 15 letters, digits, '_', '.' or '-', starting with a letter or digit; not ${quote(name)}`;
}

function interfaceName(name: string, field: string): void {
  const problem = dnsmasqInterfaceProblem(name);
  if (problem !== undefined) throw invalid(field, problem);
}

function list<T, R>(items: readonly T[], field: string, min: number, max: number, read: (item: T, field: string) => R): R[] {
  if (items.length < min) throw invalid(field, 'must not be empty');
  if (items.length > max) throw invalid(field, `must have at most ${max} entries`);
  return items.map((item, i) => read(item, `${field}[${i}]`));
}

function unique(values: readonly string[], field: string, key?: string): void {
  const first = new Map<string, number>();
  values.forEach((value, i) => {
    const earlier = first.get(value);
    if (earlier !== undefined) throw invalid(`${field}[${i}]${key ? `.${key}` : ''}`, `repeats ${field}[${earlier}]`);
    first.set(value, i);
  });
}

function quote(text: string): string {
  return JSON.stringify(text.slice(0, 80));
}
