// Watches for the WAN port plugged into the practice LAN and keeps the `lan.wanInLan` health
// warning in step: checks after link, address and route changes, and on a timer (neighbour
// tables and the ARP probe change without a notification it listens to). Only reads the kernel;
// the probe sends one ARP request out of the WAN port per check.
import { WatchingSubsystem, type Health, type Logger, type WatchingDeps } from '../core/index.ts';
import type { ArpProbe } from './arpProbe.ts';
import type { LanKernel } from './lanKernel.ts';
import { describeEvidence, detectWanInLan, type WanInLanInput } from './wanInLan.ts';

/** The ports to compare, from the config. */
export interface WanInLanDesired {
  readonly lan: string;
  readonly wan: string;
}

export interface WanInLanDeps extends WatchingDeps {
  readonly kernel: Pick<LanKernel, 'read' | 'routes' | 'neighbours' | 'watch'>;
  /** Without it, only the passive evidence counts. */
  readonly probe?: ArpProbe;
  readonly health: Pick<Health, 'raise' | 'clear'>;
  readonly log: Logger;
}

export class WanInLanWatch extends WatchingSubsystem<WanInLanDesired> {
  private readonly deps: WanInLanDeps;
  private desired: WanInLanDesired | null = null;
  private detail = '';
  private probeError: string | undefined;

  constructor(deps: WanInLanDeps) {
    // A cable plugged in brings a burst of events: settle longer than the adapters do.
    super('wan-in-lan', deps, { settleMs: 500, intervalMs: 30_000, wantingIntervalMs: 30_000 });
    this.deps = deps;
  }

  /** Which ports to compare; null stops comparing and clears the warning. */
  apply(desired: WanInLanDesired | null): Promise<void> {
    this.desired = desired === null ? null : { ...desired };
    return this.serially((runPass) => runPass());
  }

  override async start(signal: AbortSignal): Promise<void> {
    await super.start(signal);
    // A first check now, not at the first event or tick.
    void this.serially((runPass) => runPass()).catch((error: unknown) => this.deps.log.error({ err: error }, 'first WAN-in-LAN check failed'));
  }

  /** A failed check is logged and shown as degraded, not failed: the next one tries again. */
  protected async pass(): Promise<string | undefined> {
    try {
      await this.check();
      return undefined;
    } catch (error) {
      this.deps.log.error({ err: error }, 'WAN-in-LAN check failed');
      return `check failed: ${error instanceof Error ? error.message : String(error)}`;
    }
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
