// `tibox update status`: remote management as the box sees it: the management endpoint and the
// controller id, the way to it (tunnel or internet), the last poll and its outcome, the next
// poll, and the action in hand; with RAUC the system's slots and the versions in them, an update
// that awaits its health check, and the last update's outcome. The text is pure (the same status
// and `now` give the same lines), in English or German.
import type { SystemStatus, UpdateStatus } from '../../updater/index.ts';
import { EXIT_OK, type Command, type Lang } from './command.ts';
import { formatBytes, formatDuration } from './formatStatus.ts';

const LABELS = {
  en: {
    title: 'Remote management',
    off: 'off',
    endpoint: 'endpoint',
    controller: 'controller id',
    way: 'way',
    tunnel: 'through the tunnel',
    internet: (address: string) => `over the internet to ${address} (the tunnel is down)`,
    lastPoll: 'last poll',
    never: 'none yet',
    ok: 'ok',
    failed: (n: number) => `failed (${n} in a row)`,
    nextPoll: 'next poll',
    interval: 'server interval',
    action: 'action',
    none: 'none',
    artifacts: (n: number) => `${n} ${n === 1 ? 'artifact' : 'artifacts'}`,
    ago: (d: string) => `${d} ago`,
    in: (d: string) => `in ${d}`,
    system: 'System',
    runs: (slot: string, version: string) => `slot ${slot} runs version ${version}`,
    unreadable: (error: string) => `RAUC could not be read: ${error}`,
    slot: 'slot',
    version: 'version',
    noVersion: 'no version installed by RAUC',
    pending: (version: string, slot: string, boots: number, committed: boolean) =>
      committed ? `version ${version} in slot ${slot} marked good; the report to the server is due` : `version ${version} in slot ${slot} awaits its health check (boot ${boots})`,
    lastUpdate: 'last update',
    noUpdate: 'none yet',
    results: { success: 'success', failure: 'failure' },
    actionNo: (id: string) => `action ${id}`,
  },
  de: {
    title: 'Fernwartung',
    off: 'aus',
    endpoint: 'Endpunkt',
    controller: 'Controller-ID',
    way: 'Weg',
    tunnel: 'durch den Tunnel',
    internet: (address: string) => `über das Internet zu ${address} (der Tunnel ist unterbrochen)`,
    lastPoll: 'letzte Abfrage',
    never: 'noch keine',
    ok: 'ok',
    failed: (n: number) => `fehlgeschlagen (${n} in Folge)`,
    nextPoll: 'nächste Abfrage',
    interval: 'Intervall des Servers',
    action: 'Auftrag',
    none: 'keiner',
    artifacts: (n: number) => `${n} ${n === 1 ? 'Artefakt' : 'Artefakte'}`,
    ago: (d: string) => `vor ${d}`,
    in: (d: string) => `in ${d}`,
    system: 'System',
    runs: (slot: string, version: string) => `Slot ${slot} läuft mit Version ${version}`,
    unreadable: (error: string) => `RAUC nicht lesbar: ${error}`,
    slot: 'Slot',
    version: 'Version',
    noVersion: 'keine Version von RAUC installiert',
    pending: (version: string, slot: string, boots: number, committed: boolean) =>
      committed ? `Version ${version} in Slot ${slot} als gut markiert; die Meldung an den Server steht aus` : `Version ${version} in Slot ${slot} wartet auf ihre Gesundheitsprüfung (Start ${boots})`,
    lastUpdate: 'letztes Update',
    noUpdate: 'noch keines',
    results: { success: 'erfolgreich', failure: 'fehlgeschlagen' },
    actionNo: (id: string) => `Auftrag ${id}`,
  },
} as const;

function formatSystem(system: SystemStatus, lang: Lang, now: Date): string[] {
  const l = LABELS[lang];
  const booted = system.slots.find((slot) => slot.bootname === system.booted);
  const head = system.error !== undefined ? l.unreadable(system.error) : l.runs(system.booted ?? '?', booted?.version ?? '?');
  const lines = [`${l.system}: ${head}`];
  for (const slot of system.slots) {
    lines.push(`  ${l.slot} ${slot.bootname ?? '-'} (${slot.name}): ${slot.state}, ${slot.bootStatus ?? '-'}, ${slot.version === undefined ? l.noVersion : `${l.version} ${slot.version}`}`);
  }
  const { pending, lastOutcome: last } = system;
  if (pending) lines.push(`  ${l.pending(pending.version, pending.slot, pending.boots, pending.committed)}`);
  const when = (iso: string) => l.ago(formatDuration((now.getTime() - Date.parse(iso)) / 1000));
  lines.push(
    `  ${l.lastUpdate}: ${
      last
        ? [l.results[last.result], ...(last.version ? [`${l.version} ${last.version}`] : []), when(last.at), ...(last.actionId ? [l.actionNo(last.actionId)] : [])].join(', ') + `: ${last.details.join('; ')}`
        : l.noUpdate
    }`,
  );
  return lines;
}

export function formatUpdateStatus(status: UpdateStatus, lang: Lang, now: Date): string[] {
  const system = status.system ? formatSystem(status.system, lang, now) : [];
  return [...formatManagement(status, lang, now), ...system];
}

function formatManagement(status: UpdateStatus, lang: Lang, now: Date): string[] {
  const l = LABELS[lang];
  if (!status.configured) return [`${l.title}: ${l.off} (${status.reason})`];
  const ago = (ms: number) => l.ago(formatDuration((now.getTime() - ms) / 1000));
  const way = status.way.kind === 'tunnel' ? l.tunnel : l.internet(status.way.address);
  const lines = [`${l.title}: ${status.base}`, `  ${l.controller}: ${status.controllerId}`, `  ${l.way}: ${way}`];
  const last = status.lastPoll;
  lines.push(`  ${l.lastPoll}: ${last ? `${ago(last.at)}, ${last.ok ? l.ok : `${l.failed(status.failures)}: ${last.error ?? ''}`}` : l.never}`);
  if (status.nextPollAt !== undefined) lines.push(`  ${l.nextPoll}: ${l.in(formatDuration((status.nextPollAt - now.getTime()) / 1000))}`);
  if (status.pollingSleepMs !== undefined) lines.push(`  ${l.interval}: ${formatDuration(status.pollingSleepMs / 1000)}`);
  const action = status.action;
  lines.push(
    `  ${l.action}: ${
      action
        ? `${action.id} ${action.phase}, ${formatBytes(action.bytes.have)} / ${formatBytes(action.bytes.size)} (${l.artifacts(action.artifacts)})${action.error ? `: ${action.error}` : ''}${action.detail ? `: ${action.detail}` : ''}`
        : l.none
    }`,
  );
  return lines;
}

export const updateStatusCommand: Command = {
  words: ['update', 'status'],
  synopsis: '[--json]',
  summary: 'Show remote management and the system: way, polls, the action in hand, slots, versions, the last update',
  options: { json: { type: 'boolean', description: 'Print it as JSON, for scripts' } },
  maxPositionals: 0,
  example: ['update', 'status'],
  async run({ io, lang, values, client }) {
    const status = (await client().action('update.status', {})) as UpdateStatus;
    io.stdout(values.json ? JSON.stringify(status, null, 2) + '\n' : formatUpdateStatus(status, lang, io.now()).join('\n') + '\n');
    return EXIT_OK;
  },
};
