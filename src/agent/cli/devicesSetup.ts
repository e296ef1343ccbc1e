// `tibox devices setup DEVICE`: what to configure on a registered device, ready to paste. For a
// PVS host the Windows and the Linux commands (or one of them), for a terminal the values for its
// network menu. The adapter names only fill in the text; the agent checks them.
import type { SetupText } from '../../lan/inventory/index.ts';
import { EXIT_OK, UsageError, type Command } from './command.ts';

export const devicesSetupCommand: Command = {
  words: ['devices', 'setup'],
  synopsis: 'DEVICE [--windows|--linux] [--windows-interface N] [--linux-interface N]',
  summary: "Print a PVS host's TI setup commands (a terminal's network values)",
  options: {
    windows: { type: 'boolean', description: 'Only the Windows commands (netsh, PowerShell)' },
    linux: { type: 'boolean', description: 'Only the Linux commands (NetworkManager, systemd-resolved)' },
    'windows-interface': { type: 'string', value: 'N', description: "The Windows adapter's name to put in the commands (default Ethernet)" },
    'linux-interface': { type: 'string', value: 'N', description: "The Linux network card's name to put in the commands (default eth0)" },
    json: { type: 'boolean', description: 'Print the setup texts as JSON, for scripts' },
  },
  maxPositionals: 1,
  example: ['devices', 'setup', 'PVS reception', '--windows', '--windows-interface', 'Ethernet 2'],
  async run({ io, values, positionals, client }) {
    const device = positionals[0];
    if (device === undefined) throw new UsageError('devices setup needs the DEVICE (name or id)');
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
