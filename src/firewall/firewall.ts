// The firewall subsystem: keeps the tibox table in the kernel equal to the rendered ruleset.
// apply() validates and renders first (a refused desired state changes nothing, not even what
// `tibox fw print` shows), then loads only when the text changed (nft -c first, then nft -f,
// atomic). Right before each load it reads the kernel's counters and the loaded text declares
// them with those values, so a device change does not wipe them (the packets counted between the
// read and the load, milliseconds, are lost). stop() leaves the table in place (fail closed survives the agent); apply(null) loads
// the bare fail-closed baseline again; a box without a profile gets the baseline with the web UI
// on its LAN port ({ baselineLan }), saved for the boot like a full ruleset.
// Every full ruleset the kernel took is saved for the boot unit (bootRuleset.ts), which loads it
// again after a reboot, its counters from zero; apply(null) removes the file, so the boot falls
// back to the baseline.
// While started it also compares the kernel's table with what it loaded, whenever a ruleset
// changes (nft monitor) and on a slow timer, and loads its ruleset again when someone flushed
// the ruleset or changed the table: a missing table would let everything through. Either raises
// the health warning `firewall.tableChanged` (tamperWarning.ts).
import { mkdir, rm } from 'node:fs/promises';
import {
  syncDirectory, writeFileAtomic, StateTracker, WatchLoop, type ControlActions, type Health, type Logger, type Subsystem, type SubsystemStatus,
  type WatchLoopOptions,
} from '../core/index.ts';
import { registerFirewallActions } from './actions.ts';
import { rulesetStatePath } from './bootRuleset.ts';
import type { NftLoader } from './nftLoader.ts';
import { isBaseline, renderRuleset, TIBOX_TABLE, type BaselineDesired, type CarriedCounters, type FirewallDesired, type FirewallState } from './ruleset/index.ts';
import { TamperWarning } from './tamperWarning.ts';

/**
 * A burst of ruleset events (a load of ours is dozens) gives one comparison, 100 ms later; the
 * safety net, should the monitor miss a change, is one `nft -s list table` a minute.
 */
const DRIFT_WATCH: WatchLoopOptions = { settleMs: 100, intervalMs: 60_000 };

export interface FirewallDeps {
  readonly nft: NftLoader;
  /** Where the last full ruleset the kernel took is saved for the boot unit. */
  readonly stateDir: string;
  readonly log: Logger;
  /** Where a table removed or changed from outside is reported. */
  readonly health: Pick<Health, 'raise' | 'clear'>;
  readonly now?: () => Date;
  /** Makes a removal from stateDir durable; core's syncDirectory unless a test watches the order. */
  readonly syncDirectory?: (dir: string) => Promise<void>;
  /** Says when some ruleset in the kernel changed (NftMonitor); subscribe returns the unsubscribe. */
  readonly monitor: { watch(onChange: () => void): () => void };
  /** Tests give short timings. */
  readonly settleMs?: number;
  readonly checkIntervalMs?: number;
}

export class Firewall implements Subsystem<FirewallDesired | BaselineDesired> {
  readonly name = 'firewall';
  private readonly deps: FirewallDeps;
  private readonly state: StateTracker;
  /** What apply() was last asked to load (rendered), whether or not the kernel took it. */
  private wanted: string | undefined;
  /** The ruleset last loaded, as rendered without counter values, and what it was rendered from. */
  private loaded: string | undefined;
  private loadedFrom: FirewallState = null;
  /** The ruleset whose state file is in place (saved, or removed for the baseline). */
  private saved: string | undefined;
  /** The table as the kernel listed it right after our last load (`nft -s`): what drift is measured against. */
  private listed: string | undefined;
  private readonly loop: WatchLoop;
  private readonly tamper: TamperWarning;

  constructor(deps: FirewallDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
    this.tamper = new TamperWarning(deps.health, () => deps.now?.() ?? new Date());
    this.loop = new WatchLoop(() => this.restoreDrift(), {
      settleMs: deps.settleMs ?? DRIFT_WATCH.settleMs,
      intervalMs: deps.checkIntervalMs ?? DRIFT_WATCH.intervalMs,
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.loop.start((onChange) => this.deps.monitor.watch(onChange));
    this.state.set('running');
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.state.set('stopped');
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  registerActions(actions: ControlActions): void {
    registerFirewallActions(actions, { ruleset: () => this.ruleset() });
  }

  /** The ruleset the agent would load now: the last one applied, the baseline before any apply. */
  ruleset(): string {
    return this.wanted ?? renderRuleset(null);
  }

  async apply(desired: FirewallState): Promise<void> {
    // Rendered at once, so a refused desired state is refused before anything queued runs.
    const ruleset = renderRuleset(desired);
    this.wanted = ruleset;
    await this.loop.serially(() => this.converge(ruleset, desired));
  }

  private async converge(ruleset: string, desired: FirewallState): Promise<void> {
    if (ruleset === this.loaded && ruleset === this.saved) return;
    if (ruleset !== this.loaded) {
      try {
        await this.load(ruleset, desired);
      } catch (error) {
        // A refused load: the kernel keeps the table it had, as nft -f is one transaction.
        this.state.set('failed', (error as Error).message);
        throw error;
      }
      if (desired && !isBaseline(desired)) this.deps.log.info({ hosts: desired.hosts.length, backend: desired.interfaces.tunnel }, 'ruleset loaded');
      else this.deps.log.info({ webUiOn: desired?.baselineLan }, 'fail-closed baseline loaded');
    }
    try {
      await this.save(desired ? ruleset : null);
      this.saved = ruleset;
    } catch (error) {
      // The kernel holds the right table; only the next boot would find an older one. A data
      // partition that takes no writes must not fail the apply (and with it the data path):
      // degraded, and the next apply tries the save again.
      this.deps.log.error({ err: error }, 'ruleset loaded, but not saved for the boot');
      this.state.set('degraded', (error as Error).message);
      return;
    }
    this.state.set('running');
  }

  /**
   * Loads `ruleset` with the counters carried over (the baseline has none). A refused load leaves
   * the kernel with the table it had (nft -f is one transaction), and us with what we knew of it.
   */
  private async load(ruleset: string, desired: FirewallState): Promise<void> {
    const text = desired && !isBaseline(desired) ? renderRuleset(desired, await this.carried()) : ruleset;
    await this.deps.nft.load(text);
    this.loaded = ruleset;
    this.loadedFrom = desired;
    this.listed = await this.deps.nft.listRules(TIBOX_TABLE.family, TIBOX_TABLE.name);
    // Whichever load puts our table back, the repair's or a later apply's.
    this.tamper.restored();
  }

  /**
   * Compares the kernel's table with the one we loaded last and loads it again if someone
   * removed or changed it. Before our first load the table is the boot's, which we leave be.
   */
  private async restoreDrift(): Promise<void> {
    const ruleset = this.loaded;
    if (ruleset === undefined) return;
    const now = await this.deps.nft.listRules(TIBOX_TABLE.family, TIBOX_TABLE.name);
    if (now === this.listed) {
      this.tamper.expire();
      return;
    }
    const what = now === undefined ? 'the tibox table is missing from the kernel' : 'the tibox table was changed from outside';
    this.deps.log.warn({ missing: now === undefined }, `${what}: loading it again`);
    this.state.set('degraded', what);
    this.tamper.found(what);
    try {
      await this.load(ruleset, this.loadedFrom);
    } catch (error) {
      this.state.set('failed', `${what}, and loading it again failed: ${(error as Error).message}`);
      this.tamper.notRestored((error as Error).message);
      this.deps.log.error({ err: error }, 'the tibox table could not be loaded again');
      throw error;
    }
    this.state.set('running');
  }

  /** The kernel's counters as they are now, for the next load to declare. */
  private async carried(): Promise<CarriedCounters> {
    return { values: await this.deps.nft.counters(TIBOX_TABLE.family, TIBOX_TABLE.name), now: (this.deps.now?.() ?? new Date()).toISOString() };
  }

  /** Saves the ruleset for the boot unit; null (the baseline) removes the file. */
  private async save(ruleset: string | null): Promise<void> {
    const path = rulesetStatePath(this.deps.stateDir);
    if (ruleset === null) {
      await this.removeSaved(path);
      return;
    }
    try {
      await mkdir(this.deps.stateDir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(path, ruleset, { mode: 0o600 });
    } catch (error) {
      // The file left would bring back an older ruleset at boot, perhaps one that still lets
      // through a device removed since: the baseline is the safer thing for the boot to find.
      await this.removeSaved(path).catch((removal: unknown) => this.deps.log.error({ err: removal, path }, 'outdated saved ruleset could not be removed'));
      throw new Error(`ruleset loaded, but not saved for the boot: ${(error as Error).message}`, { cause: error });
    }
  }

  private async removeSaved(path: string): Promise<void> {
    await rm(path, { force: true });
    // Until the directory is synced a power cut can undo the removal, and the boot would load the
    // older ruleset, perhaps one that still lets through a device removed since. No state
    // directory holds no ruleset either.
    await (this.deps.syncDirectory ?? syncDirectory)(this.deps.stateDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}
