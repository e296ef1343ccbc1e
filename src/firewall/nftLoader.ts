// Loads a whole ruleset into the kernel through nft: checked with `nft -c` first, then loaded
// with `nft -f` in one transaction, so the kernel holds either the old or the new table, never
// half of one. Only the tibox table is named in what we load; other tables stay untouched.
import type { Runner } from '../core/index.ts';
import { parseCounterList } from './counterList.ts';
import type { CounterValue } from './ruleset/index.ts';

export class NftLoader {
  private readonly runner: Runner;
  private readonly netns: string | undefined;

  constructor(runner: Runner, netns?: string) {
    this.runner = runner;
    this.netns = netns;
  }

  async check(ruleset: string): Promise<void> {
    await this.runner.run('nft', ['-c', '-f', '-'], { input: ruleset, ...this.where() });
  }

  async load(ruleset: string): Promise<void> {
    await this.check(ruleset);
    await this.runner.run('nft', ['-f', '-'], { input: ruleset, ...this.where() });
  }

  async list(family: string, name: string): Promise<string | undefined> {
    const result = await this.runner.run('nft', ['list', 'table', family, name], { ...this.where(), okCodes: [1] });
    return result.code === 0 ? result.stdout : undefined;
  }

  /**
   * The table as the kernel holds it, without counter values (`nft -s`): the same text for as long
   * as nobody changes the table, whatever traffic passes; undefined when there is no such table.
   */
  async listRules(family: string, name: string): Promise<string | undefined> {
    const result = await this.runner.run('nft', ['-s', 'list', 'table', family, name], { ...this.where(), okCodes: [1] });
    return result.code === 0 ? result.stdout : undefined;
  }

  /** The table's named counters with their values; none when there is no such table. */
  async counters(family: string, name: string): Promise<Map<string, CounterValue>> {
    const result = await this.runner.run('nft', ['-j', 'list', 'counters', 'table', family, name], { ...this.where(), okCodes: [1] });
    return result.code === 0 ? parseCounterList(result.stdout) : new Map();
  }

  private where(): { netns?: string } {
    return this.netns ? { netns: this.netns } : {};
  }
}
