// What `tibox status`, the control API, the web UI and remote management report about the agent.
// Later subsystems add their own sections (tunnel, firewall, LAN, updates) to this type.
import type { HealthWarning, SubsystemStatus } from '../core/index.ts';
import type { PathMtuStatus, TunnelStatus } from '../ipsec/index.ts';
import type { ProvisioningSummary } from './provisioning/provisioningService.ts';
import type { PendingSummary } from './pending/pendingChange.ts';

export interface AgentStatus {
  version: string;
  /** ISO time the agent started. */
  startedAt: string;
  uptimeS: number;
  subsystems: SubsystemStatus[];
  /** The factory's data: the serial number, or why there is none. */
  provisioning: ProvisioningSummary;
  health: HealthWarning[];
  tunnel: TunnelStatus;
  /** The internet line's path MTU, the tunnel's MTU and TCP's MSS clamp. */
  mtu: PathMtuStatus;
  /** The network change awaiting confirmation; null when none. */
  pendingChange: PendingSummary | null;
  /** The box's own addresses on the LAN side (LAN port and terminal bridge), without lengths: where the web UI answers. */
  lanAddresses: string[];
  /** The web UI's device certificate: its SHA-256 fingerprint, null before the web UI has made one. */
  webui: { certificateSha256: string | null };
}
