// `tibox config pending|confirm|rollback` against a real config service behind a real control
// socket: what the CLI prints for a pending change, its confirmation and its rollback, and the
// words it finds when nothing is pending.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/agent/cli/main.ts';
import { ConfigService } from '../../../src/agent/config.ts';
import type { AgentEvents } from '../../../src/agent/events.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { EventBus } from '../../../src/core/eventBus.ts';
import { Health } from '../../../src/core/health.ts';
import { ControlServer } from '../../../src/control/server.ts';
import { groupFile, memoryLogger, SAMPLE_STATUS, tempDir } from './helpers.ts';

const START = new Date('2026-12-07T08:00:00.000Z');
const later = (seconds: number) => new Date(START.getTime() + seconds * 1000);

describe('tibox config pending|confirm|rollback', () => {
  let cleanup: () => Promise<void>;
  let config: ConfigService;
  let server: ControlServer;
  let socket: string;

  beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = await tempDir());
    const { log } = memoryLogger();
    config = new ConfigService({
      dataDir: dir, stateDir: join(dir, 'state'), health: new Health(() => undefined), bus: new EventBus<AgentEvents>(() => undefined), log, setLogLevel: () => undefined, now: () => START,
    });
    await config.start(AbortSignal.timeout(1_000));
    const actions = new ControlActions();
    config.registerActions(actions);
    socket = join(dir, 'control.sock');
    server = new ControlServer({ socketPath: socket, status: () => ({ ...SAMPLE_STATUS, pendingChange: config.pending() }), actions, log, groupFile: await groupFile(dir, true) });
    await server.start(AbortSignal.timeout(5_000));
  });
  afterEach(async () => {
    await server.stop();
    await config.stop();
    await cleanup();
  });

  async function run(argv: string[], now = START, env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    const code = await main([...argv, '--socket', socket], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, now: () => now });
    return { code, stdout, stderr };
  }
  const changeFallback = () => config.commit({ interfaces: { lanFallback: '169.254.88.1/16' } }, 'local-cli', { timeoutS: 90 });

  it('says in words that nothing is pending, and that there is nothing to confirm or roll back', async () => {
    expect(await run(['config', 'pending'])).toEqual({ code: 0, stdout: 'No network change awaits confirmation.\n', stderr: '' });
    expect(await run(['config', 'pending'], START, { TIBOX_LANG: 'de' })).toEqual({ code: 0, stdout: 'Keine Netzwerkänderung wartet auf Bestätigung.\n', stderr: '' });
    expect(await run(['config', 'confirm'])).toEqual({
      code: 1, stdout: '', stderr: 'tibox: nothing to confirm: no network change awaits confirmation (one not confirmed in time has been rolled back)\n',
    });
    expect(await run(['config', 'rollback'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^tibox: nothing to roll back: /) });
  });

  it('shows the pending change with the time left, in the status too', async () => {
    changeFallback();
    const shown = ['Pending network change: revision 1 (interfaces.lanFallback) by local-cli', '  rolled back in 1 min 12 s unless confirmed: tibox config confirm'];
    expect(await run(['config', 'pending'], later(18))).toEqual({ code: 0, stdout: shown.join('\n') + '\n', stderr: '' });
    expect((await run(['status'], later(18))).stdout).toContain(shown.join('\n'));
    expect(JSON.parse((await run(['config', 'pending', '--json'])).stdout)).toMatchObject({ revision: 1, deadline: '2026-12-07T08:01:30.000Z', remainingS: 90 });
  });

  it('confirms the pending change, refusing another revision and a revision that is no number', async () => {
    changeFallback();
    expect(await run(['config', 'confirm', '2'])).toEqual({ code: 1, stdout: '', stderr: 'tibox: revision 2 does not await confirmation; revision 1 does\n' });
    expect(await run(['config', 'confirm', 'latest'])).toMatchObject({ code: 2, stderr: expect.stringContaining('REVISION must be a revision number such as 7, not "latest"') });
    expect(await run(['config', 'confirm', '1'])).toEqual({ code: 0, stdout: 'Revision 1 (interfaces.lanFallback) confirmed: it stays.\n', stderr: '' });
    expect(config.pending()).toBeNull();
  });

  it('rolls the pending change back and lists what returned', async () => {
    changeFallback();
    expect(await run(['config', 'rollback'])).toEqual({
      code: 0, stdout: 'Rolled back, as revision 2:\n  interfaces.lanFallback: "169.254.88.1/16" -> "169.254.77.1/16"\n', stderr: '',
    });
    expect(config.current().config.interfaces.lanFallback).toBe('169.254.77.1/16');
  });
});
