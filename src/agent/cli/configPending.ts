// `tibox config pending|confirm|rollback`: the network change awaiting confirmation (src/agent/
// pending/). A change to a network setting is in force at once and returns by itself unless it is
// confirmed in time, from wherever the box can still be reached, as in LuCI.
import type { PendingSummary } from '../pending/pendingChange.ts';
import type { CommitResult } from '../store/index.ts';
import { EXIT_OK, JSON_OPTION, UsageError, type Command, type CommandContext, type Lang } from './command.ts';
import { formatPendingChange } from './formatStatus.ts';

const WORDS: Record<Lang, { none: string; confirmed: (revision: number, paths: string) => string; rolledBack: (revision: number) => string }> = {
  en: {
    none: 'No network change awaits confirmation.',
    confirmed: (revision, paths) => `Revision ${revision} (${paths}) confirmed: it stays.`,
    rolledBack: (revision) => `Rolled back, as revision ${revision}:`,
  },
  de: {
    none: 'Keine Netzwerkänderung wartet auf Bestätigung.',
    confirmed: (revision, paths) => `Revision ${revision} (${paths}) bestätigt: sie bleibt.`,
    rolledBack: (revision) => `Zurückgenommen, als Revision ${revision}:`,
  },
};

function print({ io, values }: CommandContext, value: unknown, lines: readonly string[]): number {
  io.stdout(values.json ? JSON.stringify(value, null, 2) + '\n' : lines.join('\n') + '\n');
  return EXIT_OK;
}

export const configPendingCommand: Command = {
  words: ['config', 'pending'],
  synopsis: '[--json]',
  summary: 'Show the network change awaiting confirmation, and the time left before it is rolled back',
  options: JSON_OPTION,
  maxPositionals: 0,
  example: ['config', 'pending'],
  async run(context) {
    const pending = (await context.client().action('config.pending')) as PendingSummary | null;
    return print(context, pending, pending ? formatPendingChange(pending, context.lang, context.io.now()) : [WORDS[context.lang].none]);
  },
};

export const configConfirmCommand: Command = {
  words: ['config', 'confirm'],
  synopsis: '[REVISION] [--json]',
  summary: 'Keep the pending network change; with REVISION only if that is the one pending',
  options: JSON_OPTION,
  maxPositionals: 1,
  example: ['config', 'confirm'],
  async run(context) {
    const [text] = context.positionals;
    if (text !== undefined && !/^[1-9]\d{0,8}$/.test(text)) throw new UsageError(`REVISION must be a revision number such as 7, not "${text}"`);
    const confirmed = (await context.client().action('config.confirm', text === undefined ? {} : { revision: Number(text) })) as PendingSummary;
    return print(context, confirmed, [WORDS[context.lang].confirmed(confirmed.revision, confirmed.paths.join(', '))]);
  },
};

export const configRollbackCommand: Command = {
  words: ['config', 'rollback'],
  synopsis: '[--json]',
  summary: 'Roll the pending network change back now, without waiting for its deadline',
  options: JSON_OPTION,
  maxPositionals: 0,
  example: ['config', 'rollback'],
  async run(context) {
    const result = (await context.client().action('config.rollback')) as CommitResult;
    const changes = result.changes.map((c) => `  ${c.path}: ${JSON.stringify(c.old)} -> ${JSON.stringify(c.new)}`);
    return print(context, result, [WORDS[context.lang].rolledBack(result.revision), ...changes]);
  },
};

export const configPendingCommands: readonly Command[] = [configPendingCommand, configConfirmCommand, configRollbackCommand];
