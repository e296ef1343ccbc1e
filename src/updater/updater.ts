// The updater subsystem: runs the DDI client for the management identity the VPN profile brings
// (format version 2), and none without one. apply() takes the desired state as plain data and
// may be called many times with the same input; a new identity or endpoint replaces the client,
// once an install under way has sent its last feedback (a renewed profile brings a new identity
// in the middle of its own deployment). A downloaded deployment goes to the deployer, which
// hands each module to the installer of its type: the profile renewal's, and with system updates
// (RAUC on the box) RAUC's. With system updates, at start the health commit judges a freshly
// booted slot; its outcome goes to the server as soon as a client runs, and only then is
// forgotten. It follows the tunnel and the server's internet address to choose the way to the
// server (managementWay.ts), and moves the client's connection when the way changes.
// `update.status` tells the CLI (and later the web UI) where management and the system's slots stand.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialQueue, StateTracker, type ControlActions, type Logger, type Subsystem, type SubsystemStatus } from '../core/index.ts';
import { DdiClient, DdiConnection, controllerBaseUrl, type DdiStatus } from './ddi/index.ts';
import { Deployer, OutcomeFile, raucInstaller, type ModuleInstaller, type Reboot, type UpdateOutcome } from './deploy/index.ts';
import { HealthCommit, INSTALLED_THIS_BOOT_FILE, type CheckResults, type PendingBoot } from './health/index.ts';
import { chooseManagementWay, sameWay, type InternetEndpoint, type ManagementWay } from './managementWay.ts';
import { bootedSlot, type RaucDriver } from './rauc/index.ts';
import type { UpdateTimes } from './schedule/index.ts';

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

/** What installs system updates: RAUC, the reboot, and the checks of the health commit. */
export interface SystemUpdates {
  rauc: RaucDriver;
  reboot: Reboot;
  /** One round of the health commit's checks: the agent, the WAN, the tunnel by an active probe. */
  checks: (signal: AbortSignal) => Promise<CheckResults>;
  /** The agent's own version, for a booted slot RAUC installed nothing into (the factory's). */
  runningVersion: string;
  commitDeadlineMs?: number;
  commitIntervalMs?: number;
}

export interface UpdaterDeps {
  dataDir: string;
  /** Runtime files, which no reboot keeps (a tmpfs): /run/tibox on the box. */
  runDir: string;
  /** The box's attributes for the server (configData). */
  attributes: () => ReadonlyMap<string, string>;
  log: Logger;
  now?: () => Date;
  /** The `updates.*` config group as it is now: when a downloaded deployment may be installed. */
  times?: () => UpdateTimes;
  /** Installers of software modules beside RAUC's: the profile renewal's. */
  installers?: readonly ModuleInstaller[];
  /** RAUC, the reboot and the health commit; without them (a development machine) `os` modules are refused. */
  system?: SystemUpdates;
}

/** The system's slots as RAUC sees them, and the last update's outcome. */
export interface SystemStatus {
  booted: string | undefined;
  slots: { name: string; bootname: string | undefined; state: string; bootStatus: string | undefined; version: string | undefined }[];
  /** Why RAUC could not be read. */
  error: string | undefined;
  /** An update booted and not yet judged or reported. */
  pending: PendingBoot | undefined;
  lastOutcome: UpdateOutcome | undefined;
}

/** What `tibox update status` shows. */
export type UpdateStatus = (
  | { configured: false; reason: string }
  | ({ configured: true; controllerId: string; way: ManagementWay } & DdiStatus)
) & { system?: SystemStatus };

/** How long a report the server did not take waits before it is tried again. */
const REPORT_RETRY_MS = 30_000;

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
  private readonly system: { deps: SystemUpdates; commit: HealthCommit } | undefined;
  /** Takes downloaded deployments on; without any installer (unit tests) they stay downloaded. */
  private readonly deployer: Deployer | undefined;
  private readonly outcomes: OutcomeFile;
  /** The action rebooted into, until its outcome has reached the server. */
  private held: string | undefined;
  /** The outcome of the health commit, until the server has it. */
  private due: UpdateOutcome | undefined;
  private readonly reporting = new SerialQueue();
  private retry: NodeJS.Timeout | undefined;
  private lifetime: AbortController | undefined;
  private afterBoot: Promise<void> | undefined;
  /** The booted slot and its version as last read, for configData. */
  private runningOs: { slot: string; version: string | undefined } | undefined;
  /** Until the tunnel says otherwise: down since the start. */
  private tunnel = { up: false, sinceMs: 0 };
  private internet: InternetEndpoint | undefined;
  private way: ManagementWay = { kind: 'tunnel' };
  /** When the way would change by itself (the tunnel down long enough). */
  private recheck: NodeJS.Timeout | undefined;

  constructor(deps: UpdaterDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
    const system = deps.system;
    const stateDir = join(deps.dataDir, 'state');
    this.outcomes = new OutcomeFile(join(stateDir, 'update-outcome.json'));
    const installers = [...(deps.installers ?? [])];
    if (system) {
      const commit = new HealthCommit({
        rauc: system.rauc,
        pendingFile: join(stateDir, 'update-pending-boot.json'),
        installedFile: join(deps.runDir, INSTALLED_THIS_BOOT_FILE),
        checks: system.checks,
        reboot: () => system.reboot.reboot('the new system failed its health check'),
        ...(system.commitDeadlineMs !== undefined ? { deadlineMs: system.commitDeadlineMs } : {}),
        ...(system.commitIntervalMs !== undefined ? { intervalMs: system.commitIntervalMs } : {}),
      });
      installers.push(raucInstaller({ rauc: system.rauc, prepareBoot: (pending, forced) => commit.prepare(pending, forced), runningVersion: system.runningVersion }));
      this.system = { deps: system, commit };
    }
    if (installers.length > 0) {
      if (!deps.times) throw new Error('installing deployments needs the updates.* times');
      this.deployer = new Deployer({
        installers,
        times: deps.times,
        ...(system ? { reboot: system.reboot } : {}),
        recordOutcome: (outcome) => this.outcomes.write(outcome),
        log: deps.log,
        ...(deps.now ? { now: deps.now } : {}),
      });
    }
  }

  async start(): Promise<void> {
    this.started = true;
    this.lifetime = new AbortController();
    if (this.system) {
      // Known before the first poll: the server still lists the action until it has the outcome.
      // A file that cannot be read must not keep the agent (and the tunnel) from starting.
      try {
        this.held = (await this.system.commit.pendingBoot())?.actionId;
      } catch (error) {
        this.deps.log.error({ err: error }, 'the pending boot could not be read');
      }
      const signal = this.lifetime.signal;
      this.afterBoot = this.judgeBoot(this.system, signal).catch((error: unknown) => {
        if (!signal.aborted) this.deps.log.error({ err: error }, 'the health commit after the update failed');
      });
    }
    this.tunnel = { up: this.tunnel.up, sinceMs: this.nowMs() };
    this.reroute();
    await this.converge();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.lifetime?.abort(new Error('the updater stops'));
    clearTimeout(this.retry);
    await this.afterBoot;
    clearTimeout(this.recheck);
    await this.converge();
    await this.reporting.run(() => Promise.resolve());
    this.state.set('stopped');
  }

  /**
   * The health commit of a freshly booted slot (a bad one reboots back, and the old slot reports
   * it after that boot), then its report. Runs beside the start: the checks need the tunnel.
   */
  private async judgeBoot(system: NonNullable<Updater['system']>, signal: AbortSignal): Promise<void> {
    const outcome = await system.commit.run(signal);
    if (outcome.kind === 'none' || outcome.kind === 'bad') return;
    if (outcome.kind === 'notRebooted') {
      // The action stays held: its outcome comes after the reboot, as it would have.
      this.deps.log.info({ action: outcome.pending.actionId, slot: outcome.pending.slot }, 'the update was installed in this boot and awaits its reboot');
      await this.deployer?.rebootAgain(outcome.pending.version, outcome.forced, signal);
      return;
    }
    const { pending } = outcome;
    const due: UpdateOutcome = outcome.kind === 'good'
      ? { actionId: pending.actionId, result: 'success', version: pending.version, details: [`version ${pending.version} runs in slot ${pending.slot}, passed its health check and is marked good`], at: this.now().toISOString() }
      : { actionId: pending.actionId, result: 'failure', version: pending.version, details: [outcome.reason], at: this.now().toISOString() };
    this.deps.log.info({ ...due }, 'update outcome after the reboot');
    await this.outcomes.write(due);
    this.due = due;
    await this.report();
  }

  /** Sends the outcome due after a reboot, once a client runs; forgets it only once the server has it. */
  private report(): Promise<void> {
    return this.reporting.run(async () => {
      const due = this.due;
      const client = this.running?.client;
      if (!due || !this.system || !this.started) return;
      if (due.actionId !== undefined && !client) return;
      // Retries inside a report wait up to a minute: stop() must not wait them out.
      const signal = this.lifetime?.signal ?? AbortSignal.abort();
      try {
        if (client && due.actionId !== undefined) {
          // The new version first, so the server shows it with the outcome.
          await this.readRunningOs();
          await client.sendAttributes(signal);
          await client.reportAction(due.actionId, { execution: 'closed', finished: due.result, details: due.details }, signal);
          await rm(join(this.deps.dataDir, 'updates', due.actionId), { recursive: true, force: true });
        }
        await this.system.commit.acknowledge();
        this.due = undefined;
        this.held = undefined;
      } catch (error) {
        if (signal.aborted) return;
        this.deps.log.warn({ err: error, action: due.actionId }, 'the update outcome did not reach the server; tried again later');
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.reportSoon(), REPORT_RETRY_MS);
        this.retry.unref();
      }
    });
  }

  /** report() from a timer or an event: it handles its own errors, this only logs what escapes. */
  private reportSoon(): void {
    this.report().catch((error: unknown) => this.deps.log.error({ err: error }, 'the update outcome could not be reported'));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async readRunningOs(): Promise<void> {
    if (!this.system) return;
    try {
      const status = await this.system.deps.rauc.status();
      this.runningOs = { slot: status.booted, version: bootedSlot(status)?.version ?? this.system.deps.runningVersion };
    } catch (error) {
      this.deps.log.warn({ err: error }, 'RAUC could not be read for the attributes');
    }
  }

  /** The box's attributes, with the running system's slot and version where RAUC runs. */
  private attributes(): ReadonlyMap<string, string> {
    const attributes = new Map(this.deps.attributes());
    if (this.runningOs) {
      attributes.set('os.slot', this.runningOs.slot);
      attributes.set('os.version', this.runningOs.version ?? '');
    }
    return attributes;
  }

  async systemStatus(): Promise<SystemStatus | undefined> {
    const system = this.system;
    if (!system) return undefined;
    const [pending, lastOutcome] = await Promise.all([system.commit.pendingBoot(), this.outcomes.read()]);
    try {
      const status = await system.deps.rauc.status();
      const slots = status.slots.map(({ name, bootname, state, bootStatus, version }) => ({ name, bootname, state, bootStatus, version }));
      return { booted: status.booted, slots, error: undefined, pending, lastOutcome };
    } catch (error) {
      return { booted: undefined, slots: [], error: error instanceof Error ? error.message : String(error), pending, lastOutcome };
    }
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
    // The new identity may be the work of the deployment in hand: its client sends its last word first.
    if (old && wanted) await this.deployer?.installsDone();
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
      attributes: () => this.attributes(),
      log: this.deps.log,
      ...(this.deployer ? { deployments: this.deployer.handle } : {}),
      ...(this.system ? { heldAction: () => this.held } : {}),
    });
    this.running = { key, client, connection, controllerId: wanted.controllerId };
    await this.readRunningOs();
    client.start();
    this.state.set('running', `polling ${wanted.url} as ${wanted.controllerId}`);
    this.reportSoon();
  }

  /**
   * The tunnel's state as its events tell it. Up, the way to the server may have opened: a poll
   * that never got there is retried at once (also on an up that names another gateway).
   */
  followTunnel(up: boolean): void {
    if (up !== this.tunnel.up) this.tunnel = { up, sinceMs: this.nowMs() };
    this.reroute();
    if (!up) return;
    this.running?.client.kick();
    this.reportSoon();
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
    actions.register('update.status', async (): Promise<UpdateStatus> => {
      const system = await this.systemStatus();
      return { ...this.updateStatus(), ...(system ? { system } : {}) };
    });
  }
}

/** The tunnel's way connects as the system resolves the URL's name; the internet's to the address found for it there. */
function addressOf(way: ManagementWay): string | undefined {
  return way.kind === 'internet' ? way.address : undefined;
}
