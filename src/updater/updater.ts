// The updater subsystem: runs the DDI client for the management identity the VPN profile brings
// (format version 2), and none without one. apply() takes the desired state as plain data and
// may be called many times with the same input; a new identity or endpoint replaces the client.
// It follows the tunnel and the server's internet address to choose the way to the server
// (managementWay.ts), and moves the client's connection when the way changes.
// `update.status` tells the CLI (and later the web UI) where management stands.
import { join } from 'node:path';
import { SerialQueue, StateTracker, type ControlActions, type Logger, type Subsystem, type SubsystemStatus } from '../core/index.ts';
import { DdiClient, DdiConnection, controllerBaseUrl, type DdiStatus } from './ddi/index.ts';
import { chooseManagementWay, sameWay, type InternetEndpoint, type ManagementWay } from './managementWay.ts';

/** hawkBit's default tenant; the management URL names the server, the tenant is fixed for the fleet. */
export const DDI_TENANT = 'DEFAULT';

export interface RemoteManagement {
  /** The management server (the profile's management.url). */
  readonly url: string;
  /** PEM: the client certificate (its CN is the controller id, as hawkBit's reverse proxy maps it) and key. */
  readonly certificate: string;
  readonly privateKey: string;
  /** The CN of `certificate`. */
  readonly controllerId: string;
  /** PEM CAs the management server's certificate is checked against, alone. */
  readonly caCertificates: readonly string[];
}

export interface UpdaterDeps {
  dataDir: string;
  /** The box's attributes for the server (configData). */
  attributes: () => ReadonlyMap<string, string>;
  log: Logger;
  now?: () => Date;
}

/** What `tibox update status` shows. */
export type UpdateStatus =
  | { configured: false; reason: string }
  | ({ configured: true; controllerId: string; way: ManagementWay } & DdiStatus);

const NOT_CONFIGURED = 'the VPN profile carries no management identity (profile format version 2 brings one)';

export class Updater implements Subsystem<RemoteManagement> {
  readonly name = 'updater';
  private readonly deps: UpdaterDeps;
  private readonly state: StateTracker;
  private desired: RemoteManagement | null = null;
  private running: { key: string; client: DdiClient; connection: DdiConnection; controllerId: string } | undefined;
  private started = false;
  /** Converging runs one at a time: a client is stopped before the next one starts. */
  private readonly converging = new SerialQueue();
  /** Until the tunnel says otherwise: down since the start. */
  private tunnel = { up: false, sinceMs: 0 };
  private internet: InternetEndpoint | undefined;
  private way: ManagementWay = { kind: 'tunnel' };
  /** When the way would change by itself (the tunnel down long enough). */
  private recheck: NodeJS.Timeout | undefined;

  constructor(deps: UpdaterDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
  }

  async start(): Promise<void> {
    this.started = true;
    this.tunnel = { up: this.tunnel.up, sinceMs: this.nowMs() };
    this.reroute();
    await this.converge();
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.recheck);
    await this.converge();
    this.state.set('stopped');
  }

  async apply(desired: RemoteManagement | null): Promise<void> {
    this.desired = desired;
    await this.converge();
  }

  private converge(): Promise<void> {
    return this.converging.run(() => this.replaceClient());
  }

  private async replaceClient(): Promise<void> {
    const wanted = this.started ? this.desired : null;
    const key = wanted === null ? undefined : JSON.stringify(wanted);
    if (key === this.running?.key) {
      if (!wanted && this.started) this.state.set('running', NOT_CONFIGURED);
      return;
    }
    const old = this.running;
    this.running = undefined;
    if (old) {
      await old.client.stop();
      old.connection.close();
    }
    if (!wanted || key === undefined) {
      if (this.started) this.state.set('running', NOT_CONFIGURED);
      return;
    }
    // A new identity or endpoint comes with a new profile: its tunnel gets its chance first, its
    // time down counts from now (not from an agent start that had no profile to connect with).
    if (!this.tunnel.up) this.tunnel = { up: false, sinceMs: this.nowMs() };
    this.reroute();
    const connection = new DdiConnection({ tls: { cert: wanted.certificate, key: wanted.privateKey, ca: wanted.caCertificates.join('\n') }, address: addressOf(this.way) });
    const client = new DdiClient({
      connection,
      base: controllerBaseUrl(wanted.url, DDI_TENANT, wanted.controllerId),
      downloadDir: join(this.deps.dataDir, 'updates'),
      attributes: this.deps.attributes,
      log: this.deps.log,
    });
    this.running = { key, client, connection, controllerId: wanted.controllerId };
    client.start();
    this.state.set('running', `polling ${wanted.url} as ${wanted.controllerId}`);
  }

  /**
   * The tunnel's state as its events tell it. Up, the way to the server may have opened: a poll
   * that never got there is retried at once (also on an up that names another gateway).
   */
  followTunnel(up: boolean): void {
    if (up !== this.tunnel.up) this.tunnel = { up, sinceMs: this.nowMs() };
    this.reroute();
    if (up) this.running?.client.kick();
  }

  /** Where the management server answers on the internet (the profile's URL as the WAN's resolvers answer it), or undefined. */
  setInternetEndpoint(endpoint: InternetEndpoint | undefined): void {
    this.internet = endpoint;
    this.reroute();
  }

  private nowMs(): number {
    return (this.deps.now?.() ?? new Date()).getTime();
  }

  /** Takes the way chosen now; a new one moves the client's connection and retries a poll that never arrived. */
  private reroute(): void {
    clearTimeout(this.recheck);
    const choice = chooseManagementWay({ tunnel: this.tunnel, internet: this.internet, nowMs: this.nowMs() });
    if (choice.recheckInMs !== undefined && this.started) {
      this.recheck = setTimeout(() => this.reroute(), choice.recheckInMs);
      this.recheck.unref();
    }
    if (sameWay(choice.way, this.way)) return;
    this.way = choice.way;
    this.deps.log.info({ way: choice.way }, choice.way.kind === 'tunnel' ? 'remote management goes through the tunnel' : 'remote management goes over the internet while the tunnel is down');
    const running = this.running;
    if (!running) return;
    running.connection.connectTo(addressOf(choice.way));
    running.client.kick();
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  updateStatus(): UpdateStatus {
    const running = this.running;
    if (!running) return { configured: false, reason: NOT_CONFIGURED };
    return { configured: true, controllerId: running.controllerId, way: this.way, ...running.client.status() };
  }

  registerActions(actions: ControlActions): void {
    actions.register('update.status', () => this.updateStatus());
  }
}

/** The tunnel's way connects as the system resolves the URL's name; the internet's to the address found for it there. */
function addressOf(way: ManagementWay): string | undefined {
  return way.kind === 'internet' ? way.address : undefined;
}
