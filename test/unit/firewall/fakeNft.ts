// A fake nft for the firewall's tests: records each call as `nft <args>`; a `-f` load replaces
// the "kernel" table with its input, and `-s list table` shows it (exit 1 while there is none:
// a test sets `table` to undefined as `nft flush ruleset` would). It refuses (as `nft -c` would,
// before anything is loaded) every ruleset while `refuse` is true, or those `refuse` picks out.
import { CommandError, type RunOptions, type RunResult, type Runner } from '../../../src/core/runner.ts';

export class FakeNft implements Runner {
  readonly calls: string[] = [];
  table: string | undefined;
  refuse: boolean | ((ruleset: string) => boolean) = false;

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push([command, ...args].join(' '));
    if (args[0] === '-s' && args[1] === 'list') {
      return this.table === undefined ? { stdout: '', stderr: 'Error: No such file or directory', code: 1 } : { stdout: this.table, stderr: '', code: 0 };
    }
    const input = String(options.input);
    if (this.refuse === true || (typeof this.refuse === 'function' && this.refuse(input))) {
      throw new CommandError(command, args, 1, 'Error: Could not process rule', false, null);
    }
    if (args[0] === '-f') this.table = input;
    return { stdout: '', stderr: '', code: 0 };
  }
}

/** For a firewall that is never started, or whose tests call for a check themselves: no events. */
export const NO_MONITOR = { watch: () => () => undefined };

/** For a firewall whose tests do not look at the health list. */
export const NO_HEALTH = { raise: () => undefined, clear: () => undefined };
