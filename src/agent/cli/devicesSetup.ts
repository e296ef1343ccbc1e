// `tibox devices setup DEVICE`: what to configure on a registered device, ready to paste. For a
// PVS host the Windows and the Linux commands (or one of them), for a terminal the values for its
// network menu. The adapter names only fill in the text; the agent checks them.
import type { SetupText } from '../../lan/inventory/index.ts';
import { EXIT_OK, EXIT_USAGE, type Command } from './command.ts';

export const devicesSetupCommand: Command = {
  words: ['devices', 'setup'],
  synopsis: 'DEVICE [--windows|--linux] [--windows-interface N] [--linux-interface N]',
  summary: "Print a PVS host's TI setup commands (a terminal's network values)",
  options: {
    windows: { type: 'boolean' },
    linux: { type: 'boolean' },
    'windows-interface': { type: 'string' },
    'linux-interface': { type: 'string' },
    json: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run({ io, values, positionals, client }) {
    const device = positionals[0];
    if (device === undefined) {
      io.stderr("tibox: devices setup needs the DEVICE (name or id)\nRun 'tibox help' for usage.\n");
      return EXIT_USAGE;
    }
    const args = {
      device,
      ...(typeof values['windows-interface'] === 'string' ? { windowsInterface: values['windows-interface'] } : {}),
      ...(typeof values['linux-interface'] === 'string' ? { linuxInterface: values['linux-interface'] } : {}),
    };
    const setup = (await client().action('devices.setupCommands', args)) as SetupText;
    if (values.json) io.stdout(JSON.stringify(setup, null, 2) + '\n');
    else if (setup.kind === 'terminal') io.stdout(setup.terminal);
    else io.stdout([values.linux ? '' : setup.windows, values.windows ? '' : setup.linux].filter(Boolean).join('\n'));
    return EXIT_OK;
  },
};
