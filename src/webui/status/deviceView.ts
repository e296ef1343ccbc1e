// The agent's answers about devices that the web UI reads (devices.list, devices.neighbours,
// devices.terminals, devices.reachability), declared here because the web UI imports no
// subsystem; a unit test checks that the inventory's types fit them.

export type DeviceKindView = 'pvs' | 'terminal';

export interface ReachabilityView {
  state: 'unknown' | 'reachable' | 'unreachable';
  since: string;
  lastOk?: string;
  lastFailure?: { at: string; detail: string };
}

/** A registered device (devices.list). */
export interface DeviceView {
  id: number;
  kind: DeviceKindView;
  name: string;
  address: string;
  mac: string;
  cetpPorts: readonly number[];
  createdAt: string;
  changedAt: string;
  /** False when the address lies outside the current TI segment. */
  inSegment: boolean;
  /** Terminals only, once probed. */
  reachability?: ReachabilityView;
  dhcp?: { hostname?: string; vendorClass?: string };
}

/** A host the box has seen on its LAN side (devices.neighbours). */
export interface NeighbourView {
  ip: string;
  mac: string;
  interface: string;
  state: 'reachable' | 'stale' | 'delay' | 'probe' | 'gone';
  firstSeen: string;
  lastSeen: string;
}

/** A terminal's reachability change (devices.reachability), newest first. */
export interface TransitionView {
  at: string;
  state: 'reachable' | 'unreachable';
  detail?: string;
}

/** A terminal the box found but that is not registered (devices.terminals). */
export interface CandidateView {
  mac: string;
  address?: string;
  hostname?: string;
  vendorClass?: string;
  evidence: readonly string[];
  firstSeen: string;
  lastSeen: string;
}

/** The setup text of a device (devices.setupCommands): a PVS host's commands, a terminal's note. */
export type SetupView = { kind: 'pvs'; windows: string; linux: string } | { kind: 'terminal'; terminal: string };

/** What the firewall did with a device's traffic (firewall.why). */
export interface WhyView {
  counters: { accepted: { packets: number; bytes: number }; dropped: { packets: number; bytes: number }; since: string; sinceBoot: boolean } | null;
  /** Newest first. */
  drops: readonly { at: string; reason: string; in: string; out: string; src: string; dst: string; proto: string; sport?: number; dport?: number }[];
}
