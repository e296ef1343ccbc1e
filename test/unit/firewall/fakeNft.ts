// A fake nft for the firewall's tests: records each call as `nft <args>`; a `-f` load replaces
// the "kernel" table with its input, and `-s list table` shows it (exit 1 while there is none:
// a test sets `table` to undefined as `nft flush ruleset` would). It refuses (as `nft -c` would,
// before anything is loaded) every ruleset while `refuse` is true, or those `refuse` picks out.
// Its named counters start at the values a load declares; `count` plays traffic, and
// `-j list counters` lists them as nft does.
import { CommandError, type RunOptions, type RunResult, type Runner } from '../../../src/core/runner.ts';

const COUNTER = /^ {2}counter (\S+) \{ comment "([^"]*)"(?: packets (\d+) bytes (\d+))? \}$/gm;

export class FakeNft implements Runner {
  readonly calls: string[] = [];
  table: string | undefined;
  refuse: boolean | ((ruleset: string) => boolean) = false;
  private readonly counted = new Map<string, { packets: number; bytes: number }>();

  /** Traffic through the table: the named counter grows. */
  count(name: string, packets: number, bytes: number): void {
    const now = this.counted.get(name);
    if (!now) throw new Error(`no counter ${name} in the table`);
    this.counted.set(name, { packets: now.packets + packets, bytes: now.bytes + bytes });
  }

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push([command, ...args].join(' '));
    const missing = { stdout: '', stderr: 'Error: No such file or directory', code: 1 };
    if (args[0] === '-s' && args[1] === 'list') return this.table === undefined ? missing : { stdout: this.table, stderr: '', code: 0 };
    if (args[0] === '-j' && args[2] === 'counters') return this.table === undefined ? missing : { stdout: this.listCounters(this.table), stderr: '', code: 0 };
    const input = String(options.input);
    if (this.refuse === true || (typeof this.refuse === 'function' && this.refuse(input))) {
      throw new CommandError(command, args, 1, 'Error: Could not process rule', false, null);
    }
    if (args[0] === '-f') {
      this.table = input;
      this.counted.clear();
      for (const [, name, , packets, bytes] of input.matchAll(COUNTER)) this.counted.set(name ?? '', { packets: Number(packets ?? 0), bytes: Number(bytes ?? 0) });
    }
    return { stdout: '', stderr: '', code: 0 };
  }

  private listCounters(table: string): string {
    const counters = [...table.matchAll(COUNTER)].map(([, name = '', comment]) => ({
      counter: { family: 'inet', name, table: 'tibox', comment, ...this.counted.get(name) },
    }));
    return JSON.stringify({ nftables: [{ metainfo: { version: '1.0.6' } }, ...counters] });
  }
}

/** For a firewall that is never started, or whose tests call for a check themselves: no events. */
export const NO_MONITOR = { watch: () => () => undefined };

/** For a firewall whose tests do not look at the health list. */
export const NO_HEALTH = { raise: () => undefined, clear: () => undefined };
