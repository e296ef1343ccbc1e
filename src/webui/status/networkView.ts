// What the network page reads of the agent (config.get, config.pending, network.routes), declared
// here because the web UI imports only core and the control client, and the pure decisions about
// it: the config change a form asks for, and where a pending change must be confirmed from.

/** The network settings of the agent's config (groups `wan` and `interfaces`). */
export interface NetworkSettings {
  wan: { mode: 'dhcp' | 'static'; address: string; gateway: string; resolvers: readonly string[] };
  interfaces: { lan: string; wan: string; lanFallback: string; terminals: readonly string[] };
}

/** The network change awaiting confirmation, as `config.pending` answers. */
export interface PendingView {
  revision: number;
  actor: string;
  startedAt: string;
  deadline: string;
  paths: readonly string[];
  remainingS: number;
}

/** A route as `network.routes` answers (src/agent/network/routeTable.ts). */
export interface RouteView {
  table: string;
  destination: string;
  type: string;
  via?: string;
  dev?: string;
  src?: string;
  proto?: string;
  metric?: number;
}

/** What a form or an API request asks to change; fields left out stay as they are. */
export interface NetworkRequest {
  wan?: Partial<NetworkSettings['wan']>;
  lanFallback?: string;
  terminals?: readonly string[];
}

/** The agent's config change for a request. */
export function networkChange(request: NetworkRequest): { wan?: Partial<NetworkSettings['wan']>; interfaces?: Partial<NetworkSettings['interfaces']> } {
  const interfaces = {
    ...(request.lanFallback !== undefined ? { lanFallback: request.lanFallback } : {}),
    ...(request.terminals !== undefined ? { terminals: request.terminals } : {}),
  };
  return { ...(request.wan && Object.keys(request.wan).length > 0 ? { wan: request.wan } : {}), ...(Object.keys(interfaces).length > 0 ? { interfaces } : {}) };
}

/**
 * Where the pending change should be confirmed from: the box's new fixed address when the change
 * moved it and the page was asked for at another host (the old address goes with the change; a
 * confirmation from the new one shows the box is reachable there). Undefined otherwise.
 */
export function confirmElsewhere(pending: Pick<PendingView, 'paths'>, settings: Pick<NetworkSettings, 'interfaces'>, host: string): string | undefined {
  if (!pending.paths.includes('interfaces.lanFallback')) return undefined;
  const address = settings.interfaces.lanFallback.split('/')[0] ?? '';
  return address !== '' && address !== host ? address : undefined;
}

/** The part of the agent's status that names each subsystem's state (GET /v1/status). */
export interface SubsystemsView {
  subsystems?: readonly { name: string; state: string; detail?: string }[];
}

/** The WAN subsystem's line (`wan0 dhcp 192.168.178.2/24 via 192.168.178.1 …`), or its state when it has none. */
export function wanStateOf(status: SubsystemsView | undefined): string | undefined {
  const wan = status?.subsystems?.find((s) => s.name === 'wan');
  return wan ? (wan.detail ?? wan.state) : undefined;
}
