// What the system page reads of the agent (its status, update.status, system.listening,
// firewall.print), declared here because the web UI imports only core and the control client.

/** The part of the agent's status the system page shows: the firmware's version and the firewall's state. */
export interface SystemStatusView {
  version?: string;
  /** The factory reset is confirmed with the serial number. */
  provisioning?: { state: string; serial?: string };
  subsystems?: readonly { name: string; state: string; since?: string; detail?: string }[];
}

/** The A/B system as `update.status` reports it; absent where the agent runs on no box of its own. */
export interface SlotsView {
  system?: {
    booted?: string;
    slots: readonly { name: string; bootname?: string; state: string; bootStatus?: string; version?: string }[];
    error?: string;
  };
}

/** A listening service as `system.listening` answers (src/agent/system/listeningSockets.ts). */
/** A kept installation protocol, as the agent's protocol.list names it. */
export interface ProtocolEntryView {
  id: number;
  createdAt: string;
  practice: string;
  verdict: 'pass' | 'warn' | 'fail' | 'none';
}

export interface ListeningView {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  programs: readonly string[];
  localOnly: boolean;
}

/** The firewall subsystem's state, since when and why, as the status names it. */
export function firewallOf(status: SystemStatusView | undefined): { state: string; since?: string; detail?: string } | undefined {
  const firewall = status?.subsystems?.find((s) => s.name === 'firewall');
  return firewall && { state: firewall.state, ...(firewall.since ? { since: firewall.since } : {}), ...(firewall.detail ? { detail: firewall.detail } : {}) };
}

/** What restoring a backup would change, as `backup.inspect` answers (src/agent/backup/restorePreview.ts). */
export interface BackupPreviewView {
  createdAt: string;
  box: { serial: string; name: string };
  otherBox?: { backup: { serial: string; name: string }; thisBox: { serial: string; name: string } };
  changes: readonly { path: string; now: unknown; restored: unknown }[];
  devices: { added: readonly string[]; removed: readonly string[]; changed: readonly string[] };
}
