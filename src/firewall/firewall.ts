// The firewall subsystem: keeps the tibox table in the kernel equal to the rendered ruleset.
// apply() validates and renders first (a refused desired state changes nothing, not even what
// `tibox fw print` shows), then loads only when the text changed (nft -c first, then nft -f,
// atomic); stop() leaves the table in place (fail closed survives the agent); apply(null) loads
// the fail-closed baseline again, the state of a box without a profile.
import type { ControlActions } from '../agent/control/actions.ts';
import type { Logger } from '../agent/log.ts';
import { StateTracker, type Subsystem, type SubsystemStatus } from '../agent/subsystem.ts';
import { registerFirewallActions } from './actions.ts';
import type { NftLoader } from './nftLoader.ts';
import { renderRuleset, type FirewallDesired } from './ruleset/index.ts';

export class Firewall implements Subsystem<FirewallDesired> {
  readonly name = 'firewall';
  private readonly deps: { nft: NftLoader; log: Logger; now?: () => Date };
  private readonly state: StateTracker;
  /** What apply() was last asked to load (rendered), whether or not the kernel took it. */
  private wanted: string | undefined;
  private loaded: string | undefined;

  constructor(deps: { nft: NftLoader; log: Logger; now?: () => Date }) {
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
    if (ruleset === this.loaded) return;
    try {
      await this.deps.nft.load(ruleset);
    } catch (error) {
      // The kernel keeps the table it had: nft -f is one transaction.
      this.state.set('failed', (error as Error).message);
      throw error;
    }
    this.loaded = ruleset;
    this.state.set('running');
    this.deps.log.info({ hosts: desired?.hosts.length, backend: desired?.interfaces.tunnel }, desired ? 'ruleset loaded' : 'fail-closed baseline loaded');
  }
}
