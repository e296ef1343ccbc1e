// The human-readable answer of `tibox fw why <device>`: the device, its counters and since when,
// and the drops the kernel log holds for it, newest first. Pure: the same report gives the same text.
import type { Count, DropEntry, WhyReport } from '../../firewall/index.ts';
import { alignColumns } from './table.ts';

export function formatWhy(report: WhyReport, reasons: Readonly<Record<string, string>>): string {
  const d = report.device;
  const ports = d.kind === 'pvs' ? `, CETP ${d.cetpPorts.join(',') || 'none'}` : '';
  const lines = [`${d.kind === 'pvs' ? 'PVS host' : 'card terminal'} "${d.name}" (id ${d.id}): ${d.address}, ${d.mac}${ports}`];
  const c = report.counters;
  if (c) {
    const width = Math.max(String(c.accepted.packets).length, String(c.dropped.packets).length);
    const line = (what: string, count: Count) => `  ${what.padEnd(8)}  ${String(count.packets).padStart(width)} packets  ${count.bytes} bytes`;
    lines.push(`Counted since ${c.since}${c.sinceBoot ? ' (the boot)' : ''}:`, line('accepted', c.accepted), line('dropped', c.dropped));
  } else {
    lines.push('No counters for it in the firewall yet: its ruleset is not loaded (see `tibox status`).');
  }
  if (report.drops.length === 0) {
    lines.push('No drops of it in the kernel log.');
    return lines.join('\n') + '\n';
  }
  lines.push('Last drops in the kernel log (at most 10 a minute are logged per reason), newest first:');
  const rows = report.drops.map((e) => [e.at, e.reason, route(e), from(e), to(e), reasons[e.reason] ?? '']);
  return [...lines, ...alignColumns([['TIME', 'REASON', 'IN > OUT', 'FROM', 'TO', 'WHY'], ...rows])].join('\n') + '\n';
}

function route(e: DropEntry): string {
  return `${e.in || '-'} > ${e.out || 'box'}`;
}

function from(e: DropEntry): string {
  return `${e.src}${e.sport === undefined ? '' : `:${e.sport}`}${e.srcMac ? ` (${e.srcMac})` : ''}`;
}

function to(e: DropEntry): string {
  return `${e.dst} ${e.proto}${e.dport === undefined ? '' : ` ${e.dport}`}`;
}
