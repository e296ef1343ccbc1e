// The part of the agent's status (GET /v1/status) the web UI reads, declared here because the web
// UI imports only core and the control client; a unit test checks that the agent's AgentStatus
// fits it.
import type { HealthWarning } from '../../core/health.ts';

export type TunnelStateView = 'no-profile' | 'disabled' | 'charon-down' | 'connecting' | 'up' | 'wan-down' | 'backoff';

export interface AgentView {
  tunnel: { state: TunnelStateView; since: string; lastError?: { reason: string; at: string } };
  health: readonly Pick<HealthWarning, 'code' | 'since'>[];
  /** The box's own addresses on the LAN side (practice LAN and TI segment), without lengths. */
  lanAddresses: readonly string[];
}

/** What the overview reads besides the chain: the tunnel's gateway, traffic and last failure, the warnings' text. */
export interface OverviewStatus extends AgentView {
  tunnel: AgentView['tunnel'] & {
    gateway?: string;
    traffic: { bytesIn: number; bytesOut: number; packetsIn: number; packetsOut: number };
    lastError?: { reason: string; at: string; detail?: string };
    /** Newest first. */
    history: readonly TunnelEventView[];
  };
  health: readonly Pick<HealthWarning, 'code' | 'since' | 'severity' | 'text' | 'detail' | 'impactsTi'>[];
}

/** An entry of the tunnel's history. */
export interface TunnelEventView {
  at: string;
  state: TunnelStateView;
  gateway?: string;
  reason?: string;
}
