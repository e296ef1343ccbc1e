// `tibox config show|set|audit`: the effective configuration, a change of several settings in one
// transaction, and the audit log. The CLI types each value by the agent's own description of its
// schema (config.describe) and refuses an unknown key before anything is sent; the agent checks
// every value and commits all of them or none.
import type { AuditEntry, FieldDescription } from '../store/index.ts';
import { EXIT_OK, JSON_OPTION, UsageError, type Command, type CommandContext } from './command.ts';
import { formatAudit, formatCommit, formatSettings, parseAssignments, selectFields, valueAt, type CommitAnswer, type ConfigData } from './configText.ts';

async function describeFields({ client }: CommandContext): Promise<FieldDescription[]> {
  return (await client().action('config.describe')) as FieldDescription[];
}

export const configShowCommand: Command = {
  words: ['config', 'show'],
  synopsis: '[GROUP|KEY] [--json]',
  summary: 'Show the settings in effect, or a group or one of them, as KEY=VALUE lines',
  options: { json: { type: 'boolean', description: 'Print the settings and the revision as JSON, for scripts' } },
  maxPositionals: 1,
  example: ['config', 'show', 'practice'],
  async run(context) {
    const { io, values, positionals, client } = context;
    const fields = selectFields(await describeFields(context), positionals[0]);
    const { config, revision } = (await client().action('config.get')) as { config: ConfigData; revision: number };
    if (values.json) {
      const settings = Object.fromEntries(fields.map((f) => [f.path, valueAt(config, f.path)]));
      io.stdout(JSON.stringify({ revision, settings }, null, 2) + '\n');
    } else {
      io.stdout(formatSettings(config, fields));
    }
    return EXIT_OK;
  },
};

export const configSetCommand: Command = {
  words: ['config', 'set'],
  synopsis: 'KEY=VALUE... [--json]',
  summary: 'Change settings in one transaction; one bad value and nothing changes',
  options: JSON_OPTION,
  maxPositionals: 64,
  example: ['config', 'set', 'practice.name=Praxis Dr. Muster', 'practice.bsnr=021234500'],
  async run(context) {
    const change = parseAssignments(context.positionals, await describeFields(context));
    const answer = (await context.client().action('config.commit', { change })) as CommitAnswer;
    context.io.stdout(context.values.json ? JSON.stringify(answer, null, 2) + '\n' : formatCommit(answer));
    return EXIT_OK;
  },
};

export const configAuditCommand: Command = {
  words: ['config', 'audit'],
  synopsis: '[--limit N] [--json]',
  summary: 'Show who changed which setting when, from what to what, newest first',
  options: { limit: { type: 'string', value: 'N', description: 'Show at most the N newest changes (default 50, at most 1000)' }, ...JSON_OPTION },
  maxPositionals: 0,
  example: ['config', 'audit', '--limit', '20'],
  async run({ io, values, client }) {
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
      throw new UsageError("option '--limit' needs a whole number from 1 to 1000", ['config', 'audit']);
    }
    const entries = (await client().action('config.audit', limit === undefined ? {} : { limit })) as AuditEntry[];
    io.stdout(values.json ? JSON.stringify(entries, null, 2) + '\n' : formatAudit(entries));
    return EXIT_OK;
  },
};

export const configCommands: readonly Command[] = [configShowCommand, configSetCommand, configAuditCommand];
