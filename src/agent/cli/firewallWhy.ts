// `tibox fw why <device>`: why a registered device was blocked, from its own counters and the drop
// log (OPNsense's live log and `pfctl -vvsr` in one answer, for one device). The device is named
// by its id, name, TI address or MAC.
import { DROP_REASONS, type WhyReport } from '../../firewall/index.ts';
import { EXIT_OK, JSON_OPTION, UsageError, type Command } from './command.ts';
import { formatWhy } from './formatWhy.ts';

export const fwWhyCommand: Command = {
  words: ['fw', 'why'],
  synopsis: 'DEVICE [--limit N] [--json]',
  summary: "Show a device's accepted and dropped counters and its last drops, with the reason",
  options: {
    limit: { type: 'string', value: 'N', description: 'Show at most the N newest drops' },
    ...JSON_OPTION,
  },
  maxPositionals: 1,
  example: ['fw', 'why', 'Empfang'],
  async run({ io, values, positionals, client }) {
    const device = positionals[0];
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (device === undefined) throw new UsageError('fw why needs the device: its name, id, TI address or MAC', ['fw', 'why']);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('option \'--limit\' needs a whole number above 0', ['fw', 'why']);
    const report = (await client().action('firewall.why', { device, ...(limit === undefined ? {} : { limit }) })) as WhyReport;
    io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : formatWhy(report, DROP_REASONS));
    return EXIT_OK;
  },
};
