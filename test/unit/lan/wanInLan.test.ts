import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Health } from '../../../src/core/health.ts';
import { createLogger } from '../../../src/core/log.ts';
import { parseArpingReplies } from '../../../src/lan/arpProbe.ts';
import { detectWanInLan, type WanInLanInput } from '../../../src/lan/wanInLan.ts';
import { WanInLanWatch } from '../../../src/lan/wanInLanWatch.ts';
import { FakeLanKernel } from './fakeLanKernel.ts';

const LAN_MAC = '02:00:00:00:00:01';
const ROUTER = { ip: '192.168.1.1', mac: '02:00:00:00:01:01' };
const apart: WanInLanInput = {
  lan: { port: 'lan0', addresses: ['192.168.1.57/24', '10.77.12.1/27'], mac: LAN_MAC },
  wan: { port: 'wan0', addresses: ['192.168.178.2/24'], mac: '02:00:00:00:00:02', gateway: '192.168.178.1' },
  // One router with one MAC on both networks: no evidence.
  neighbours: [
    { dev: 'lan0', ...ROUTER },
    { dev: 'wan0', ip: '192.168.178.1', mac: ROUTER.mac },
  ],
  probe: { address: '10.77.12.1', answers: [] },
};

describe('detectWanInLan', () => {
  it('finds nothing when the ports are apart, also with one router MAC on both networks', () => {
    expect(detectWanInLan(apart)).toEqual([]);
  });

  it.each<[string, Partial<WanInLanInput>, string]>([
    [
      'a WAN lease in the practice LAN',
      { wan: { port: 'wan0', addresses: ['192.168.1.130/24'], gateway: '192.168.178.1' } },
      'sameNetwork: The WAN port wan0 (192.168.1.130/24) and the LAN port lan0 (192.168.1.57/24) are in the same network 192.168.1.0/24.',
    ],
    [
      'a WAN gateway in the practice LAN',
      { wan: { port: 'wan0', addresses: ['192.168.178.2/24'], gateway: '192.168.1.1' } },
      "wanGatewayOnLan: The WAN port's default gateway 192.168.1.1 lies in the practice LAN 192.168.1.0/24.",
    ],
    [
      'the practice router heard on both ports',
      { neighbours: [{ dev: 'lan0', ...ROUTER }, { dev: 'wan0', ...ROUTER }] },
      'sharedNeighbour: The device 192.168.1.1 (02:00:00:00:01:01) answers on both the WAN port wan0 and the LAN port lan0.',
    ],
    [
      "the LAN port answering the WAN port's probe",
      { probe: { address: '10.77.12.1', answers: [{ ip: '10.77.12.1', mac: LAN_MAC }] } },
      'lanAnswersOnWan: An ARP probe for 10.77.12.1 sent out of the WAN port wan0 was answered by the LAN port lan0 itself (02:00:00:00:00:01): both ports are on one network segment.',
    ],
  ])('finds %s', (_name, change, expected) => {
    expect(detectWanInLan({ ...apart, ...change }).map((e) => `${e.code}: ${e.message}`)).toEqual([expected]);
  });

  it('does not count an answer from another device for the probed address', () => {
    expect(detectWanInLan({ ...apart, probe: { address: '10.77.12.1', answers: [{ ip: '10.77.12.1', mac: '02:99:00:00:00:01' }] } })).toEqual([]);
  });
});

describe('parseArpingReplies', () => {
  it('reads the answers of busybox arping', () => {
    const output = 'ARPING 10.77.12.1 from 0.0.0.0 wan0\nUnicast reply from 10.77.12.1 [F6:0E:61:F9:5F:DE] 0.006ms\nSent 1 probe(s) (0 broadcast(s))\nReceived 1 response(s) (0 request(s), 0 broadcast(s))\n';
    expect(parseArpingReplies(output)).toEqual([{ ip: '10.77.12.1', mac: 'f6:0e:61:f9:5f:de' }]);
    expect(parseArpingReplies('ARPING 10.77.12.1 from 0.0.0.0 wan0\nSent 1 probe(s) (0 broadcast(s))\nReceived 0 response(s)\n')).toEqual([]);
  });
});

describe('WanInLanWatch', () => {
  function setup(probe?: (port: string, address: string) => Promise<{ ip: string; mac: string }[]>) {
    const kernel = new FakeLanKernel(['lo', 'lan0', 'wan0'], ['lan0 192.168.1.57/24 dynamic', 'wan0 192.168.178.2/24']);
    const lan0 = kernel.links.get('lan0');
    if (lan0) lan0.mac = LAN_MAC;
    const wan0 = kernel.links.get('wan0');
    if (wan0) wan0.up = true;
    kernel.mainRoutes = [{ dst: '0.0.0.0/0', type: 'unicast', via: '192.168.178.1', dev: 'wan0' }];
    const health = new Health(() => undefined);
    const lines: string[] = [];
    const log = createLogger({ destination: new Writable({ write: (c: Buffer, _e, cb) => (lines.push(String(c)), cb()) }) });
    const watch = new WanInLanWatch({ kernel, health, log, settleMs: 5, intervalMs: 60_000, ...(probe ? { probe } : {}) });
    return { kernel, health, watch, lines };
  }

  it('raises the warning when the WAN gets a lease in the practice LAN, and clears it when that goes', async () => {
    const { kernel, health, watch } = setup();
    await watch.start(AbortSignal.timeout(1_000));
    await watch.apply({ lan: 'lan0', wan: 'wan0' });
    expect(health.list()).toEqual([]);
    kernel.addAddress('wan0', '192.168.1.130/24', true);
    await until(() => health.list().length > 0);
    expect(health.list()[0]).toMatchObject({ code: 'lan.wanInLan', severity: 'warning' });
    expect(health.list()[0]?.detail).toBe('The WAN port wan0 (192.168.1.130/24) and the LAN port lan0 (192.168.1.57/24) are in the same network 192.168.1.0/24.');
    kernel.deleteAddress('wan0', '192.168.1.130/24');
    await until(() => health.list().length === 0);
    expect(health.list()).toEqual([]);
    await watch.stop();
    expect(kernel.watchers).toBe(0);
  });

  it("probes out of the WAN port for the LAN port's address and counts only the LAN port's own answer", async () => {
    const asked: string[] = [];
    let answers = [{ ip: '192.168.1.57', mac: LAN_MAC }];
    const { health, watch } = setup(async (port, address) => {
      asked.push(`${port} ${address}`);
      return answers;
    });
    await watch.apply({ lan: 'lan0', wan: 'wan0' });
    expect(asked).toEqual(['wan0 192.168.1.57']);
    expect(health.list()[0]?.detail).toContain('was answered by the LAN port lan0 itself');
    answers = [];
    await watch.apply({ lan: 'lan0', wan: 'wan0' });
    expect(health.list()).toEqual([]);
  });

  it('logs a failing probe once and still judges the passive evidence', async () => {
    const { kernel, health, watch, lines } = setup(async () => {
      throw new Error('busybox arping -D -I wan0 exited with 2: Network is down');
    });
    kernel.addAddress('wan0', '192.168.1.130/24', true);
    await watch.apply({ lan: 'lan0', wan: 'wan0' });
    await watch.apply({ lan: 'lan0', wan: 'wan0' });
    expect(health.list().map((w) => w.code)).toEqual(['lan.wanInLan']);
    expect(lines.filter((l) => l.includes('ARP probe on the WAN port failed'))).toHaveLength(1);
  });

  it('clears the warning when told to stop comparing', async () => {
    const { kernel, health, watch } = setup();
    kernel.addAddress('wan0', '192.168.1.130/24', true);
    await watch.apply({ lan: 'lan0', wan: 'wan0' });
    expect(health.list()).toHaveLength(1);
    await watch.apply(null);
    expect(health.list()).toEqual([]);
  });
});

const until = async (check: () => boolean, ms = 1_000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
};
