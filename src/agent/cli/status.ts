// `tibox status [--json]`: the agent's status, for people or, with --json, for scripts.
import type { Command } from './command.ts';
import { EXIT_OK } from './command.ts';
import { formatStatus } from './formatStatus.ts';

export const statusCommand: Command = {
  words: ['status'],
  synopsis: '[--json]',
  summary: 'Show version, uptime, subsystems and health warnings',
  options: { json: { type: 'boolean' } },
  maxPositionals: 0,
  async run({ io, lang, values, client }) {
    const status = await client().status();
    io.stdout(values.json ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status, lang, io.now()));
    return EXIT_OK;
  },
};
