// `tibox fw print`: the nftables ruleset the agent would load now, as `nft -f` would read it,
// without loading anything (firewall4's `fw4 print`). Support reads it to see why something is
// blocked; `nft -c -f` checks a saved copy.
import { TiboxError } from '../../core/index.ts';
import { EXIT_OK, type Command } from './command.ts';

export const fwPrintCommand: Command = {
  words: ['fw', 'print'],
  synopsis: '',
  summary: 'Show the firewall ruleset the agent would load now, without loading it',
  options: {},
  maxPositionals: 0,
  example: ['fw', 'print'],
  async run({ io, client }) {
    const answer = await client().action('firewall.print', {});
    const ruleset = (answer as { ruleset?: unknown } | null)?.ruleset;
    if (typeof ruleset !== 'string') throw new TiboxError('TIBOX_CONTROL_BAD_RESPONSE', { reason: 'firewall.print answered without a ruleset' });
    io.stdout(ruleset);
    return EXIT_OK;
  },
};
