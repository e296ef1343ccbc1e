// `tibox tunnel up|down|restart|status`: support brings the tunnel up or down by hand
// (gemSpec_Kon TIP1-A_4778) or builds it anew; each prints the tunnel's state afterwards.
import type { TunnelStatus } from '../../ipsec/index.ts';
import { EXIT_OK, type Command } from './command.ts';
import { formatTunnel } from './formatStatus.ts';

function tunnelCommand(word: 'up' | 'down' | 'restart' | 'status', summary: string): Command {
  return {
    words: ['tunnel', word],
    synopsis: '[--json]',
    summary,
    options: { json: { type: 'boolean', description: "Print the tunnel's state as JSON, for scripts" } },
    maxPositionals: 0,
    example: ['tunnel', word],
    async run({ io, lang, values, client }) {
      const tunnel = (await client().action(`tunnel.${word}`, {})) as TunnelStatus;
      io.stdout(values.json ? JSON.stringify(tunnel, null, 2) + '\n' : formatTunnel(tunnel, lang, io.now()).join('\n') + '\n');
      return EXIT_OK;
    },
  };
}

export const tunnelStatusCommand = tunnelCommand('status', 'Show the tunnel: state, gateway, traffic, last error, history');

export const tunnelCommands: readonly Command[] = [
  tunnelStatusCommand,
  tunnelCommand('up', 'Bring the tunnel up (after `tunnel down`)'),
  tunnelCommand('down', 'Take the tunnel down and keep it down; TI traffic is blocked meanwhile'),
  tunnelCommand('restart', 'Build the tunnel anew'),
];
