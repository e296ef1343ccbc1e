// `tibox fw why` against a control server with the real 'firewall.why' action over a kernel that
// is handed in: the device, its counters since when, and its last drops with the reason in words.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/agent/cli/main.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { ControlServer } from '../../../src/control/server.ts';
import { TiboxError } from '../../../src/core/errors.ts';
import { registerWhyAction } from '../../../src/firewall/index.ts';
import { PVS } from '../firewall/firewallDesired.ts';
import { groupFile, memoryLogger, SAMPLE_NOW, SAMPLE_STATUS, tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
let server: ControlServer;
let socket: string;

const BOOTED = new Date('2025-05-02T06:00:00.000Z');
const DROP = 'tibox drop wrong_mac: IN=lan0 OUT=ipsec0 MAC=02:00:5e:10:00:01:02:00:5e:10:00:99:08:00 SRC=10.77.12.10 DST=100.64.10.10 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=40512 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0';

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  const actions = new ControlActions();
  registerWhyAction(actions, {
    findDevice: (ref) => {
      if ([PVS.name, PVS.address, PVS.mac].includes(ref)) return PVS;
      throw new TiboxError('TIBOX_DEVICE_NOT_FOUND', { device: ref });
    },
    counters: async () => new Map([
      ['device_1_accepted', { packets: 1200, bytes: 96_000, since: '2025-05-02T06:30:00.000Z' }],
      ['device_1_dropped', { packets: 3, bytes: 180, since: '2025-05-02T06:30:00.000Z' }],
    ]),
    kernelLog: async () => [`4,77,5400000000,-;${DROP}\n`],
    bootedAt: () => BOOTED,
  });
  socket = join(dir, 'control.sock');
  server = new ControlServer({ socketPath: socket, status: () => SAMPLE_STATUS, actions, log: memoryLogger().log, groupFile: await groupFile(dir, true) });
  await server.start(AbortSignal.timeout(5_000));
});

afterEach(async () => {
  await server.stop();
  await cleanup();
});

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['--socket', socket, ...argv], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, now: () => SAMPLE_NOW });
  return { code, stdout, stderr };
}

describe('tibox fw why', () => {
  it('prints the registration, the counters since when, and the last drops with their reason', async () => {
    expect(await run('fw', 'why', '10.77.12.10')).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'PVS host "Empfang" (id 1): 10.77.12.10, 02:00:5e:10:00:10, CETP 7001',
        'Counted since 2025-05-02T06:30:00.000Z:',
        '  accepted  1200 packets  96000 bytes',
        '  dropped      3 packets  180 bytes',
        'Last drops in the kernel log (at most 10 a minute are logged per reason), newest first:',
        'TIME                      REASON     IN > OUT       FROM                                   TO                    WHY',
        '2025-05-02T07:30:00.000Z  wrong_mac  lan0 > ipsec0  10.77.12.10:40512 (02:00:5e:10:00:99)  100.64.10.10 TCP 443  a registered TI address sent from another MAC',
        '',
      ].join('\n'),
    });
  });

  it('answers the same as JSON', async () => {
    const { code, stdout } = await run('fw', 'why', 'Empfang', '--json', '--limit', '5');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      device: { id: 1, name: 'Empfang' },
      counters: { accepted: { packets: 1200, bytes: 96_000 }, dropped: { packets: 3, bytes: 180 }, sinceBoot: false },
      drops: [{ reason: 'wrong_mac', srcMac: '02:00:5e:10:00:99', dport: 443 }],
    });
  });

  it('says which device it does not know, and what it needs', async () => {
    expect(await run('fw', 'why', 'Labor')).toEqual({ code: 1, stdout: '', stderr: 'tibox: no registered device "Labor"\n' });
    expect((await run('fw', 'why')).code).toBe(2);
    expect(await run('fw', 'why', 'Empfang', '--limit', '0')).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining("option '--limit' needs a whole number above 0") });
  });
});
