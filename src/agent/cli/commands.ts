// The table of `tibox` commands. A new command is one entry here (and its own file when it has
// logic): its words, synopsis, options, example and run function; the help is generated from
// this table. Commands that share a first word form a group, whose word alone runs its default.
import { findCommand, type CommandTable } from './args.ts';
import { EXIT_OK, type Command, type CommandGroup } from './command.ts';
import { commandHelp, groupHelp, overviewHelp } from './help.ts';
import { statusCommand } from './status.ts';
import { profileImportCommand, profileShowCommand } from './profile.ts';
import { tunnelCommands, tunnelStatusCommand } from './tunnel.ts';
import { devicesChangeCommand, devicesHistoryCommand, devicesListCommand, devicesRegisterCommand, devicesRemoveCommand } from './devices.ts';
import { devicesNeighboursCommand, devicesTerminalsCommand } from './devicesSeen.ts';
import { devicesSetupCommand } from './devicesSetup.ts';
import { fwPrintCommand } from './firewall.ts';
import { fwWhyCommand } from './firewallWhy.ts';
import { configCommands, configShowCommand } from './config.ts';
import { provisionCommand } from './provision.ts';
import { configPendingCommands } from './configPending.ts';
import { updateStatusCommand } from './update.ts';
import { backupCommands, backupInspectCommand } from './backup.ts';
import { backupRestoreCommand } from './backupRestore.ts';
import { factoryResetCommand } from './factoryReset.ts';
import { checkCommand } from './check.ts';
import { protocolGetCommand, protocolListCommand, protocolMakeCommand } from './protocol.ts';

const helpCommand: Command = {
  words: ['help'],
  synopsis: '[COMMAND]',
  summary: "Show this help, or a command's",
  options: {},
  maxPositionals: 2,
  example: ['help', 'devices', 'register'],
  async run({ io, positionals }) {
    io.stdout(helpText(findCommand(positionals, TABLE)));
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

// Configuration (src/agent/store/, src/agent/pending/): settings, their audit log, network changes awaiting confirmation.
export const COMMANDS: readonly Command[] = [
  statusCommand, profileImportCommand, profileShowCommand, ...tunnelCommands, ...deviceCommands, ...firewallCommands,
  ...configCommands, ...configPendingCommands, ...backupCommands, backupRestoreCommand, updateStatusCommand, checkCommand,
  protocolGetCommand, protocolMakeCommand, protocolListCommand, provisionCommand, factoryResetCommand, helpCommand,
];

// Each default only shows: a word alone never changes anything.
const GROUPS: readonly CommandGroup[] = [
  { word: 'profile', summary: 'The VPN profile from the datacenter', default: profileShowCommand },
  { word: 'tunnel', summary: 'The IPsec tunnel into the TI', default: tunnelStatusCommand },
  { word: 'devices', summary: 'The registered PVS hosts and card terminals, and what the box sees on its ports', default: devicesListCommand },
  { word: 'fw', summary: 'The firewall', default: fwPrintCommand },
  { word: 'config', summary: "The box's settings, their audit log and network changes awaiting confirmation", default: configShowCommand },
  { word: 'update', summary: 'Remote management and updates', default: updateStatusCommand },
  { word: 'backup', summary: 'Backups of the settings and the registered devices', default: backupInspectCommand },
  { word: 'protocol', summary: 'The installation protocol for the practice (PDF)', default: protocolGetCommand },
];

export const TABLE: CommandTable = { commands: COMMANDS, groups: GROUPS };

/** The help for what the words named: a group, a command, or (nothing named) the overview. */
export function helpText({ command, group }: ReturnType<typeof findCommand>): string {
  if (group) return groupHelp(group, TABLE);
  return command ? commandHelp(command, TABLE) : overviewHelp(TABLE);
}
