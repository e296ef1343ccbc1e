// The human-readable output of `tibox devices ...`: tables of registered devices, of hosts seen on
// the box's ports and of terminals found but not registered, and a terminal's reachability
// history. Pure: the same data and `now` give the same text.
import type { DeviceView, NeighbourEntry, TerminalCandidate, Transition } from '../../lan/inventory/index.ts';
import { formatDuration } from './formatStatus.ts';
import { alignColumns } from './table.ts';

function formatTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return alignColumns([head, ...rows]).join('\n') + '\n';
}

function ago(iso: string, now: Date): string {
  return `${formatDuration(Math.max(0, Math.floor((now.getTime() - Date.parse(iso)) / 1000)))} ago`;
}

export function formatDevices(devices: readonly DeviceView[], now: Date): string {
  if (devices.length === 0) return 'No devices registered.\n';
  const rows = devices.map((d) => [
    String(d.id),
    d.kind,
    d.name,
    d.address + (d.inSegment ? '' : ' (outside the TI segment)'),
    d.mac,
    d.cetpPorts.join(',') || '-',
    d.reachability && d.reachability.state !== 'unknown' ? `${d.reachability.state} since ${ago(d.reachability.since, now)}` : '-',
  ]);
  return formatTable(['ID', 'KIND', 'NAME', 'ADDRESS', 'MAC', 'CETP', 'REACHABILITY'], rows);
}

export function formatDevice(heading: string, d: DeviceView): string {
  const ports = d.kind === 'pvs' ? `, CETP ${d.cetpPorts.join(',') || 'none'}` : '';
  return `${heading} ${d.kind === 'pvs' ? 'PVS host' : 'card terminal'} "${d.name}" (id ${d.id}): ${d.address}, ${d.mac}${ports}\n`;
}

export function formatNeighbours(entries: readonly NeighbourEntry[], now: Date): string {
  if (entries.length === 0) return 'No hosts seen yet.\n';
  return formatTable(['PORT', 'ADDRESS', 'MAC', 'STATE', 'LAST SEEN'], entries.map((e) => [e.interface, e.ip, e.mac, e.state, ago(e.lastSeen, now)]));
}

export function formatCandidates(candidates: readonly TerminalCandidate[], now: Date): string {
  if (candidates.length === 0) return 'No unregistered card terminals found.\n';
  const rows = candidates.map((c) => [
    c.address ?? '(none given)',
    c.mac,
    c.interface ?? '-',
    c.evidence.map((e) => (e === 'dhcp' ? 'DHCP request' : 'TCP 4742 open')).join(', '),
    [c.hostname, c.vendorClass].filter(Boolean).join(' / ') || '-',
    ago(c.lastSeen, now),
  ]);
  return formatTable(['ADDRESS', 'MAC', 'PORT', 'FOUND BY', 'NAME / VENDOR CLASS', 'LAST SEEN'], rows);
}

export function formatHistory(name: string, transitions: readonly Transition[]): string {
  if (transitions.length === 0) return `No reachability changes recorded for "${name}".\n`;
  return formatTable(['TIME', 'STATE', 'DETAIL'], transitions.map((t) => [t.at, t.state, t.detail ?? '']));
}
