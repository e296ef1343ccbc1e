// Reads what the overview needs from the agent: its status, the registered devices and the
// hosts it sees, and the last changes from its audit logs. A part the agent does not answer is
// left out, and the overview says so (overviewOf reads a missing status as an agent that does
// not answer).
import type { Logger } from '../../core/log.ts';
import type { OverviewStatus } from './agentView.ts';
import type { DeviceView, NeighbourView } from './deviceView.ts';
import { overviewOf, type Overview } from './overview.ts';
import { recentChanges, type ActionAuditView, type Change, type ConfigAuditView, type DeviceAuditView } from './changes.ts';

export interface OverviewSource {
  status: () => Promise<OverviewStatus>;
  devices: () => Promise<readonly DeviceView[]>;
  neighbours: () => Promise<readonly NeighbourView[]>;
}

export async function readOverview(source: OverviewSource, log: Logger): Promise<Overview> {
  const settle = <T>(what: string, promise: Promise<T>) =>
    promise.catch((error: unknown) => {
      log.warn({ err: error, what }, 'agent not read for the overview');
      return undefined;
    });
  const [status, devices, neighbours] = await Promise.all([settle('status', source.status()), settle('devices', source.devices()), settle('neighbours', source.neighbours())]);
  return overviewOf(status, devices, neighbours);
}

/** The `limit` newest changes of all three audit logs; undefined when the agent did not answer. */
export async function readChanges(ask: (action: string, args: unknown) => Promise<unknown>, limit: number, log: Logger): Promise<Change[] | undefined> {
  try {
    const [actions, devices, config] = await Promise.all([ask('audit.list', { limit }), ask('devices.audit', { limit }), ask('config.audit', { limit })]);
    return recentChanges(actions as ActionAuditView[], devices as DeviceAuditView[], config as ConfigAuditView[], limit);
  } catch (error) {
    log.warn({ err: error }, 'audit logs not read for the overview');
    return undefined;
  }
}
