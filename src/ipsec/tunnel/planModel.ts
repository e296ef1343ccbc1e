// What the tunnel's planner (plan.ts) decides on and what it decides: the state it keeps between
// passes, what the controller sees at each step of a pass, and the actions the controller then
// takes in order. Plain readonly data: no handles, no clock, no I/O.
import type { Pacing } from './attemptPacing.ts';
import type { FailureReason } from './failure.ts';
import type { Evidence, Flow } from './liveness.ts';
import type { RoutePath } from './ports.ts';
import type { TunnelSa } from './sas.ts';
import type { TunnelEvent, TunnelState } from './status.ts';
import type { TunnelProfile } from './tunnelProfile.ts';
import type { TunnelWords } from './tunnelWarnings.ts';

/** The state the status shows, and since when (ISO time). */
export interface Shown {
  readonly state: TunnelState;
  readonly since: string;
  readonly gateway?: string;
}

export interface TunnelPlanState {
  /** Our SAs as the last listing showed them, without any of a gateway the profile does not name. */
  readonly sas: readonly TunnelSa[];
  readonly shown: Shown;
  readonly pacing: Pacing;
  /** The gateway of the next plain attempt (index into the profile's gateways). */
  readonly nextGateway: number;
  /** The gateway of the last repair since the tunnel last carried traffic: repairs go round. */
  readonly lastRepair?: number;
  /**
   * The SA made by the last successful attempt has neither carried an echo nor counted as a
   * failed attempt yet: each attempt counts at most once, however many passes see it stalled.
   */
  readonly attemptUnjudged: boolean;
  /**
   * The next pass builds a fresh tunnel first, then deletes the old one: to the preferred gateway
   * for a new profile, to the next one for `tunnel restart`.
   */
  readonly replace?: 'profile' | 'restart';
  /**
   * Our IKE_SAs (ids) built from a profile since replaced: they carry until a tunnel of the new
   * profile does, but are never that tunnel. Ids charon no longer lists are dropped.
   */
  readonly outdated?: readonly number[];
  /**
   * The last echo before a restart rebuilt the tunnel on the gateway that held it, which replaces
   * the old SA itself: the up event that follows says how long no echo came (ms since the epoch).
   */
  readonly gapFrom?: number;
  /** Whether the VICI session has been connected since start. */
  readonly everConnected: boolean;
}

/** One initiate to one gateway, as planned; the controller hands it back with the outcome. */
export interface Attempt {
  readonly gatewayIndex: number;
  /** Why, for the history; none for a plain connect. */
  readonly because?: string;
  /** The SA that carries while a rebuild tries: it stays if the attempt fails. */
  readonly keeps?: TunnelSa;
  readonly startedAt: number;
  /** Our IKE_SAs (ids) before the attempt: the ones a new SA replaces. */
  readonly before: readonly number[];
  /** The state before the attempt: a failed rebuild shows it again. */
  readonly previous: TunnelState;
  /** A restart on the gateway that holds the tunnel: the up event says how long no echo came. */
  readonly measuresGap: boolean;
}

/** What every step sees: the clock, and a number in [0, 1) to spread waits. */
interface Seen {
  readonly now: number;
  readonly jitter: number;
}

/** The steps after the first see the profile the pass began with: a pass without one ends at its first step. */
interface SeenWithProfile extends Seen {
  readonly profile: TunnelProfile;
}

/** The liveness watch: whether it runs, its verdict, its last inbound evidence, and a long outage behind the SA. */
export interface FlowSeen {
  readonly watching: boolean;
  readonly verdict: Flow;
  /** The last packet out of the tunnel or echo of the probe: ms since the epoch, 0 before any. */
  readonly lastEchoAt: number;
  /** The SA under watch carried nothing through an outage longer than a gateway's DPD survives. */
  readonly longOutage: boolean;
  /** What judged the verdict: the tunnel's own traffic, a probe, or the idle heartbeat. */
  readonly evidence?: Evidence;
}

/** The WAN probe: since when it runs (none: it does not), and whether it answered since the last echo. */
export interface WanSeen {
  readonly probingSince?: number;
  readonly upSinceLastEcho: boolean;
}

/**
 * What the controller sees, step by step through a pass: at its start (`pass`), after listing
 * charon's SAs (`sas`), after the routes were applied (`tunnel`), and after an initiate
 * (`established` or `refused`). Each step's plan names the next thing to look at.
 */
export type TunnelSeen =
  | (Seen & {
      readonly kind: 'pass';
      readonly profile: TunnelProfile | undefined;
      readonly viciConnected: boolean;
      /** charon holds this profile's credentials and connections. */
      readonly loaded: boolean;
      /** Uninstall or factory reset asked to tear down. */
      readonly teardown: boolean;
    })
  | (SeenWithProfile & { readonly kind: 'sas'; readonly sas: readonly TunnelSa[]; readonly enabled: boolean })
  | (SeenWithProfile & {
      readonly kind: 'tunnel';
      /** The way the routes lead into the tunnel, as applied; none when they were set unreachable. */
      readonly path?: RoutePath;
      /** When the controller started (ms since the epoch). */
      readonly startedAt: number;
      readonly flow: FlowSeen;
      readonly wan: WanSeen;
    })
  | (SeenWithProfile & { readonly kind: 'established'; readonly attempt: Attempt; readonly sas: readonly TunnelSa[]; readonly lastEchoAt: number })
  | (SeenWithProfile & {
      readonly kind: 'refused';
      readonly attempt: Attempt;
      readonly reason: FailureReason;
      /** charon's error message. */
      readonly message: string;
      readonly sas: readonly TunnelSa[];
      /** Whether anything beyond the practice router answered lately. */
      readonly wanUp: boolean;
    });

export type TunnelAction =
  /** Stops and starts the probes; `reset-flow`: a fresh SA is undecided until its first echo. */
  | { readonly kind: 'run-flow' | 'stop-flow' | 'reset-flow' | 'run-wan' | 'stop-wan' }
  /** An IKE reply is WAN evidence too. */
  | { readonly kind: 'note-wan-up' }
  /** The long outage behind the SA is dealt with. */
  | { readonly kind: 'end-long-outage' }
  /** Uninstall: routes unreachable, our SAs and charon's configuration gone, our routes last. */
  | { readonly kind: 'tear-down' }
  /** The profile's credentials and connections into charon. */
  | { readonly kind: 'load' }
  /** The TI prefixes into the tunnel (the path the kernel back end gives) or unreachable. */
  | { readonly kind: 'route'; readonly to: 'tunnel' | 'unreachable' }
  | { readonly kind: 'terminate'; readonly sas: readonly TunnelSa[] }
  /** The tunnel that carries, kept for the next start; or forgotten. */
  | { readonly kind: 'remember'; readonly gatewayIndex: number; readonly path: RoutePath }
  | { readonly kind: 'forget' }
  /** A pass again after this long. */
  | { readonly kind: 'schedule'; readonly inMs: number }
  /** Another pass right after this one. */
  | { readonly kind: 'again' }
  /** The state for the health list, at every decision on it (the error may be new). */
  | { readonly kind: 'health'; readonly state: TunnelState; readonly words: TunnelWords }
  /** A change of state: history and log. */
  | { readonly kind: 'record'; readonly event: TunnelEvent }
  | { readonly kind: 'log'; readonly level: 'info' | 'warn'; readonly message: string; readonly fields: Readonly<Record<string, unknown>> };

/** What the controller looks at after the actions and hands back: charon's SAs, the tunnel, or an initiate's outcome. */
export type TunnelNext = { readonly look: 'sas' } | { readonly look: 'tunnel' } | { readonly look: 'initiate'; readonly attempt: Attempt };

export interface TunnelPlan {
  readonly state: TunnelPlanState;
  readonly actions: readonly TunnelAction[];
  /** None: the pass is over. */
  readonly next?: TunnelNext;
}
