// `tibox fw why <device>`: why a device was blocked, from what the box knows of it. Its
// registration, its own counters (what was routed for it, what was dropped, and since when they
// count) and the drops in the kernel log that concern it: from or to its TI address, or sent from
// its MAC. Broadcast drops are left out, as its counters leave them out (deviceCounters.ts).
// Pure: the adapters hand in the counters, the log records and the boot time.
import type { DropEntry } from './dropLog.ts';
import { parseDropRecord } from './dropLog.ts';
import { deviceCounterName, type CounterValue, type RegisteredHost } from './ruleset/index.ts';

export interface Count {
  readonly packets: number;
  readonly bytes: number;
}

export interface WhyReport {
  readonly device: RegisteredHost;
  /** Null while the loaded table has no counters for it (not applied yet, or outside the TI segment). */
  readonly counters: {
    readonly accepted: Count;
    readonly dropped: Count;
    /** ISO time they count from. */
    readonly since: string;
    /** They count from the boot (the boot unit loaded them), not from a load of the agent. */
    readonly sinceBoot: boolean;
  } | null;
  /** Newest first. */
  readonly drops: readonly DropEntry[];
}

export interface WhyInput {
  readonly device: RegisteredHost;
  readonly counters: ReadonlyMap<string, CounterValue>;
  /** /dev/kmsg records, oldest first. */
  readonly records: readonly string[];
  readonly bootedAt: Date;
  /** Most drops to list. */
  readonly limit: number;
}

export function explainDevice({ device, counters, records, bootedAt, limit }: WhyInput): WhyReport {
  const accepted = counters.get(deviceCounterName(device.id, 'accepted'));
  const dropped = counters.get(deviceCounterName(device.id, 'dropped'));
  const mac = device.mac.toLowerCase();
  const concerns = (entry: DropEntry) => entry.reason !== 'broadcast' && (entry.src === device.address || entry.dst === device.address || entry.srcMac === mac);
  const drops = records.flatMap((record) => {
    const entry = parseDropRecord(record, bootedAt.getTime());
    return entry && concerns(entry) ? [entry] : [];
  });
  const since = accepted?.since ?? dropped?.since;
  return {
    device,
    counters:
      accepted && dropped
        ? { accepted: count(accepted), dropped: count(dropped), since: since ?? bootedAt.toISOString(), sinceBoot: since === undefined }
        : null,
    drops: drops.reverse().slice(0, limit),
  };
}

function count(value: CounterValue): Count {
  return { packets: value.packets, bytes: value.bytes };
}
