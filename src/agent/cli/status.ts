// `tibox status [--json]`: the agent's status, for people or, with --json, for scripts.
import { EXIT_OK, type Command } from './command.ts';
import { formatStatus } from './formatStatus.ts';

export const statusCommand: Command = {
  words: ['status'],
  synopsis: '[--json]',
  summary: 'Show version, uptime, subsystems and health warnings',
  options: { json: { type: 'boolean', description: 'Print the status as JSON, for scripts' } },
  maxPositionals: 0,
  example: ['status'],
  async run({ io, lang, values, client }) {
    const status = await client().status();
    io.stdout(values.json ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status, lang, io.now()));
    return EXIT_OK;
  },
};
