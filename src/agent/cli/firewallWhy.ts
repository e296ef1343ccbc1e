// `tibox fw why <device>`: why a registered device was blocked, from its own counters and the drop
// log (OPNsense's live log and `pfctl -vvsr` in one answer, for one device). The device is named
// by its id, name, TI address or MAC.
import { DROP_REASONS, type WhyReport } from '../../firewall/index.ts';
import { EXIT_OK, EXIT_USAGE, type Command } from './command.ts';
import { formatWhy } from './formatWhy.ts';

export const fwWhyCommand: Command = {
  words: ['fw', 'why'],
  synopsis: '<name|id|address|mac> [--limit N] [--json]',
  summary: "Show a device's accepted and dropped counters and its last drops, with the reason",
  options: { json: { type: 'boolean' }, limit: { type: 'string' } },
  maxPositionals: 1,
  async run({ io, values, positionals, client }) {
    const device = positionals[0];
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (device === undefined || (limit !== undefined && !Number.isInteger(limit))) {
      io.stderr("tibox: fw why needs the device (its name, id, TI address or MAC), and --limit a whole number\nRun 'tibox help' for usage.\n");
      return EXIT_USAGE;
    }
    const report = (await client().action('firewall.why', { device, ...(limit === undefined ? {} : { limit }) })) as WhyReport;
    io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : formatWhy(report, DROP_REASONS));
    return EXIT_OK;
  },
};
