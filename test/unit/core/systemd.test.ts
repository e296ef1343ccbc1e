// SystemdNotifier against a fake Runner: the fake records each command as one line of text and
// fails where a test tells it to; watchdog pings are driven by fake timers, never by waiting.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandError, formatCommand, type RunOptions, type Runner } from '../../../src/core/runner.ts';
import { SystemdNotifier } from '../../../src/core/systemd.ts';
import { memoryLogger } from '../control/helpers.ts';

class FakeRunner implements Runner {
  readonly calls: string[] = [];
  failing = false;

  async run(command: string, args: readonly string[], options?: RunOptions) {
    this.calls.push(`${formatCommand(command, args)} (timeout ${options?.timeoutMs ?? 'none'})`);
    if (this.failing) throw new CommandError(command, args, 1, 'Failed to notify init system: Connection refused', false, null);
    return { stdout: '', stderr: '', code: 0 };
  }
}

const PID = 4711;
const SOCKET = { NOTIFY_SOCKET: '/run/systemd/notify' };

function notifier(env: NodeJS.ProcessEnv) {
  const runner = new FakeRunner();
  const logger = memoryLogger();
  return { systemd: new SystemdNotifier({ runner, env, log: logger.log, pid: PID }), runner, logger };
}

describe('SystemdNotifier', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs no command at all outside systemd (no NOTIFY_SOCKET)', async () => {
    const { systemd, runner } = notifier({ WATCHDOG_USEC: '2000000' });
    expect(systemd.active).toBe(false);
    expect(systemd.watchdogIntervalMs()).toBeUndefined();
    await systemd.ready('tibox 1.0 running');
    await vi.advanceTimersByTimeAsync(10_000);
    await systemd.stopping();
    expect(runner.calls).toEqual([]);
  });

  it('reports READY with a status line', async () => {
    const { systemd, runner } = notifier(SOCKET);
    await systemd.ready('tibox 1.0 running');
    expect(runner.calls).toEqual([`systemd-notify --ready '--status=tibox 1.0 running' (timeout 5000)`]);
  });

  it.each([
    { name: 'no WATCHDOG_USEC', env: {}, want: undefined },
    { name: 'WATCHDOG_USEC=2000000', env: { WATCHDOG_USEC: '2000000' }, want: 1000 },
    { name: 'WATCHDOG_USEC=1000 (never below 1 ms)', env: { WATCHDOG_USEC: '1000' }, want: 1 },
    { name: 'WATCHDOG_USEC=0', env: { WATCHDOG_USEC: '0' }, want: undefined },
    { name: 'WATCHDOG_USEC garbage', env: { WATCHDOG_USEC: 'soon' }, want: undefined },
    { name: 'WATCHDOG_PID of this process', env: { WATCHDOG_USEC: '2000000', WATCHDOG_PID: String(PID) }, want: 1000 },
    { name: 'WATCHDOG_PID of another process', env: { WATCHDOG_USEC: '2000000', WATCHDOG_PID: String(PID + 1) }, want: undefined },
  ])('asks for a watchdog interval of $want ms with $name', ({ env, want }) => {
    expect(notifier({ ...SOCKET, ...env }).systemd.watchdogIntervalMs()).toBe(want);
  });

  it('pings WATCHDOG=1 at half the watchdog interval after READY', async () => {
    const { systemd, runner } = notifier({ ...SOCKET, WATCHDOG_USEC: '2000000' });
    await systemd.ready('up');
    await vi.advanceTimersByTimeAsync(999);
    expect(runner.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(runner.calls).toEqual([
      `systemd-notify --ready --status=up (timeout 5000)`,
      'systemd-notify WATCHDOG=1 (timeout 5000)',
      'systemd-notify WATCHDOG=1 (timeout 5000)',
      'systemd-notify WATCHDOG=1 (timeout 5000)',
    ]);
  });

  it('starts one watchdog only, however often READY is sent', async () => {
    const { systemd, runner } = notifier({ ...SOCKET, WATCHDOG_USEC: '2000000' });
    await systemd.ready('a');
    await systemd.ready('b');
    await vi.advanceTimersByTimeAsync(1000);
    expect(runner.calls.filter((c) => c.includes('WATCHDOG=1'))).toHaveLength(1);
  });

  it('sends no watchdog pings when the watchdog is meant for another process', async () => {
    const { systemd, runner } = notifier({ ...SOCKET, WATCHDOG_USEC: '2000000', WATCHDOG_PID: '1' });
    await systemd.ready('up');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runner.calls).toEqual(['systemd-notify --ready --status=up (timeout 5000)']);
  });

  it('sends STOPPING=1 on stopping() and pings no more', async () => {
    const { systemd, runner } = notifier({ ...SOCKET, WATCHDOG_USEC: '2000000' });
    await systemd.ready('up');
    await vi.advanceTimersByTimeAsync(1000);
    await systemd.stopping();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runner.calls).toEqual([
      'systemd-notify --ready --status=up (timeout 5000)',
      'systemd-notify WATCHDOG=1 (timeout 5000)',
      'systemd-notify STOPPING=1 (timeout 5000)',
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('logs a failing systemd-notify as a warning and does not throw', async () => {
    const { systemd, runner, logger } = notifier({ ...SOCKET, WATCHDOG_USEC: '2000000' });
    runner.failing = true;
    await expect(systemd.ready('up')).resolves.toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    await expect(systemd.stopping()).resolves.toBeUndefined();
    const warnings = logger.lines().filter((l) => l.level === 40);
    expect(warnings.map((l) => l.msg)).toEqual(['systemd-notify failed', 'systemd-notify failed', 'systemd-notify failed']);
    expect(warnings[0]).toMatchObject({ err: { type: 'CommandError', message: expect.stringContaining('Connection refused') } });
    // The watchdog keeps going even though a notification failed.
    expect(runner.calls.filter((c) => c.includes('WATCHDOG=1'))).toHaveLength(1);
  });
});
