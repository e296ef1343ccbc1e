// The drop log: every drop chain but the counted-only excess writes a kernel log line
// `tibox drop <reason>: IN=… OUT=… MAC=… SRC=… DST=… … PROTO=… SPT=… DPT=…` (drops.ts). The
// agent reads them from the kernel's ring buffer (/dev/kmsg, kernelLog.ts), which holds the
// latest lines of every boot since, whatever restarts the agent had; this file turns its records
// into entries. Pure.
import { DROP_REASONS, type DropReason } from './ruleset/index.ts';

export interface DropEntry {
  /** ISO time. */
  readonly at: string;
  readonly reason: DropReason;
  /** The interfaces it came in on and would have left by ('' for none). */
  readonly in: string;
  readonly out: string;
  /** The sender's MAC, for a packet that came in on an Ethernet port. */
  readonly srcMac?: string;
  readonly src: string;
  readonly dst: string;
  /** TCP, UDP, ICMP, … as the kernel names it. */
  readonly proto: string;
  readonly sport?: number;
  readonly dport?: number;
}

const RECORD = /^\d+,\d+,(\d+),[^;]*;tibox drop (\w+): (.*)$/;

/**
 * One /dev/kmsg record (`prio,seq,microseconds since boot,flags;message` and continuation lines)
 * as a drop entry, or undefined for any other record.
 */
export function parseDropRecord(record: string, bootedAtMs: number): DropEntry | undefined {
  const match = RECORD.exec(record.split('\n')[0] ?? '');
  if (!match) return undefined;
  const [, micros = '0', reason = '', rest = ''] = match;
  if (!(reason in DROP_REASONS)) return undefined;
  const fields = new Map<string, string>();
  for (const token of rest.split(' ')) {
    const eq = token.indexOf('=');
    // ICMP errors quote the offending packet after the first fields: the first value counts.
    if (eq > 0 && !fields.has(token.slice(0, eq))) fields.set(token.slice(0, eq), token.slice(eq + 1));
  }
  const src = fields.get('SRC');
  const dst = fields.get('DST');
  if (src === undefined || dst === undefined) return undefined;
  // MAC= is destination, source and EtherType: 14 bytes on an Ethernet port.
  const mac = fields.get('MAC')?.split(':');
  const port = (name: string) => {
    const value = Number(fields.get(name));
    return Number.isInteger(value) && value > 0 && value < 65_536 ? value : undefined;
  };
  const sport = port('SPT');
  const dport = port('DPT');
  return {
    at: new Date(bootedAtMs + Math.floor(Number(micros) / 1000)).toISOString(),
    reason: reason as DropReason,
    in: fields.get('IN') ?? '',
    out: fields.get('OUT') ?? '',
    ...(mac?.length === 14 ? { srcMac: mac.slice(6, 12).join(':').toLowerCase() } : {}),
    src,
    dst,
    proto: fields.get('PROTO') ?? '',
    ...(sport === undefined ? {} : { sport }),
    ...(dport === undefined ? {} : { dport }),
  };
}
