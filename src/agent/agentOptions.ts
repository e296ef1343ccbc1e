// What the agent is built from: run.ts fills it from the command line; tests hand fakes for the
// kernel and the processes.
import type { Resolver } from 'node:dns/promises';
import type { Logger, Runner, startProcess } from '../core/index.ts';
import type { RouteKernel } from '../firewall/index.ts';
import type { LinkMtus } from '../ipsec/index.ts';
import type { LanKernel } from '../lan/index.ts';
import type { NeighbourSource } from '../lan/inventory/index.ts';
import type { WanKernel } from '../wan/index.ts';

export interface AgentOptions {
  version: string;
  /** The data partition's directory for the database and state files. */
  dataDir: string;
  socketPath: string;
  /** The web UI's own control socket; beside socketPath when absent. */
  webuiSocketPath?: string;
  /** The user the web UI runs as, who alone (besides root) may open its socket; DEFAULT_WEBUI_USER when absent. */
  webuiUser?: string;
  /** charon's VICI socket. */
  charonVici: string;
  /** The pinned profile-signing key (PEM). */
  profileTrustAnchor: string;
  /** chronyd's command socket; chronyc's default when absent. */
  chronySocket?: string;
  /** The root logger: its level follows the config's `log.level`. */
  log: Logger;
  runner: Runner;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** group(5) file for the control socket's group; the system's when absent. */
  groupFile?: string;
  /** The web UI's device certificate, for its fingerprint in the status; DEFAULT_WEBUI_CERTIFICATE when absent. */
  webuiCertificate?: string;
  /** passwd(5) file for the web UI's user; the system's when absent. */
  passwdFile?: string;
  /** The kernel's routing as the routes module sees it; rtnetlink when absent (tests pass a fake). */
  routeKernel?: RouteKernel;
  /** The agent's own name lookups (gateways, the management endpoint), asking the WAN's name servers; node's when absent (tests pass a fake). */
  resolver?: Pick<Resolver, 'setServers' | 'getServers' | 'resolveSrv' | 'resolve4' | 'resolve6'>;
  /** Runtime files (dnsmasq's); /run/tibox when absent. Must be traversable by dnsmasq's user. */
  runDir?: string;
  /** The kernel's links and addresses as the LAN subsystem sees them; rtnetlink when absent (tests pass a fake). */
  lanKernel?: LanKernel;
  /** The links' MTUs as the path MTU watch sees them (the WAN port, libipsec's device); rtnetlink when absent (tests pass a fake). */
  linkMtus?: LinkMtus;
  /** The WAN port as the WAN subsystem sees it; rtnetlink when absent (tests pass a fake). */
  wanKernel?: WanKernel;
  /** The kernel's neighbours as the device inventory sees them; rtnetlink when absent (tests pass a fake). */
  neighbours?: NeighbourSource;
  /** RAUC on the box: downloaded updates are installed, and a new system is judged after its boot. None on a development machine. */
  systemUpdates?: SystemUpdateOptions;
  /** Starts the long-running children (nft monitor, probes); runner.ts's when absent (tests pass a fake). */
  startProcess?: typeof startProcess;
}

export interface SystemUpdateOptions {
  /** The command that reboots the box (argument array); `systemctl reboot` when absent. */
  rebootCommand?: readonly string[];
  /** The health commit's bound; 5 minutes when absent. */
  commitDeadlineMs?: number;
}
