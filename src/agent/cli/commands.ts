// The table of `tibox` commands. A new command is one entry here (and its own file when it has
// logic): its words, synopsis, options and run function; the help is generated from this table.
import { EXIT_OK, type Command } from './command.ts';
import { statusCommand } from './status.ts';
import { profileImportCommand, profileShowCommand } from './profile.ts';
import { tunnelCommands } from './tunnel.ts';
import { devicesChangeCommand, devicesHistoryCommand, devicesListCommand, devicesRegisterCommand, devicesRemoveCommand } from './devices.ts';
import { devicesNeighboursCommand, devicesTerminalsCommand } from './devicesSeen.ts';
import { devicesSetupCommand } from './devicesSetup.ts';
import { fwPrintCommand } from './firewall.ts';
import { fwWhyCommand } from './firewallWhy.ts';
import { DEFAULT_CONTROL_SOCKET } from '../../control/socketPath.ts';

const helpCommand: Command = {
  words: ['help'],
  synopsis: '',
  summary: 'Show this help',
  options: {},
  maxPositionals: 0,
  async run({ io }) {
    io.stdout(helpText());
    return EXIT_OK;
  },
};

// Device inventory (src/lan/inventory/): registered devices, what the box sees, setup text.
const deviceCommands: readonly Command[] = [
  devicesListCommand, devicesRegisterCommand, devicesChangeCommand, devicesRemoveCommand, devicesSetupCommand,
  devicesHistoryCommand, devicesNeighboursCommand, devicesTerminalsCommand,
];

// Firewall (src/firewall/): the ruleset the agent would load, shown without loading it, and why a device was blocked.
const firewallCommands: readonly Command[] = [fwPrintCommand, fwWhyCommand];

export const COMMANDS: readonly Command[] = [statusCommand, profileImportCommand, profileShowCommand, ...tunnelCommands, ...deviceCommands, ...firewallCommands, helpCommand];

export function helpText(): string {
  const entries = COMMANDS.map((c) => [[...c.words, c.synopsis].filter(Boolean).join(' '), c.summary] as const);
  const width = Math.max(...entries.map(([usage]) => usage.length));
  return [
    'Usage: tibox [--socket PATH] <command> [options]',
    '',
    'Commands:',
    ...entries.map(([usage, summary]) => `  ${usage.padEnd(width)}  ${summary}`),
    '',
    'Options:',
    `  --socket PATH  The agent's control socket (else $TIBOX_SOCKET, else ${DEFAULT_CONTROL_SOCKET})`,
    '  -h, --help     Show this help',
    '',
    'Environment:',
    '  TIBOX_LANG=de  German text for health warnings and labels (default English)',
    '',
  ].join('\n');
}
