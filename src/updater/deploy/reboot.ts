// The box's reboot as an interface: the deployment and the health commit ask for one, the box
// reboots by systemd, the lab by its own reboot, which honours the lab's bootloader.
import type { Runner } from '../../core/index.ts';

export interface Reboot {
  /** Asks for the reboot; the agent is stopped by it soon after. `reason` goes to the log. */
  reboot(reason: string): Promise<void>;
}

export const SYSTEMD_REBOOT: readonly string[] = ['systemctl', 'reboot'];

/** A reboot by a command (argument array): `systemctl reboot` on the box. */
export function commandReboot(runner: Runner, argv: readonly string[] = SYSTEMD_REBOOT): Reboot {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('the reboot command is empty');
  return {
    async reboot() {
      await runner.run(command, args, { timeoutMs: 30_000 });
    },
  };
}
