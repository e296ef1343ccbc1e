// Watches for the WAN port plugged into the practice LAN and keeps the `lan.wanInLan` health
// warning in step: checks after link, address and route changes, and on a timer (neighbour
// tables and the ARP probe change without a notification it listens to). Only reads the kernel;
// the probe sends one ARP request out of the WAN port per check.
import type { Health } from '../agent/health.ts';
import type { Logger } from '../agent/log.ts';
import { StateTracker, type Subsystem, type SubsystemStatus } from '../agent/subsystem.ts';
import type { ArpProbe } from './arpProbe.ts';
import type { LanKernel } from './lanKernel.ts';
import { describeEvidence, detectWanInLan, type WanInLanInput } from './wanInLan.ts';

/** The ports to compare, from the config. */
export interface WanInLanDesired {
  readonly lan: string;
  readonly wan: string;
}

export interface WanInLanDeps {
  readonly kernel: Pick<LanKernel, 'read' | 'routes' | 'neighbours' | 'watch'>;
  /** Without it, only the passive evidence counts. */
  readonly probe?: ArpProbe;
  readonly health: Pick<Health, 'raise' | 'clear'>;
  readonly log: Logger;
  /** Default 30 s. */
  readonly intervalMs?: number;
  /** Default 500 ms: a cable plugged in brings a burst of events. */
  readonly settleMs?: number;
  readonly now?: () => Date;
}

export class WanInLanWatch implements Subsystem<WanInLanDesired> {
  readonly name = 'wan-in-lan';
  private readonly deps: WanInLanDeps;
  private readonly tracker: StateTracker;
  private desired: WanInLanDesired | null = null;
  private queue: Promise<void> = Promise.resolve();
  private running = false;
  private unwatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private detail = '';
  private probeError: string | undefined;

  constructor(deps: WanInLanDeps) {
    this.deps = deps;
    this.tracker = new StateTracker(this.name, deps.now);
  }

  /** Which ports to compare; null stops comparing and clears the warning. */
  apply(desired: WanInLanDesired | null): Promise<void> {
    this.desired = desired === null ? null : { ...desired };
    return this.serially(() => this.check());
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.running = true;
    this.unwatch = this.deps.kernel.watch(() => this.schedule());
    this.timer = setInterval(() => this.schedule(), this.deps.intervalMs ?? 30_000);
    this.timer.unref();
    this.tracker.set('running');
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unwatch?.();
    this.unwatch = undefined;
    clearInterval(this.timer);
    clearTimeout(this.settle);
    this.settle = undefined;
    await this.queue;
    this.tracker.set('stopped');
  }

  status(): SubsystemStatus {
    return this.tracker.get();
  }

  private schedule(): void {
    if (!this.running || this.settle) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      void this.serially(() => this.check());
    }, this.deps.settleMs ?? 500);
    this.settle.unref();
  }

  /** Checks never overlap; a failed check is logged and shown in status(), the next one tries again. */
  private serially(task: () => Promise<void>): Promise<void> {
    const result = this.queue.then(task).catch((error: unknown) => {
      this.deps.log.error({ err: error }, 'WAN-in-LAN check failed');
      if (this.running) this.tracker.set('degraded', `check failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.queue = result;
    return result;
  }

  private async check(): Promise<void> {
    const desired = this.desired;
    const { health, log } = this.deps;
    const evidence = desired ? detectWanInLan(await this.facts(desired)) : [];
    const detail = describeEvidence(evidence);
    if (detail !== this.detail && evidence.length > 0) log.warn({ evidence: evidence.map((e) => e.code) }, 'WAN port appears to be in the practice LAN');
    this.detail = detail;
    if (evidence.length > 0) health.raise('lan.wanInLan', detail);
    else health.clear('lan.wanInLan');
    if (this.running) this.tracker.set('running');
  }

  private async facts(desired: WanInLanDesired): Promise<WanInLanInput> {
    const { kernel } = this.deps;
    const state = await kernel.read();
    const port = (name: string) => {
      const mac = state.links.find((l) => l.name === name)?.mac;
      return { port: name, addresses: state.addresses.filter((a) => a.dev === name).map((a) => a.address), ...(mac ? { mac } : {}) };
    };
    const gateway = (await kernel.routes()).find((r) => r.dst === '0.0.0.0/0' && r.type === 'unicast' && r.dev === desired.wan && r.via)?.via;
    const lan = port(desired.lan);
    const wan = { ...port(desired.wan), ...(gateway ? { gateway } : {}) };
    const probe = await this.probe(desired, lan.addresses, state.links.some((l) => l.name === desired.wan && l.up));
    return { lan, wan, neighbours: await kernel.neighbours(), ...(probe ? { probe } : {}) };
  }

  /** Asks out of the WAN port for the LAN port's first address; undefined when it cannot ask. */
  private async probe(desired: WanInLanDesired, lanAddresses: readonly string[], wanUp: boolean): Promise<WanInLanInput['probe']> {
    const address = [...lanAddresses].sort()[0]?.split('/')[0];
    if (!this.deps.probe || !address || !wanUp) return undefined;
    try {
      const answers = await this.deps.probe(desired.wan, address);
      this.probeError = undefined;
      return { address, answers };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // A WAN port without carrier refuses to send: that is news once, not on every check.
      if (message !== this.probeError) this.deps.log.warn({ err: error }, 'ARP probe on the WAN port failed');
      this.probeError = message;
      return undefined;
    }
  }
}
