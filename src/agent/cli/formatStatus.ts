// The human-readable `tibox status`: version and uptime, the serial number, where the web UI
// answers and its certificate's fingerprint, a table of
// subsystems and the active health warnings, in English or German. Pure: the same status and
// `now` give the same text.
import type { Severity } from '../../core/index.ts';
import type { PendingSummary } from '../pending/pendingChange.ts';
import type { AgentStatus } from '../status.ts';
import type { PathMtuStatus, TunnelStatus } from '../../ipsec/index.ts';
import type { Lang } from './command.ts';
import { alignColumns } from './table.ts';

interface Labels {
  up: string;
  subsystem: string;
  state: string;
  since: string;
  detail: string;
  noSubsystems: string;
  health: string;
  healthy: string;
  ago: (duration: string) => string;
  in: (duration: string) => string;
  tunnel: string;
  via: string;
  traffic: string;
  lastError: string;
  nextAttempt: string;
  /** What judged the tunnel: its own traffic, a probe, the idle heartbeat. */
  judgedBy: string;
  evidence: Record<NonNullable<TunnelStatus['evidence']>['kind'], string>;
  history: string;
  impactsTi: string;
  severity: Record<Severity, string>;
  serial: string;
  webui: string;
  noLanAddress: string;
  certificate: string;
  noCertificate: string;
  provisioned: (at: string) => string;
  notProvisioned: string;
  unreadable: string;
  pending: (revision: number, paths: string, actor: string) => string;
  rolledBackIn: (duration: string) => string;
  mtu: (m: PathMtuStatus) => string;
}

const LABELS: Record<Lang, Labels> = {
  en: {
    up: 'up',
    subsystem: 'SUBSYSTEM',
    state: 'STATE',
    since: 'SINCE',
    detail: 'DETAIL',
    noSubsystems: 'No subsystems reported.',
    health: 'Health',
    healthy: 'No warnings.',
    ago: (d: string) => `${d} ago`,
    in: (d: string) => `in ${d}`,
    tunnel: 'Tunnel',
    via: 'via',
    traffic: 'traffic',
    lastError: 'last error',
    nextAttempt: 'next attempt',
    judgedBy: 'judged by',
    evidence: { traffic: 'traffic', probe: 'probe', heartbeat: 'heartbeat' },
    history: 'history',
    impactsTi: 'affects TI connectivity',
    severity: { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' },
    serial: 'Serial number',
    webui: 'Web UI',
    noLanAddress: 'no LAN address yet',
    certificate: 'certificate SHA-256',
    noCertificate: 'none yet (the web UI makes it at its first start)',
    provisioned: (at: string) => `provisioned ${at}`,
    notProvisioned: 'none, the box is not provisioned',
    unreadable: 'unknown, the provisioning data cannot be read',
    pending: (revision, paths, actor) => `Pending network change: revision ${revision} (${paths}) by ${actor}`,
    rolledBackIn: (d) => `  rolled back in ${d} unless confirmed: tibox config confirm`,
    mtu: (m) => `  MTU: WAN path ${m.pathMtu} (${m.because}), tunnel ${m.tunnelMtu}, TCP MSS clamp ${m.mss}`,
  },
  de: {
    up: 'läuft seit',
    subsystem: 'SUBSYSTEM',
    state: 'ZUSTAND',
    since: 'SEIT',
    detail: 'DETAIL',
    noSubsystems: 'Keine Subsysteme gemeldet.',
    health: 'Warnungen',
    healthy: 'Keine Warnungen.',
    ago: (d: string) => `vor ${d}`,
    in: (d: string) => `in ${d}`,
    tunnel: 'Tunnel',
    via: 'über',
    traffic: 'Verkehr',
    lastError: 'letzter Fehler',
    nextAttempt: 'nächster Versuch',
    judgedBy: 'beurteilt nach',
    evidence: { traffic: 'Verkehr', probe: 'Probe', heartbeat: 'Herzschlag' },
    history: 'Verlauf',
    impactsTi: 'beeinträchtigt die TI-Anbindung',
    severity: { critical: 'KRITISCH', warning: 'WARNUNG', info: 'HINWEIS' },
    serial: 'Seriennummer',
    webui: 'Weboberfläche',
    noLanAddress: 'noch keine LAN-Adresse',
    certificate: 'Zertifikat SHA-256',
    noCertificate: 'noch keins (die Weboberfläche erzeugt es beim ersten Start)',
    provisioned: (at: string) => `eingerichtet ${at}`,
    notProvisioned: 'keine, die Box ist nicht im Werk eingerichtet',
    unreadable: 'unbekannt, die Werksdaten sind nicht lesbar',
    pending: (revision, paths, actor) => `Ausstehende Netzwerkänderung: Revision ${revision} (${paths}) von ${actor}`,
    rolledBackIn: (d) => `  wird in ${d} zurückgenommen, wenn sie nicht bestätigt wird: tibox config confirm`,
    mtu: (m) => `  MTU: WAN-Pfad ${m.pathMtu} (${m.because}), Tunnel ${m.tunnelMtu}, TCP-MSS begrenzt auf ${m.mss}`,
  },
};

/** A duration in its two largest units: '3 d 4 h', '12 min 5 s', '42 s'. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const units: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor(s / 3_600) % 24, 'h'],
    [Math.floor(s / 60) % 60, 'min'],
    [s % 60, 's'],
  ];
  const first = units.findIndex(([n]) => n > 0);
  if (first === -1) return '0 s';
  return units
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
}

export function formatStatus(status: AgentStatus, lang: Lang, now: Date): string {
  const l = LABELS[lang];
  const urls = status.lanAddresses.map((address) => `https://${address}/`).join(', ');
  const lines = [
    `tibox ${status.version}, ${l.up} ${formatDuration(status.uptimeS)}`,
    `${l.serial}: ${provisioningText(status.provisioning, l)}`,
    `${l.webui}: ${urls === '' ? l.noLanAddress : urls}`,
    `  ${l.certificate}: ${status.webui.certificateSha256 ?? l.noCertificate}`,
    '',
  ];

  if (status.subsystems.length === 0) {
    lines.push(l.noSubsystems);
  } else {
    const rows = status.subsystems.map((s) => [
      s.name,
      s.state,
      l.ago(formatDuration((now.getTime() - Date.parse(s.since)) / 1000)),
      s.detail ?? '',
    ]);
    lines.push(...alignColumns([[l.subsystem, l.state, l.since, l.detail], ...rows]));
  }

  lines.push('', ...formatTunnel(status.tunnel, lang, now), l.mtu(status.mtu));
  if (status.pendingChange) lines.push('', ...formatPendingChange(status.pendingChange, lang, now));

  lines.push('', `${l.health}:`);
  if (status.health.length === 0) lines.push(`  ${l.healthy}`);
  const severityWidth = Math.max(...Object.values(l.severity).map((s) => s.length));
  for (const w of status.health) {
    const impact = w.impactsTi ? ` (${l.impactsTi})` : '';
    lines.push(`  ${l.severity[w.severity].padEnd(severityWidth)}  ${w.text[lang]}${impact}`);
    const indent = ' '.repeat(severityWidth + 4);
    lines.push(`${indent}[${w.code}] ${l.ago(formatDuration((now.getTime() - Date.parse(w.since)) / 1000))}`);
    if (w.detail !== undefined) lines.push(`${indent}${w.detail}`);
  }
  return lines.join('\n') + '\n';
}

function provisioningText(p: AgentStatus['provisioning'], l: Labels): string {
  if (p.state === 'provisioned') return `${p.serial} (${l.provisioned(p.provisionedAt)})`;
  return p.state === 'missing' ? l.notProvisioned : l.unreadable;
}

/** A network change awaiting confirmation: which, by whom, and the time left by the caller's clock. */
export function formatPendingChange(pending: PendingSummary, lang: Lang, now: Date): string[] {
  const l = LABELS[lang];
  return [
    l.pending(pending.revision, pending.paths.join(', '), pending.actor),
    l.rolledBackIn(formatDuration((Date.parse(pending.deadline) - now.getTime()) / 1000)),
  ];
}

/** Bytes in the largest fitting unit, 1000-based: '512 B', '1.2 kB', '3.4 MB'. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The tunnel's lines: state and gateway, traffic, what judged it, last error, next attempt, recent history. */
export function formatTunnel(t: TunnelStatus, lang: Lang, now: Date): string[] {
  const l = LABELS[lang];
  const since = (iso: string) => l.ago(formatDuration((now.getTime() - Date.parse(iso)) / 1000));
  const lines = [`${l.tunnel}: ${t.state}${t.gateway ? ` ${l.via} ${t.gateway}` : ''}, ${since(t.since)}`];
  const { bytesIn, bytesOut, packetsIn, packetsOut } = t.traffic;
  lines.push(`  ${l.traffic}: ${formatBytes(bytesIn)} / ${formatBytes(bytesOut)} (in / out), ${packetsIn} / ${packetsOut} packets`);
  if (t.evidence) lines.push(`  ${l.judgedBy}: ${l.evidence[t.evidence.kind]}, ${since(t.evidence.at)}`);
  if (t.lastError) lines.push(`  ${l.lastError}: ${t.lastError.reason}, ${since(t.lastError.at)}${t.lastError.detail ? ` (${t.lastError.detail})` : ''}`);
  if (t.nextAttemptAt) lines.push(`  ${l.nextAttempt}: ${l.in(formatDuration((Date.parse(t.nextAttemptAt) - now.getTime()) / 1000))}`);
  if (t.history.length > 0) {
    lines.push(`  ${l.history}:`);
    for (const e of t.history.slice(0, 5)) {
      lines.push(`    ${e.at}  ${[e.state, e.gateway, e.reason, e.evidence && `(${l.judgedBy} ${l.evidence[e.evidence]})`].filter(Boolean).join('  ')}`);
    }
  }
  return lines;
}
