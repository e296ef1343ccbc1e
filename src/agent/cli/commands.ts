// The table of `tibox` commands. A new command is one entry here (and its own file when it has
// logic): its words, synopsis, options, example and run function; the help is generated from
// this table.
import { findCommand } from './args.ts';
import { EXIT_OK, type Command } from './command.ts';
import { commandHelp, overviewHelp } from './help.ts';
import { statusCommand } from './status.ts';
import { profileImportCommand, profileShowCommand } from './profile.ts';
import { tunnelCommands } from './tunnel.ts';
import { devicesChangeCommand, devicesHistoryCommand, devicesListCommand, devicesRegisterCommand, devicesRemoveCommand } from './devices.ts';
import { devicesNeighboursCommand, devicesTerminalsCommand } from './devicesSeen.ts';
import { devicesSetupCommand } from './devicesSetup.ts';
import { fwPrintCommand } from './firewall.ts';

const helpCommand: Command = {
  words: ['help'],
  synopsis: '[COMMAND]',
  summary: "Show this help, or a command's",
  options: {},
  maxPositionals: 2,
  example: ['help', 'devices', 'register'],
  async run({ io, positionals }) {
    io.stdout(helpText(findCommand(positionals, COMMANDS)));
    return EXIT_OK;
  },
};

// Device inventory (src/lan/inventory/): registered devices, what the box sees, setup text.
const deviceCommands: readonly Command[] = [
  devicesListCommand, devicesRegisterCommand, devicesChangeCommand, devicesRemoveCommand, devicesSetupCommand,
  devicesHistoryCommand, devicesNeighboursCommand, devicesTerminalsCommand,
];

// Firewall (src/firewall/): the ruleset the agent would load, shown without loading it.
const firewallCommands: readonly Command[] = [fwPrintCommand];

export const COMMANDS: readonly Command[] = [statusCommand, profileImportCommand, profileShowCommand, ...tunnelCommands, ...deviceCommands, ...firewallCommands, helpCommand];

/** A command's own help, or (no command named) the overview. */
export function helpText(command: Command | undefined): string {
  return command ? commandHelp(command) : overviewHelp(COMMANDS);
}
