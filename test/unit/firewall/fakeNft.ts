// A fake nft for the firewall's tests: records each call as `nft <args>`; a `-f` load replaces
// the "kernel" table with its input. It refuses (as `nft -c` would, before anything is loaded)
// every ruleset while `refuse` is true, or those `refuse` picks out.
import { CommandError, type RunOptions, type RunResult, type Runner } from '../../../src/core/runner.ts';

export class FakeNft implements Runner {
  readonly calls: string[] = [];
  table: string | undefined;
  refuse: boolean | ((ruleset: string) => boolean) = false;

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push([command, ...args].join(' '));
    const input = String(options.input);
    if (this.refuse === true || (typeof this.refuse === 'function' && this.refuse(input))) {
      throw new CommandError(command, args, 1, 'Error: Could not process rule', false, null);
    }
    if (args[0] === '-f') this.table = input;
    return { stdout: '', stderr: '', code: 0 };
  }
}
