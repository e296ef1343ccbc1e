// Checks a desired state before anything of it is rendered: every address, prefix, port, MAC and
// name that reaches the ruleset's text passes here first. Pure; it lists every problem found,
// each with the field's path (`hosts[2].mac`) and a reason in plain words.
import { isIPv6 } from 'node:net';
import { TI_PREFIX_MIN_LENGTH, TiboxError, isHostAddress, parseIpv4, parsePrefix, prefixContains, prefixCovers, prefixesOverlap, type Ipv4Prefix } from '../../core/index.ts';
import type { FirewallDesired, FirewallInterfaces, RegisteredHost } from './desired.ts';
import { LIBIPSEC_DEVICE } from './sides.ts';

export interface FirewallProblem {
  readonly field: string;
  readonly reason: string;
}

/** As the config's interface fields: what `ip link` can name, nothing that needs quoting. */
const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
/** As the device inventory takes names: printable, at most 63 characters (nft.ts makes them safe for a comment). */
const HOST_NAME_LENGTH = 63;
/** The box's segment: wide enough for two usable halves, never wider than a /16. */
const SEGMENT_LENGTH = { min: 16, max: 29 } as const;
/** IPv4's minimum MTU up to Ethernet's: the tunnel sits inside an Internet path. */
const MTU = { min: 576, max: 1500 } as const;

type Report = (field: string, reason: string) => void;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A prefix as the routes module takes one: /0 is refused there (it would route everything into the tunnel), so here too. */
function prefixOf(value: unknown): Ipv4Prefix | undefined {
  const prefix = typeof value === 'string' ? parsePrefix(value) : undefined;
  return prefix && prefix.length > 0 ? prefix : undefined;
}

function addressOf(value: unknown): number | undefined {
  return typeof value === 'string' ? parseIpv4(value) : undefined;
}

/** Every problem of `desired`; an empty list means it may be rendered. */
export function validateFirewallDesired(desired: FirewallDesired): FirewallProblem[] {
  const problems: FirewallProblem[] = [];
  const report: Report = (field, reason) => void problems.push({ field, reason });
  if (!isObject(desired)) {
    report('(desired)', 'must be an object');
    return problems;
  }
  checkInterfaces(desired.interfaces, report);
  const segment = checkSegment(desired, report);
  const tiPrefixes = checkTiPrefixes(desired.tiPrefixes, segment, report);
  if (desired.managementPrefix !== undefined) checkManagementPrefix(desired.managementPrefix, tiPrefixes, report);
  checkPracticeLan(desired.practiceLanAddresses, segment, tiPrefixes, report);
  checkGateways(desired.gateways, segment, tiPrefixes, report);
  if (desired.managementOverInternet !== undefined) checkManagementOverInternet(desired.managementOverInternet, segment, tiPrefixes, report);
  if (!Number.isInteger(desired.tunnelMtu) || desired.tunnelMtu < MTU.min || desired.tunnelMtu > MTU.max) {
    report('tunnelMtu', `must be a whole number from ${MTU.min} to ${MTU.max}`);
  }
  checkHosts(desired, segment, report);
  if (typeof desired.ntp !== 'boolean') report('ntp', 'must be true or false');
  return problems;
}

/** Throws TIBOX_FIREWALL_INVALID naming the first problem (all of them in its details). */
export function assertValidFirewallDesired(desired: FirewallDesired): void {
  const problems = validateFirewallDesired(desired);
  const first = problems[0];
  if (first) throw new TiboxError('TIBOX_FIREWALL_INVALID', { field: first.field, reason: first.reason }, { problems });
}

/** The problems of the interface names alone: for the config, which refuses them when they are committed. */
export function validateFirewallInterfaces(interfaces: FirewallInterfaces): FirewallProblem[] {
  const problems: FirewallProblem[] = [];
  checkInterfaces(interfaces, (field, reason) => void problems.push({ field, reason }));
  return problems;
}

function checkInterfaces(interfaces: FirewallInterfaces, report: Report): void {
  if (!isObject(interfaces)) {
    report('interfaces', 'must be an object');
    return;
  }
  if (interfaces.tunnel !== 'libipsec' && interfaces.tunnel !== 'xfrm') report('interfaces.tunnel', 'must be "libipsec" or "xfrm"');
  const seen = new Map<string, string>();
  // The bridge first: its name is tibox's own, so a port that takes it is the one to rename.
  for (const key of ['terminalBridge', 'lan', 'wan'] as const) {
    const name = interfaces[key];
    const field = `interfaces.${key}`;
    if (key === 'terminalBridge' && name === undefined) continue;
    if (typeof name !== 'string' || !INTERFACE_NAME.test(name) || name === '.' || name === '..') {
      report(field, "must be an interface name: 1 to 15 letters, digits, '.', '_' or '-'");
    } else if (name === 'lo') {
      report(field, 'must not be the loopback interface');
    } else if (name === LIBIPSEC_DEVICE && interfaces.tunnel === 'libipsec') {
      report(field, `must not be ${LIBIPSEC_DEVICE}: kernel-libipsec's tunnel device has that name, and a packet from it counts as decrypted`);
    } else if (seen.has(name)) {
      report(field, `must differ from interfaces.${seen.get(name)} (${name})`);
    } else {
      seen.set(name, key);
    }
  }
}

interface Segment {
  readonly whole: Ipv4Prefix;
  readonly lan: Ipv4Prefix;
  readonly terminal: Ipv4Prefix;
}

function checkSegment(desired: FirewallDesired, report: Report): Segment | undefined {
  const whole = prefixOf(desired.tiSegment);
  if (!whole || whole.length < SEGMENT_LENGTH.min || whole.length > SEGMENT_LENGTH.max) {
    report('tiSegment', `must be an IPv4 prefix from /${SEGMENT_LENGTH.min} to /${SEGMENT_LENGTH.max} without host bits, like 10.77.12.0/26`);
    return undefined;
  }
  const halves = desired.halves;
  if (!isObject(halves)) {
    report('halves', 'must be an object');
    return undefined;
  }
  const half = (key: 'lanHalf' | 'terminalHalf', gatewayKey: 'lanGateway' | 'terminalGateway'): Ipv4Prefix | undefined => {
    const text = halves[key];
    const network = prefixOf(text);
    if (!network || network.length !== whole.length + 1 || !prefixCovers(whole, network)) {
      report(`halves.${key}`, `must be one half of tiSegment ${desired.tiSegment}`);
      return undefined;
    }
    const gateway = addressOf(halves[gatewayKey]);
    if (gateway === undefined || !isHostAddress(network, gateway)) report(`halves.${gatewayKey}`, `must be a host address of halves.${key} ${text}`);
    return network;
  };
  const lan = half('lanHalf', 'lanGateway');
  const terminal = half('terminalHalf', 'terminalGateway');
  if (!lan || !terminal) return undefined;
  if (lan.network === terminal.network) {
    report('halves.terminalHalf', 'must be the other half than halves.lanHalf');
    return undefined;
  }
  return { whole, lan, terminal };
}

function checkTiPrefixes(prefixes: readonly string[], segment: Segment | undefined, report: Report): Ipv4Prefix[] {
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    report('tiPrefixes', 'must list at least one prefix');
    return [];
  }
  return prefixes.flatMap((text, i) => {
    const network = prefixOf(text);
    if (!network || network.length < TI_PREFIX_MIN_LENGTH) {
      report(`tiPrefixes[${i}]`, `must be an IPv4 prefix from /${TI_PREFIX_MIN_LENGTH} to /32 without host bits`);
      return [];
    }
    if (segment && prefixesOverlap(network, segment.whole)) {
      report(`tiPrefixes[${i}]`, 'must not overlap tiSegment');
      return [];
    }
    return [network];
  });
}

function checkManagementPrefix(text: string, tiPrefixes: readonly Ipv4Prefix[], report: Report): void {
  const network = prefixOf(text);
  if (!network) report('managementPrefix', 'must be an IPv4 prefix without host bits');
  else if (!tiPrefixes.some((prefix) => prefixCovers(prefix, network))) report('managementPrefix', 'must lie inside one of tiPrefixes: it is reached through the tunnel');
}

function checkManagementOverInternet(endpoint: { address: string; port: number }, segment: Segment | undefined, tiPrefixes: readonly Ipv4Prefix[], report: Report): void {
  if (!isObject(endpoint)) {
    report('managementOverInternet', 'must be an object with address and port');
    return;
  }
  const address = addressOf(endpoint.address);
  if (address === undefined) report('managementOverInternet.address', 'must be an IPv4 address like 198.51.100.80');
  else if (tiPrefixes.some((prefix) => prefixContains(prefix, address))) report('managementOverInternet.address', 'must lie outside tiPrefixes: a TI address is reached through the tunnel alone');
  else if (segment && prefixContains(segment.whole, address)) report('managementOverInternet.address', 'must lie outside tiSegment');
  if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65535) report('managementOverInternet.port', 'must be a port from 1 to 65535');
}

function checkPracticeLan(addresses: readonly string[], segment: Segment | undefined, tiPrefixes: readonly Ipv4Prefix[], report: Report): void {
  if (!Array.isArray(addresses) || addresses.length === 0) {
    report('practiceLanAddresses', 'must list at least one address (the fixed fallback address)');
    return;
  }
  const seen = new Set<number>();
  addresses.forEach((text, i) => {
    const field = `practiceLanAddresses[${i}]`;
    const address = addressOf(text);
    if (address === undefined) report(field, 'must be an IPv4 address like 192.168.1.2');
    else if (segment && prefixContains(segment.whole, address)) report(field, 'must lie outside tiSegment');
    else if (tiPrefixes.some((prefix) => prefixContains(prefix, address))) report(field, 'must lie outside tiPrefixes');
    else if (seen.has(address)) report(field, 'is listed twice');
    else seen.add(address);
  });
}

function checkGateways(gateways: readonly string[], segment: Segment | undefined, tiPrefixes: readonly Ipv4Prefix[], report: Report): void {
  if (!Array.isArray(gateways)) {
    report('gateways', 'must be a list of addresses');
    return;
  }
  const seen = new Set<string>();
  gateways.forEach((text, i) => {
    const field = `gateways[${i}]`;
    const v4 = addressOf(text);
    const v6 = typeof text === 'string' && !text.includes('%') && isIPv6(text);
    if (v4 === undefined && !v6) report(field, 'must be an IPv4 or IPv6 address (the names resolved)');
    else if (v4 !== undefined && ((segment && prefixContains(segment.whole, v4)) || tiPrefixes.some((prefix) => prefixContains(prefix, v4)))) {
      report(field, 'must lie outside tiSegment and tiPrefixes: IKE to a gateway goes around the tunnel');
    } else if (seen.has(text.toLowerCase())) report(field, 'is listed twice');
    else seen.add(text.toLowerCase());
  });
}

function checkHosts(desired: FirewallDesired, segment: Segment | undefined, report: Report): void {
  if (!Array.isArray(desired.hosts)) {
    report('hosts', 'must be a list');
    return;
  }
  const byAddress = new Map<number, number>();
  const byMac = new Map<string, number>();
  const byId = new Map<number, number>();
  const boxOwn = segment ? [desired.halves.lanGateway, desired.halves.terminalGateway] : [];
  const terminalsBridged = isObject(desired.interfaces) && desired.interfaces.terminalBridge !== undefined;
  desired.hosts.forEach((host: RegisteredHost, i) => {
    const field = `hosts[${i}]`;
    if (!isObject(host)) {
      report(field, 'must be an object');
      return;
    }
    if (typeof host.name !== 'string' || host.name === '' || [...host.name].length > HOST_NAME_LENGTH || /\p{C}/u.test(host.name)) {
      report(`${field}.name`, `must be 1 to ${HOST_NAME_LENGTH} printable characters`);
    }
    if (host.kind !== 'pvs' && host.kind !== 'terminal') report(`${field}.kind`, 'must be "pvs" or "terminal"');
    if (!Number.isSafeInteger(host.id) || host.id < 1) report(`${field}.id`, 'must be a whole number from 1');
    else if (byId.has(host.id)) report(`${field}.id`, `is also hosts[${byId.get(host.id)}]'s`);
    else byId.set(host.id, i);
    const address = addressOf(host.address);
    if (address === undefined) {
      report(`${field}.address`, 'must be an IPv4 address like 10.77.12.10');
    } else if (segment) {
      const inLan = isHostAddress(segment.lan, address);
      const inTerminal = isHostAddress(segment.terminal, address);
      if (boxOwn.includes(host.address)) report(`${field}.address`, "is the box's own address");
      else if (host.kind === 'pvs' && !inLan) report(`${field}.address`, `must be a host address of the LAN half ${desired.halves.lanHalf}`);
      else if (host.kind === 'terminal' && !inLan && !(terminalsBridged && inTerminal)) {
        report(`${field}.address`, terminalsBridged
          ? `must be a host address of the LAN half ${desired.halves.lanHalf} or the terminal half ${desired.halves.terminalHalf}`
          : `must be a host address of the LAN half ${desired.halves.lanHalf} (there is no terminal bridge)`);
      } else if (byAddress.has(address)) report(`${field}.address`, `is also hosts[${byAddress.get(address)}]'s`);
      else byAddress.set(address, i);
    }
    const mac = typeof host.mac === 'string' ? host.mac.toLowerCase() : '';
    if (!MAC.test(mac)) report(`${field}.mac`, 'must be a MAC address like 02:00:5e:10:00:10');
    else if (parseInt(mac.slice(0, 2), 16) % 2 === 1 || mac === '00:00:00:00:00:00') report(`${field}.mac`, 'must be a unicast MAC address');
    else if (byMac.has(mac)) report(`${field}.mac`, `is also hosts[${byMac.get(mac)}]'s`);
    else byMac.set(mac, i);
    checkCetpPorts(host, field, report);
  });
}

function checkCetpPorts(host: RegisteredHost, field: string, report: Report): void {
  if (!Array.isArray(host.cetpPorts)) {
    report(`${field}.cetpPorts`, 'must be a list of ports');
    return;
  }
  if (host.kind === 'terminal' && host.cetpPorts.length > 0) {
    report(`${field}.cetpPorts`, 'must be empty for a card terminal: CETP events go to PVS hosts');
    return;
  }
  const seen = new Set<number>();
  host.cetpPorts.forEach((port, j) => {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) report(`${field}.cetpPorts[${j}]`, 'must be a port from 1 to 65535');
    else if (seen.has(port)) report(`${field}.cetpPorts[${j}]`, 'is listed twice');
    else seen.add(port);
  });
}
