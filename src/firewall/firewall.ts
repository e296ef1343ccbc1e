// The firewall subsystem: keeps the tibox table in the kernel equal to the rendered ruleset.
// apply() validates and renders first (a refused desired state changes nothing, not even what
// `tibox fw print` shows), then loads only when the text changed (nft -c first, then nft -f,
// atomic); stop() leaves the table in place (fail closed survives the agent); apply(null) loads
// the fail-closed baseline again, the state of a box without a profile.
// Every full ruleset the kernel took is saved for the boot unit (bootRuleset.ts), which loads it
// again after a reboot; apply(null) removes the file, so the boot falls back to the baseline.
import { mkdir, rm } from 'node:fs/promises';
import {
  syncDirectory, writeFileAtomic, StateTracker, type ControlActions, type Logger, type Subsystem, type SubsystemStatus,
} from '../core/index.ts';
import { registerFirewallActions } from './actions.ts';
import { rulesetStatePath } from './bootRuleset.ts';
import type { NftLoader } from './nftLoader.ts';
import { renderRuleset, type FirewallDesired } from './ruleset/index.ts';

export interface FirewallDeps {
  readonly nft: NftLoader;
  /** Where the last full ruleset the kernel took is saved for the boot unit. */
  readonly stateDir: string;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Makes a removal from stateDir durable; core's syncDirectory unless a test watches the order. */
  readonly syncDirectory?: (dir: string) => Promise<void>;
}

export class Firewall implements Subsystem<FirewallDesired> {
  readonly name = 'firewall';
  private readonly deps: FirewallDeps;
  private readonly state: StateTracker;
  /** What apply() was last asked to load (rendered), whether or not the kernel took it. */
  private wanted: string | undefined;
  private loaded: string | undefined;
  /** The ruleset whose state file is in place (saved, or removed for the baseline). */
  private saved: string | undefined;

  constructor(deps: FirewallDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.state.set('running');
  }

  async stop(): Promise<void> {
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

  async apply(desired: FirewallDesired | null): Promise<void> {
    const ruleset = renderRuleset(desired);
    this.wanted = ruleset;
    if (ruleset === this.loaded && ruleset === this.saved) return;
    try {
      if (ruleset !== this.loaded) {
        await this.deps.nft.load(ruleset);
        this.loaded = ruleset;
        this.deps.log.info({ hosts: desired?.hosts.length, backend: desired?.interfaces.tunnel }, desired ? 'ruleset loaded' : 'fail-closed baseline loaded');
      }
      await this.save(desired ? ruleset : null);
      this.saved = ruleset;
    } catch (error) {
      // A refused load: the kernel keeps the table it had, as nft -f is one transaction.
      this.state.set('failed', (error as Error).message);
      throw error;
    }
    this.state.set('running');
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
