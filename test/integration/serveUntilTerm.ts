// The integration drivers run a module in a namespace until the test ends them: the module's
// sockets and timers never keep a process alive, so this does; SIGTERM stops the module and says
// `stopped` (a test waits for it), a failed stop exits 1. `ready` tells the test it may begin.
import type { Logger } from '../../src/core/index.ts';

export function serveUntilTerm(stop: () => Promise<void>, log: Logger): void {
  const alive = setInterval(() => undefined, 60_000);
  process.on('SIGTERM', () => {
    void stop()
      .then(() => {
        clearInterval(alive);
        process.stdout.write('stopped\n');
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'driver did not stop');
        process.exit(1);
      });
  });
  process.stdout.write('ready\n');
}
