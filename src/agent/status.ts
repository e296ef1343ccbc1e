// What `tibox status`, the control API, the web UI and remote management report about the agent.
// Later subsystems add their own sections (tunnel, firewall, LAN, updates) to this type.
import type { HealthWarning } from './health.ts';
import type { SubsystemStatus } from './subsystem.ts';
import type { TunnelStatus } from '../ipsec/tunnel/index.ts';

export interface AgentStatus {
  version: string;
  /** ISO time the agent started. */
  startedAt: string;
  uptimeS: number;
  subsystems: SubsystemStatus[];
  health: HealthWarning[];
  tunnel: TunnelStatus;
}
