// The installation protocols as the control API offers them: `protocol.make` writes one from the
// box as it is and the function test's last run, `protocol.list` names the kept ones, and
// `protocol.get` answers one as its content (JSON) or as a PDF in German or English. A protocol is
// a few kilobytes, so the PDF travels in the action's answer, base64-encoded, not as a download.
// One is made at a time, so two callers at once never take the same number.
import { SerialQueue, TiboxError, type ControlActions, type Logger } from '../../core/index.ts';
import { entryOf, protocolContent, type ProtocolContent, type ProtocolEntry, type ProtocolFacts } from './protocolContent.ts';
import { renderProtocolPdf } from './protocolPdf.ts';
import type { ProtocolStore } from './protocolStore.ts';
import { PROTOCOL_LANGUAGES, type ProtocolLanguage } from './protocolTexts.ts';

export interface ProtocolsDeps {
  readonly store: ProtocolStore;
  /** The box as it is now, with the function test's last run. */
  readonly facts: () => Promise<ProtocolFacts>;
  readonly audit: (actor: string, action: string, detail: Record<string, unknown>) => void;
  readonly log: Logger;
}

export interface ProtocolRequest {
  /** The newest when absent. */
  readonly id?: number;
  readonly language: ProtocolLanguage;
  readonly format: 'pdf' | 'json';
}

export type ProtocolAnswer =
  | { readonly id: number; readonly format: 'json'; readonly content: ProtocolContent }
  | { readonly id: number; readonly format: 'pdf'; readonly language: ProtocolLanguage; readonly filename: string; readonly pdf: string };

export class Protocols {
  private readonly deps: ProtocolsDeps;
  private readonly queue = new SerialQueue();

  constructor(deps: ProtocolsDeps) {
    this.deps = deps;
  }

  registerActions(actions: ControlActions): void {
    actions.register('protocol.make', (_args, { actor }) => this.make(actor));
    actions.register('protocol.list', () => this.list());
    actions.register('protocol.get', (args) => this.get(readProtocolRequest(args)));
  }

  make(actor: string): Promise<ProtocolEntry> {
    return this.queue.run(async () => {
      const { store } = this.deps;
      const content = protocolContent(await this.deps.facts(), await store.nextId());
      await store.add(content);
      const entry = entryOf(content);
      this.deps.audit(actor, 'protocol.make', { id: entry.id, verdict: entry.verdict, staleness: entry.staleness });
      this.deps.log.info({ actor, ...entry }, 'installation protocol made');
      return entry;
    });
  }

  /** The kept protocols, newest first. */
  async list(): Promise<ProtocolEntry[]> {
    const { store } = this.deps;
    const entries: ProtocolEntry[] = [];
    for (const id of await store.ids()) {
      const content = await store.read(id);
      if (content) entries.push(entryOf(content));
    }
    return entries;
  }

  async get(request: ProtocolRequest): Promise<ProtocolAnswer> {
    const { store } = this.deps;
    const ids = await store.ids();
    const id = request.id ?? ids[0];
    const content = id === undefined ? undefined : await store.read(id);
    if (!content) {
      const kept = ids.length === 0 ? 'make one with `tibox protocol make`' : `the box keeps numbers ${ids.slice(-1)[0]} to ${ids[0]}`;
      throw new TiboxError('TIBOX_PROTOCOL_NOT_FOUND', { which: request.id === undefined ? 'kept' : `number ${request.id}`, kept });
    }
    if (request.format === 'json') return { id: content.id, format: 'json', content };
    const pdf = await renderProtocolPdf(content, request.language);
    return { id: content.id, format: 'pdf', language: request.language, filename: protocolFilename(content, request.language), pdf: pdf.toString('base64') };
  }
}

export function protocolFilename(content: Pick<ProtocolContent, 'id' | 'createdAt'>, language: ProtocolLanguage): string {
  const word = language === 'de' ? 'Installationsprotokoll' : 'installation-protocol';
  return `${word}-${content.id}-${content.createdAt.slice(0, 10)}.pdf`;
}

/** `{ id?, lang?, format? }`: a bad value is refused in words. */
export function readProtocolRequest(args: unknown): ProtocolRequest {
  const input = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !['id', 'lang', 'format'].includes(key));
  if (unknown.length > 0) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `unknown argument ${unknown.join(', ')}; protocol.get takes id, lang and format` });
  const { id, lang = 'de', format = 'pdf' } = input;
  if (id !== undefined && (typeof id !== 'number' || !Number.isInteger(id) || id < 1)) {
    throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `id must be a protocol's number, a whole number from 1; got ${JSON.stringify(id)}` });
  }
  if (!PROTOCOL_LANGUAGES.includes(lang as ProtocolLanguage)) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `lang must be de or en; got ${JSON.stringify(lang)}` });
  if (format !== 'pdf' && format !== 'json') throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `format must be pdf or json; got ${JSON.stringify(format)}` });
  return { ...(id === undefined ? {} : { id }), language: lang as ProtocolLanguage, format };
}
