// Every event of the agent's bus, declared once. Subsystems add their events here as they grow.
import type { HealthWarning } from '../core/index.ts';
import type { TunnelEvent } from '../ipsec/index.ts';

export interface AgentEvents {
  /** A commit changed the effective configuration. */
  'config.changed': { revision: number; actor: string };
  /** Every active warning, after each raise, change of detail or clear: the web UI's live view and the updater's reports listen. */
  'health.changed': { warnings: HealthWarning[] };
  /** Each entry of the tunnel's history as it is recorded (state changes, failures): remote management follows it to choose its way. */
  'tunnel.event': TunnelEvent;
  /** A device registered, changed or removed, or a terminal's reachability changed: the web UI's live view listens. */
  'devices.changed': Record<string, never>;
  /** The box was reset to the factory state (its database part is committed): the web UI ends every session. */
  'system.reset': { revision: number; actor: string };
  /** A function test finished; `check.last` answers its result. */
  'check.finished': { verdict: 'pass' | 'warn' | 'fail'; finishedAt: string };
}
