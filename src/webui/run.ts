// The web UI process (main.ts from a checkout, `tibox webui` in the image): runs until SIGTERM or
// SIGINT, then closes its listeners. On the box its own service starts it as user tibox-web with
// the one capability to bind ports 80 and 443; in the lab the lab starts it the same way in the
// box's namespace.
import { createLogger } from '../core/log.ts';
import { readWebUiCommandLine } from './options.ts';
import { WebUi } from './webui.ts';

export async function runWebUi(args: readonly string[]): Promise<void> {
  const log = createLogger().child({ subsystem: 'webui' });
  const webui = new WebUi({ commandLine: readWebUiCommandLine(args), log });
  const abort = new AbortController();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    abort.abort();
    webui.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.fatal({ err: error }, 'web UI failed to stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await webui.start(abort.signal);
  } catch (error) {
    log.fatal({ err: error }, 'web UI failed to start');
    process.exit(1);
  }
}
