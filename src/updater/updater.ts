// The updater subsystem: runs the DDI client for the management identity the VPN profile brings
// (format version 2), and none without one. apply() takes the desired state as plain data and
// may be called many times with the same input; a new identity or endpoint replaces the client.
// `update.status` tells the CLI (and later the web UI) where management stands.
import { join } from 'node:path';
import { SerialQueue, StateTracker, type ControlActions, type Logger, type Subsystem, type SubsystemStatus } from '../core/index.ts';
import { DdiClient, DdiConnection, controllerBaseUrl, type DdiStatus } from './ddi/index.ts';

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
  | ({ configured: true; controllerId: string } & DdiStatus);

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

  constructor(deps: UpdaterDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
  }

  async start(): Promise<void> {
    this.started = true;
    await this.converge();
  }

  async stop(): Promise<void> {
    this.started = false;
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
    const connection = new DdiConnection({ tls: { cert: wanted.certificate, key: wanted.privateKey, ca: wanted.caCertificates.join('\n') } });
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

  /** The way to the management server may have opened (the tunnel is up): retry a poll that never got there. */
  kick(): void {
    this.running?.client.kick();
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  updateStatus(): UpdateStatus {
    const running = this.running;
    if (!running) return { configured: false, reason: NOT_CONFIGURED };
    return { configured: true, controllerId: running.controllerId, ...running.client.status() };
  }

  registerActions(actions: ControlActions): void {
    actions.register('update.status', () => this.updateStatus());
  }
}
