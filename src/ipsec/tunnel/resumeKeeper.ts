// What the controller remembers for the next start (resumeState.ts): the tunnel that passes
// traffic now, written once per change of gateway, profile or path; forgotten when the tunnel
// must not come back. A failed write is logged and never holds up the controller's pass.
import type { Logger } from '../../core/index.ts';
import { connectionName, planCharon } from './charonPlan.ts';
import type { RoutePath, TunnelDeps } from './ports.ts';
import type { ResumeState } from './resumeState.ts';
import type { TunnelProfile } from './tunnelProfile.ts';

export class ResumeKeeper {
  private readonly store: TunnelDeps['resume'];
  private readonly log: Logger;
  /** What the store holds as far as this agent knows: undefined until it wrote or cleared it. */
  private remembered: string | null | undefined;

  constructor(store: TunnelDeps['resume'], log: Logger) {
    this.store = store;
    this.log = log;
  }

  async remember(profile: TunnelProfile, gatewayIndex: number, path: RoutePath): Promise<void> {
    const plan = planCharon(profile);
    const state: ResumeState = {
      plan: { ...plan, connections: plan.connections.filter((c) => c.name === connectionName(gatewayIndex)) },
      gatewayIds: profile.gatewayIds,
      routes: { prefixes: profile.tiPrefixes, path },
    };
    const key = JSON.stringify(state);
    if (!this.store || key === this.remembered) return;
    try {
      await this.store.save(state);
      this.remembered = key;
    } catch (error) {
      this.log.warn({ err: error }, 'tunnel could not be saved for the next start');
    }
  }

  async forget(): Promise<void> {
    if (!this.store || this.remembered === null) return;
    try {
      await this.store.clear();
      this.remembered = null;
    } catch (error) {
      this.log.warn({ err: error }, 'saved tunnel could not be removed');
    }
  }
}
