// The 'firewall.why' action (`tibox fw why <device>`): the device named by its id, name, TI
// address or MAC, its counters as the kernel holds them now, and the drops the kernel log still
// holds for it. The composition root hands over how to find a device and read the kernel.
import { TiboxError, type ControlActions } from '../core/index.ts';
import type { CounterValue, RegisteredHost } from './ruleset/index.ts';
import { explainDevice, type WhyReport } from './why.ts';

const DEFAULT_WHY_DROPS = 20;
const MAX_WHY_DROPS = 500;

export interface WhyDeps {
  /** The registered device `ref` names (id, name, TI address or MAC); throws when there is none. */
  findDevice: (ref: string) => RegisteredHost;
  counters: () => Promise<ReadonlyMap<string, CounterValue>>;
  /** The kernel log's records, oldest first. */
  kernelLog: () => Promise<readonly string[]>;
  bootedAt: () => Date;
}

export function registerWhyAction(actions: ControlActions, deps: WhyDeps): void {
  actions.register('firewall.why', async (args): Promise<WhyReport> => {
    const { device, limit } = readArgs(args);
    const host = deps.findDevice(device);
    const [counters, records] = await Promise.all([deps.counters(), deps.kernelLog()]);
    return explainDevice({ device: host, counters, records, bootedAt: deps.bootedAt(), limit });
  });
}

function readArgs(args: unknown): { device: string; limit: number } {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw bad('arguments must be an object');
  const { device, limit, ...extra } = args as { device?: unknown; limit?: unknown };
  const unknown = Object.keys(extra)[0];
  if (unknown !== undefined) throw bad(`unknown argument "${unknown}"`);
  if (typeof device !== 'string' || device.trim() === '') throw bad('device must name a registered device by its name, id, TI address or MAC');
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_WHY_DROPS)) {
    throw bad(`limit must be a whole number from 1 to ${MAX_WHY_DROPS}`);
  }
  return { device: device.trim(), limit: limit ?? DEFAULT_WHY_DROPS };
}

function bad(reason: string): TiboxError {
  return new TiboxError('TIBOX_BAD_REQUEST', { reason });
}
