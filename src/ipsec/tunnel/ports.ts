// What the tunnel controller takes from outside: charon's session, the routes module, how TI
// prefixes reach the tunnel, a process starter for the probes, the history, and its timings.
// Plain interfaces, so tests hand the controller fakes.
import type { Health, Logger } from '../../core/index.ts';
import type { ViciSession } from '../vici/index.ts';
import type { Knock } from './knockProbe.ts';
import type { StartProcess } from './pingProbe.ts';
import type { ResumeState } from './resumeState.ts';
import type { TunnelHistory } from './status.ts';
import type { TunnelProfile } from './tunnelProfile.ts';

/** What the controller uses of the session; on/off are spelled out so a fake need not be a ViciSession. */
export type TunnelVici = Pick<
  ViciSession,
  'isConnected' | 'subscribe' | 'clearCreds' | 'loadKey' | 'loadCert' | 'loadConn' | 'unloadConn' | 'getConns' | 'listSas' | 'initiate' | 'terminate'
> & {
  on(event: 'connected' | 'disconnected', listener: () => void): unknown;
  off(event: 'connected' | 'disconnected', listener: () => void): unknown;
};

export type RoutePath = { kind: 'unreachable' } | { kind: 'libipsec'; dev: string; src: string } | { kind: 'xfrm'; via: string; dev: string; src: string };

export interface TunnelRoutes {
  apply(desired: { prefixes: readonly string[]; path: RoutePath } | null): Promise<void>;
}

export interface TunnelTimings {
  /** Interval of the probe's echoes through the tunnel, and of the counter readings while traffic flows. */
  flowIntervalMs: number;
  /** A probe through the tunnel (a fresh SA, the WAN back, the heartbeat) unanswered this long: stalled. */
  stallAfterMs: number;
  /** Total packets per second of the light WAN probe, spread over the gateways. */
  wanProbesPerSecond: number;
  /** A WAN probe answer younger than this counts as "the WAN is up". */
  wanFreshMs: number;
  initiateTimeoutMs: number;
  /** Safety-net pass, besides the event-driven ones. */
  reconcileEveryMs: number;
}

export const DEFAULT_TIMINGS: TunnelTimings = {
  flowIntervalMs: 50,
  stallAfterMs: 250,
  wanProbesPerSecond: 5,
  wanFreshMs: 1_500,
  initiateTimeoutMs: 3_000,
  reconcileEveryMs: 2_000,
};

export interface TunnelDeps {
  vici: TunnelVici;
  routes: TunnelRoutes;
  /** How TI prefixes reach the tunnel while a CHILD_SA is installed (kernel back end). */
  tunnelPath: (profile: TunnelProfile) => RoutePath | Promise<RoutePath>;
  startProcess: StartProcess;
  /** TCP knocks at the management endpoint (knockProbe.ts); without it only the gateways are WAN evidence. */
  knock?: Knock;
  history: TunnelHistory;
  /** Where the tunnel's warnings go (tunnelWarnings.ts): no profile, switched off, down, WAN down. */
  health: Pick<Health, 'raise' | 'clear'>;
  log: Logger;
  timings?: Partial<TunnelTimings>;
  /** Keeps the tunnel that passes traffic for the next start (resumeState.ts); none in tests that do not care. */
  resume?: { save(state: ResumeState): Promise<void>; clear(): Promise<void> };
  /** Whether the box's clock is synchronised, checked afresh (undefined: unknown); names a failed certificate check. */
  clockSynchronised?: () => Promise<boolean | undefined>;
  /** Whether the operator left the tunnel enabled (a stored setting), asked at start. */
  enabledAtStart?: () => boolean;
  now?: () => Date;
  random?: () => number;
}

