// `tibox factory-reset --confirm SERIAL`: the box back to its factory state, the security log,
// the provisioning data and the box's keys kept (docs/system.md). The serial number typed is the
// confirmation, as a router asks for a word: the agent checks it, so no script resets a box by a
// slip of the command line.
import { EXIT_OK, UsageError, type Command } from './command.ts';

export const factoryResetCommand: Command = {
  words: ['factory-reset'],
  synopsis: '--confirm SERIAL',
  summary: 'Reset the box to its factory state (settings, devices, VPN profile, web UI password); the security log stays',
  options: { confirm: { type: 'string', value: 'SERIAL', description: "The box's serial number (see `tibox status`), or RESET on a box without one" } },
  maxPositionals: 0,
  example: ['factory-reset', '--confirm', 'TBX-00012345'],
  async run(context) {
    const confirm = context.values.confirm;
    if (typeof confirm !== 'string') throw new UsageError("factory-reset needs --confirm with the box's serial number");
    const { revision } = (await context.client().action('system.factoryReset', { confirm })) as { revision: number };
    context.io.stdout(`The box is reset to its factory state (configuration revision ${revision}). The web UI takes the initial password again.\n`);
    return EXIT_OK;
  },
};
