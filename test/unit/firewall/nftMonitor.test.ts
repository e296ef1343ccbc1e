// The firewall's trigger: every line nft monitor prints is a change to look at; the monitor is
// started again when it exits (and that gap is looked at too); unwatching ends it for good.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProcessHandle, StartOptions } from '../../../src/core/index.ts';
import { NftMonitor } from '../../../src/firewall/index.ts';
import { memoryLogger } from '../control/helpers.ts';

class FakeMonitors {
  readonly runs: { args: readonly string[]; options: StartOptions; exit: (code: number) => void; killed: boolean }[] = [];

  readonly start = (command: string, args: readonly string[], options: StartOptions = {}): ProcessHandle => {
    let exit: (code: number) => void = () => undefined;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => (exit = (code) => resolve({ code, signal: null })));
    const run = { args: [command, ...args], options, exit, killed: false };
    this.runs.push(run);
    return { pid: 1000 + this.runs.length, exited, kill: () => ((run.killed = true), exit(0)) };
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('NftMonitor', () => {
  it('reports each line nft monitor prints as a change, blank lines aside', () => {
    const fake = new FakeMonitors();
    const changes: number[] = [];
    new NftMonitor({ startProcess: fake.start, log: memoryLogger().log }).watch(() => changes.push(1));
    expect(fake.runs.map((r) => r.args)).toEqual([['nft', 'monitor']]);
    fake.runs[0]?.options.onStdoutLine?.('delete table inet tibox');
    fake.runs[0]?.options.onStdoutLine?.('');
    fake.runs[0]?.options.onStdoutLine?.('# new generation 3 by process 4788 (nft)');
    expect(changes).toHaveLength(2);
  });

  it('starts nft monitor again a second after it exited, and has that gap looked at', async () => {
    vi.useFakeTimers();
    const fake = new FakeMonitors();
    const logger = memoryLogger();
    let changes = 0;
    new NftMonitor({ startProcess: fake.start, log: logger.log }).watch(() => changes++);
    fake.runs[0]?.exit(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toBe(1);
    expect(logger.lines().map((l) => l.msg)).toContain('nft monitor exited; starting it again');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.runs).toHaveLength(2);
  });

  it('ends nft monitor when unwatched, and starts it no more', async () => {
    vi.useFakeTimers();
    const fake = new FakeMonitors();
    const unwatch = new NftMonitor({ startProcess: fake.start, log: memoryLogger().log }).watch(() => undefined);
    unwatch();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.runs).toHaveLength(1);
    expect(fake.runs[0]?.killed).toBe(true);
  });
});
