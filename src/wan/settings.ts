// The WAN port's settings as the config holds them (group `wan`), and their rules, pure: by DHCP
// (the default) or static, with an address, a gateway in its subnet and resolvers. The config
// refuses a setting these rules refuse when it is committed (src/agent/store/plannerChecks.ts),
// so the subsystem never meets one; a static WAN subnet that overlaps the practice LAN is refused
// here too, given the LAN's networks.
import { formatPrefix, isHostAddress, networkOf, parseInterfaceAddress, parseIpv4, prefixContains, prefixesOverlap } from '../core/index.ts';

export type WanMode = 'dhcp' | 'static';

export interface WanSettings {
  readonly mode: WanMode;
  /** `a.b.c.d/len`, the box's own address and its subnet; static mode only, empty otherwise allowed. */
  readonly address: string;
  /** The router on the WAN subnet; static mode only. */
  readonly gateway: string;
  /** Name servers for the box's own lookups (gateway names, time). Static: these; DHCP: these instead of the lease's, when given. */
  readonly resolvers: readonly string[];
}

export interface WanProblem {
  /** The config field, e.g. `wan.gateway`. */
  readonly field: string;
  readonly reason: string;
}

/** What is wrong with the settings, one entry a field; none when they can be applied. */
export function wanSettingProblems(settings: WanSettings, group = 'wan'): WanProblem[] {
  if (settings.mode !== 'static') return [];
  const problems: WanProblem[] = [];
  const own = parseInterfaceAddress(settings.address);
  if (settings.address === '') problems.push({ field: `${group}.address`, reason: 'is needed for a static WAN: the box\'s address with its prefix length, such as 192.168.178.2/24' });
  else if (!own) problems.push({ field: `${group}.address`, reason: 'must be an address with its prefix length, such as 192.168.178.2/24' });
  const subnet = own && networkOf(own.address, own.length);
  if (own && subnet && !isHostAddress(subnet, own.address)) {
    problems.push({ field: `${group}.address`, reason: `${settings.address} is not a host address of its prefix ${formatPrefix(subnet)} (it is the network or broadcast address, or the prefix is a /31 or /32)` });
  }
  const gateway = parseIpv4(settings.gateway);
  if (settings.gateway === '') problems.push({ field: `${group}.gateway`, reason: "is needed for a static WAN: the practice router's address on the WAN subnet" });
  else if (gateway === undefined) problems.push({ field: `${group}.gateway`, reason: 'must be an IPv4 address such as 192.168.178.1' });
  else if (own && subnet && !prefixContains(subnet, gateway)) {
    problems.push({ field: `${group}.gateway`, reason: `${settings.gateway} is outside the WAN subnet ${formatPrefix(subnet)} of ${settings.address}: the box could not reach it` });
  } else if (own && gateway === own.address) {
    problems.push({ field: `${group}.gateway`, reason: `${settings.gateway} is the box's own WAN address; it must be the router's` });
  } else if (subnet && !isHostAddress(subnet, gateway)) {
    problems.push({ field: `${group}.gateway`, reason: `${settings.gateway} is the network or broadcast address of ${formatPrefix(subnet)}` });
  }
  return problems;
}

/**
 * A static WAN subnet that shares addresses with a network of the practice LAN (`lanAddresses`:
 * the box's practice-LAN addresses, `a.b.c.d/len`): the box would not know which port a host of
 * it is on. None in DHCP mode, whose lease the address-plan check judges once it is there.
 */
export function wanLanOverlap(settings: WanSettings, lanAddresses: readonly string[], group = 'wan'): WanProblem[] {
  if (settings.mode !== 'static') return [];
  const own = parseInterfaceAddress(settings.address);
  if (!own) return [];
  const wan = networkOf(own.address, own.length);
  for (const text of lanAddresses) {
    const lan = parseInterfaceAddress(text);
    if (!lan) continue;
    const network = networkOf(lan.address, lan.length);
    if (prefixesOverlap(wan, network)) {
      return [{ field: `${group}.address`, reason: `the WAN subnet ${formatPrefix(wan)} overlaps the practice network ${formatPrefix(network)} of the LAN port (${text}); the WAN must be a network of its own` }];
    }
  }
  return [];
}
