// Tells the firewall that some ruleset in the kernel changed: `nft monitor` prints a line for each
// table, chain, rule, set or element anyone adds or deletes, our own loads included. The firewall
// then compares its table with what it loaded; the monitor only says when to look. It runs for as
// long as someone watches and is started again when it exits, so `nft flush ruleset` or a foreign
// table (Debian's own nftables.service starts with a flush) is seen within moments, not at the
// next safety-net check.
import type { Logger, ProcessHandle, startProcess } from '../core/index.ts';

/** How long to wait before starting nft monitor again after it exited. */
const RESTART_MS = 1_000;

export interface NftMonitorOptions {
  readonly log: Logger;
  /** core's startProcess; tests pass a fake. */
  readonly startProcess: typeof startProcess;
  readonly netns?: string;
}

export class NftMonitor {
  private readonly options: NftMonitorOptions;

  constructor(options: NftMonitorOptions) {
    this.options = options;
  }

  /** Calls `onChange` for each change of any ruleset; the returned function stops watching. */
  watch(onChange: () => void): () => void {
    let monitor: ProcessHandle | undefined;
    let restart: NodeJS.Timeout | undefined;
    let watching = true;
    const launch = () => {
      const started = this.options.startProcess('nft', ['monitor'], {
        ...(this.options.netns ? { netns: this.options.netns } : {}),
        onStdoutLine: (line) => {
          if (line.trim() !== '') onChange();
        },
      });
      monitor = started;
      const gone = (exit: unknown) => {
        if (!watching) return;
        this.options.log.warn({ exit }, 'nft monitor exited; starting it again');
        // Whatever changed while nobody watched is looked at now.
        onChange();
        restart = setTimeout(launch, RESTART_MS);
      };
      started.exited.then(gone, gone);
    };
    launch();
    return () => {
      watching = false;
      clearTimeout(restart);
      monitor?.kill('SIGTERM');
    };
  }
}
