// What the tunnel reports (tibox status, control API, web UI, remote management), its up/down
// history included (history.ts keeps that).
import type { FailureReason } from './failure.ts';
import type { Evidence } from './liveness.ts';
import type { TunnelSa } from './sas.ts';

export type TunnelState =
  | 'no-profile'
  | 'disabled'
  | 'charon-down'
  | 'connecting'
  | 'up'
  | 'wan-down'
  | 'backoff';

export interface TunnelEvent {
  at: string;
  state: TunnelState;
  gateway?: string;
  reason?: string;
  /** What judged the tunnel up or stalled: its own traffic, a probe, or the idle heartbeat. */
  evidence?: Evidence;
}

export interface TunnelStatus {
  state: TunnelState;
  since: string;
  /** The gateway carrying the tunnel. */
  gateway?: string;
  traffic: { bytesIn: number; bytesOut: number; packetsIn: number; packetsOut: number };
  /** While a tunnel carries: what judged it last, and when (ISO time). */
  evidence?: { kind: Evidence; at: string };
  lastError?: { reason: FailureReason; at: string; detail?: string };
  /** While backing off: when the next attempt is due. */
  nextAttemptAt?: string;
  /** Newest first. */
  history: TunnelEvent[];
}

/** The status from the controller's facts: the carrier's gateway and counters, or zeros. */
export function statusOf(facts: {
  state: TunnelState;
  since: string;
  carrier: TunnelSa | undefined;
  lastError: TunnelStatus['lastError'];
  nextAttemptAt: string | undefined;
  evidence: { kind: Evidence; at: number } | undefined;
  history: TunnelEvent[];
}): TunnelStatus {
  const child = facts.carrier?.child;
  return {
    state: facts.state,
    since: facts.since,
    ...(facts.carrier ? { gateway: facts.carrier.remoteHost } : {}),
    traffic: { bytesIn: child?.bytesIn ?? 0, bytesOut: child?.bytesOut ?? 0, packetsIn: child?.packetsIn ?? 0, packetsOut: child?.packetsOut ?? 0 },
    ...(facts.carrier && facts.evidence ? { evidence: { kind: facts.evidence.kind, at: new Date(facts.evidence.at).toISOString() } } : {}),
    ...(facts.lastError ? { lastError: facts.lastError } : {}),
    ...(facts.nextAttemptAt ? { nextAttemptAt: facts.nextAttemptAt } : {}),
    history: facts.history,
  };
}

export interface TunnelHistory {
  /** Never throws: the controller records inside its pass, which a history that cannot be written must not stop. */
  record(event: TunnelEvent): void;
  recent(limit: number): TunnelEvent[];
}
