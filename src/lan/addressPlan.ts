// The box's LAN address plan (ARCHITECTURE.md §1), pure: the TI segment of the VPN profile is
// split into two halves. The LAN half sits on the LAN port, beside the practice-LAN addresses
// (by DHCP from the practice router, plus the fixed fallback from the label); PVS hosts take a
// static second address there. The terminal half sits on the bridge of the terminal ports, where
// dnsmasq leases terminals their addresses. The box is each half's gateway, at its first host.
// The split does not depend on whether terminal ports exist, so addresses printed for PVS hosts
// stay valid when terminal ports are added later.
import {
  TI_SEGMENT_LENGTHS, formatIpv4, formatPrefix, lastAddress, networkOf, parseInterfaceAddress, parsePrefix, splitPrefix,
} from '../core/index.ts';
import { invalidSetting } from './errors.ts';
import type { LanLinksDesired } from './linksModel.ts';

/** The bridge of the terminal ports, unless the caller names another. */
export const TERMINAL_BRIDGE = 'br-term';

/** The halves of the TI segment and the box's gateway address in each (field names as the inventory reads them). */
export interface SegmentHalves {
  /** e.g. 10.77.12.0/27 */
  readonly lanHalf: string;
  /** e.g. 10.77.12.1 */
  readonly lanGateway: string;
  /** e.g. 10.77.12.32/27 */
  readonly terminalHalf: string;
  /** e.g. 10.77.12.33 */
  readonly terminalGateway: string;
  /** The length of both halves, e.g. 27. */
  readonly halfLength: number;
}

export interface LanPlanInput {
  /** The TI segment of the VPN profile; null before a profile is imported (then only the fallback is planned). */
  readonly tiSegment: string | null;
  readonly lanPort: string;
  /** Empty when the terminals stay on the practice LAN. */
  readonly terminalPorts: readonly string[];
  /** The fixed practice-LAN address from the label, `a.b.c.d/len`; null for none. */
  readonly practiceFallback: string | null;
  /** Default TERMINAL_BRIDGE. */
  readonly terminalBridge?: string;
}

export interface LanAddressPlan {
  /** null without a TI segment. */
  readonly halves: SegmentHalves | null;
  /** What the LAN links adapter puts in place. */
  readonly links: LanLinksDesired;
}

const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** Throws TIBOX_LAN_INVALID for a segment that is not a /24 to /28 network. */
export function splitSegment(tiSegment: string, field = 'tiSegment'): SegmentHalves {
  const segment = parsePrefix(tiSegment);
  if (!segment) throw invalidSetting(field, `must be an IPv4 network like 10.77.12.0/26 (no host bits), not ${JSON.stringify(tiSegment)}`);
  if (segment.length < TI_SEGMENT_LENGTHS.min || segment.length > TI_SEGMENT_LENGTHS.max) {
    throw invalidSetting(field, `must be a /${TI_SEGMENT_LENGTHS.min} to /${TI_SEGMENT_LENGTHS.max}, not /${segment.length}`);
  }
  const halves = splitPrefix(segment);
  // Only a /32 has none, and the lengths above exclude it.
  if (!halves) throw new Error(`${tiSegment} has no halves`);
  const [lan, terminal] = halves;
  return {
    lanHalf: formatPrefix(lan),
    lanGateway: formatIpv4(lan.network + 1),
    terminalHalf: formatPrefix(terminal),
    terminalGateway: formatIpv4(terminal.network + 1),
    halfLength: lan.length,
  };
}

/** A setting the plan cannot take, named as the config names it. */
export interface LanSettingProblem {
  readonly field: string;
  readonly reason: string;
}

/** What the plan takes from the config, checked before anything is planned. */
export type LanSettings = Pick<LanPlanInput, 'lanPort' | 'terminalPorts' | 'practiceFallback' | 'terminalBridge'>;

/**
 * Every problem the plan has with the settings, in the order it finds them: planLanAddresses
 * refuses the first, and the config refuses them all when they are committed, so that a setting
 * is not refused anew on every pass.
 */
export function lanSettingProblems(settings: LanSettings): LanSettingProblem[] {
  const problems: LanSettingProblem[] = [];
  const report: Report = (field, reason) => void problems.push({ field, reason });
  checkPorts(settings.lanPort, settings.terminalPorts, settings.terminalBridge ?? TERMINAL_BRIDGE, report);
  if (settings.practiceFallback !== null) checkFallback(settings.practiceFallback, report);
  return problems;
}

/** Throws TIBOX_LAN_INVALID for a port name, a fallback or a segment that cannot be planned. */
export function planLanAddresses(input: LanPlanInput): LanAddressPlan {
  const [problem] = lanSettingProblems(input);
  if (problem) throw invalidSetting(problem.field, problem.reason);
  const bridge = input.terminalBridge ?? TERMINAL_BRIDGE;
  const fallback = input.practiceFallback === null ? [] : [input.practiceFallback];
  const halves = input.tiSegment === null ? null : splitSegment(input.tiSegment);
  const lanGateway = halves ? [`${halves.lanGateway}/${halves.halfLength}`] : [];
  const terminalGateway = halves ? [`${halves.terminalGateway}/${halves.halfLength}`] : [];
  const terminals = input.terminalPorts.length === 0 ? null : { bridge, ports: [...input.terminalPorts], addresses: terminalGateway };
  return { halves, links: { lan: { port: input.lanPort, addresses: [...lanGateway, ...fallback] }, terminals } };
}

type Report = (field: string, reason: string) => void;

function checkPorts(lanPort: string, terminalPorts: readonly string[], bridge: string, report: Report): void {
  checkName('interfaces.lan', lanPort, report);
  checkName('terminalBridge', bridge, report);
  // The bridge's name is tibox's own: a port that takes it is the setting to change.
  if (bridge === lanPort) report('interfaces.lan', `${lanPort} is the name of the terminal bridge`);
  terminalPorts.forEach((port, i) => {
    const field = `interfaces.terminals[${i}]`;
    if (!checkName(field, port, report)) return;
    if (port === lanPort) report(field, `${port} is the LAN port; a port is either on the practice LAN or a terminal port`);
    else if (port === bridge) report(field, `${port} is the name of the terminal bridge itself`);
    else if (terminalPorts.indexOf(port) < i) report(field, `${port} is listed twice`);
  });
}

function checkName(field: string, name: string, report: Report): boolean {
  if (INTERFACE_NAME.test(name) && name !== '.' && name !== '..') return true;
  report(field, `must be an interface name of 1 to 15 letters, digits, '.', '_' or '-', not ${JSON.stringify(name)}`);
  return false;
}

/**
 * A host address of a network that PCs can share: /8 to /30, neither network nor broadcast
 * address. Only canonical text parses (no leading zeros), so the text is the address as planned.
 */
function checkFallback(text: string, report: Report): void {
  const field = 'interfaces.lanFallback';
  const parsed = parseInterfaceAddress(text);
  if (!parsed) return report(field, `must be an address with its prefix length like 192.168.100.1/24, not ${JSON.stringify(text)}`);
  if (parsed.length < 8 || parsed.length > 30) return report(field, `the prefix length must be /8 to /30, not /${parsed.length}`);
  const network = networkOf(parsed.address, parsed.length);
  if (parsed.address === network.network || parsed.address === lastAddress(network)) {
    report(field, `${text} is the network or broadcast address of ${formatPrefix(network)}; choose a host address`);
  }
}
