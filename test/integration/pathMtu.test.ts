// The tunnel on real practice lines: the practice router's internet link at the MTUs German
// practices have (PPPoE DSL, DS-Lite, mobile fallbacks), one lab for all of them, the MTU
// shrinking while the tunnel stays up. At each the box learns the path MTU, sets libipsec's
// device and the MSS clamp; TCP moves data both ways for its whole (short) run, the connector
// answers, an HTTPS download completes, and a DF ping of the largest size that fits is answered
// while one byte more gets "fragmentation needed" from the box. Then the configured line MTU,
// the datacenter's ICMP errors through the tunnel, and a failover to a gateway behind a smaller path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { processRunner, startProcess } from '../../src/core/runner.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { waitFor } from './waitFor.ts';

const here = join(fileURLToPath(import.meta.url), '..');
const tibox = join(here, '..', '..', 'bin', 'tibox');
const pmtuCacheDriver = join(here, 'pmtuCacheDriver.ts');
const IPERF_PORT = 5299;
/** A few MB: long enough to cross many windows, short enough for make test. */
const DOWNLOAD_BYTES = 4_000_000;
/** AES-GCM-16 in UDP over IPv4 takes 63 bytes of every packet (docs/mtu.md). */
const OVERHEAD = 63;
const MTUS = [1500, 1492, 1460, 1452, 1428, 1400, 1280];
/** kernel-libipsec reads at most 1400 bytes a packet from its device: the lab's tunnel takes no more. */
const LIBIPSEC_READS = 1400;

describe('path MTU: the tunnel at the MTUs of practice lines', () => {
  let lab: Lab;
  let socketPath: string;

  const cli = async (...args: string[]) => (await processRunner.run(tibox, ['--socket', socketPath, ...args])).stdout;
  const status = async () => JSON.parse(await cli('status', '--json')) as AgentStatus;
  const pvs = (command: string, args: string[], timeoutMs = 10_000) => lab.exec(lab.names.pvs, command, args, timeoutMs);
  const ipsec0Mtu = async () => (JSON.parse((await lab.netns.ip(lab.names.box, '-j', 'link', 'show', 'ipsec0')).stdout) as { mtu: number }[])[0]?.mtu;
  const clampInRuleset = async () => (await cli('fw', 'print')).match(/maxseg size set (\d+)/g) ?? [];

  const reachesConnector = async () => {
    const { stdout } = await pvs('curl', ['-sS', '-m', '2', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 5_000);
    expect(stdout).toContain('<ConnectorServices');
  };

  /** A DF ping of `size` bytes (IP packet) from the PVS host to the connector: its output, whatever the exit. */
  const dfPing = async (size: number) => {
    const { stdout, stderr } = await processRunner.run('ip', ['netns', 'exec', lab.names.pvs, 'ping', '-n', '-M', 'do', '-c', '1', '-W', '2', '-s', String(size - 28), PLAN.ti.connector], {
      okCodes: [1, 2],
      timeoutMs: 5_000,
    });
    return `${stdout}${stderr}`;
  };

  /**
   * iperf3 for 2 s from the PVS host (upload, or download with -R): bytes of each 0.5 s interval.
   * Each run has a server of its own on a port of its own: a run cut short on a line that just
   * shrank must not keep the next one waiting.
   */
  let iperfPort = IPERF_PORT;
  const tcpIntervals = async (reverse: boolean) => {
    const port = String((iperfPort += 1));
    const server = startProcess('iperf3', ['-s', '-1', '-B', PLAN.ti.service, '-p', port], { netns: lab.names.core });
    try {
      await waitFor(async () => expect((await lab.exec(lab.names.core, 'ss', ['-Hltn', 'sport', '=', `:${port}`])).stdout.trim()).not.toBe(''), 5_000, 50);
      const args = ['-c', PLAN.ti.service, '-p', port, '-B', PLAN.tiSegment.pvs, '-t', '2', '-i', '0.5', '--json', ...(reverse ? ['-R'] : [])];
      const report = JSON.parse((await pvs('iperf3', args, 15_000)).stdout) as { error?: string; intervals?: { sum: { bytes: number } }[] };
      expect(report.error).toBeUndefined();
      return (report.intervals ?? []).map((i) => i.sum.bytes);
    } finally {
      server.kill();
      await server.exited;
    }
  };

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    ({ socketPath } = await lab.startAgent());
    await lab.importProfile();
    await waitFor(reachesConnector, 15_000, 200);
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it.each(MTUS)('carries TCP both ways, the connector, a download and PMTU discovery with the router\'s internet link at MTU %d', async (mtu) => {
    const tunnelMtu = Math.min(LIBIPSEC_READS, mtu - OVERHEAD);
    await lab.setUplinkMtu(mtu);
    // The box's WAN port still says 1500; its first ESP packet too large for the line brings a
    // "fragmentation needed" from the router, and the box probes again. A line whose path takes
    // the tunnel's largest packets as they are sends none and needs no probe.
    await waitFor(async () => {
      await dfPing((await status()).mtu.tunnelMtu);
      expect((await status()).mtu).toMatchObject({ source: 'probed', tunnelMtu, mss: tunnelMtu - 40 });
    }, 20_000, 500);
    if (tunnelMtu < LIBIPSEC_READS) {
      expect((await status()).mtu.pathMtu).toBe(mtu);
      // What the box learnt from the router sits in its kernel's cache: the watch's rtnetlink
      // reading says what `ip route get` says.
      const gateway = (await status()).mtu.gateway ?? '';
      const shown = JSON.parse((await lab.netns.ip(lab.names.box, '-j', 'route', 'get', gateway)).stdout) as { metrics?: { mtu?: number }[] }[];
      const read = await processRunner.run('ip', ['netns', 'exec', lab.names.box, process.execPath, pmtuCacheDriver, gateway]);
      expect([JSON.parse(read.stdout), shown[0]?.metrics?.find((m) => m.mtu)?.mtu]).toEqual([mtu, mtu]);
    }
    // A path under 1400 is a health warning; the TI works all the same.
    const { mtu: shown, health } = await status();
    expect(health.some((w) => w.code === 'wan.smallPathMtu'), `path MTU ${shown.pathMtu}`).toBe(shown.pathMtu < 1400);
    await waitFor(async () => expect(await ipsec0Mtu()).toBe(tunnelMtu), 5_000);
    expect(await clampInRuleset()).toEqual([`maxseg size set ${tunnelMtu - 40}`, `maxseg size set ${tunnelMtu - 40}`]);

    for (const reverse of [false, true]) {
      const intervals = await tcpIntervals(reverse);
      expect(intervals.length, reverse ? 'download' : 'upload').toBeGreaterThanOrEqual(4);
      for (const bytes of intervals) expect(bytes, `${reverse ? 'download' : 'upload'} intervals ${intervals.join(' ')}`).toBeGreaterThan(0);
    }
    await reachesConnector();
    const download = await pvs('curl', ['-sS', '-m', '30', '-o', '/dev/null', '-w', '%{size_download}', '--cacert', lab.describe().pki.ca, `https://${PLAN.ti.connector}/download?bytes=${DOWNLOAD_BYTES}`], 35_000);
    expect(Number(download.stdout)).toBe(DOWNLOAD_BYTES);

    expect(await dfPing(tunnelMtu)).toMatch(/bytes from 100\.64\.10\.10/);
    // Without DF a larger packet is fragmented by the box and crosses all the same. (The lab
    // gateway's first answer may be lost on a smaller line until its kernel learns the path.)
    await waitFor(async () => {
      const fragmented = await pvs('ping', ['-n', '-M', 'dont', '-c', '1', '-W', '1', '-s', String(tunnelMtu + 100 - 28), PLAN.ti.connector], 5_000);
      expect(fragmented.stdout).toMatch(/bytes from 100\.64\.10\.10/);
    }, 6_000, 200);
    // The box's answer to one byte more; the PVS host may have it cached already from the box's
    // earlier answer (PMTU discovery at work), and then refuses the ping itself.
    await lab.netns.ip(lab.names.pvs, 'route', 'flush', 'cache');
    expect(await dfPing(tunnelMtu + 1)).toMatch(
      new RegExp(`From ${PLAN.tiSegment.lanGateway.replaceAll('.', '\\.')} icmp_seq=1 Frag needed and DF set \\(mtu = ${tunnelMtu}\\)|local error: message too long, mtu=${tunnelMtu}`),
    );
  });

  it('takes the configured line MTU at once, and learns the path again once it is 0', async () => {
    await lab.setUplinkMtu(1500);
    await cli('config', 'set', 'tunnel.wanMtu=1452');
    await waitFor(async () => expect((await status()).mtu).toMatchObject({ pathMtu: 1452, source: 'configured', tunnelMtu: 1389 }), 5_000);
    await waitFor(async () => expect(await ipsec0Mtu()).toBe(1389), 5_000);
    expect(await clampInRuleset()).toContain('maxseg size set 1349');
    await expect(cli('config', 'set', 'tunnel.wanMtu=1000')).rejects.toThrow(/tunnel.wanMtu must be 0 to learn the internet line's path MTU by probing, or the line's MTU from 1280 to 1500/);
    // Back to probing, the line has grown to 1500 meanwhile: the box learns it anew.
    await cli('config', 'set', 'tunnel.wanMtu=0');
    await waitFor(async () => expect((await status()).mtu).toMatchObject({ pathMtu: 1500, source: 'probed', tunnelMtu: 1400 }), 15_000);
  });

  it('passes the datacenter\'s "fragmentation needed" for a TI flow back to the PVS host', async () => {
    const { tunnel, mtu } = await status();
    const holder = tunnel.gateway === PLAN.gw1.public ? 'gw1' : 'gw2';
    // The gateway's link into the core is smaller than the tunnel: the gateway answers a DF
    // packet that fits the tunnel with ICMP, from its TI address, through the tunnel.
    const inner = mtu.tunnelMtu - 100;
    await lab.netns.ip(lab.names[holder], 'link', 'set', 'dc0', 'mtu', String(inner));
    try {
      await lab.netns.ip(lab.names.pvs, 'route', 'flush', 'cache');
      await waitFor(async () => expect(await dfPing(inner + 1)).toContain(`From ${PLAN[holder].tiSource} icmp_seq=1 Frag needed and DF set (mtu = ${inner})`), 5_000, 200);
      expect(await dfPing(inner)).toMatch(/bytes from 100\.64\.10\.10/);
    } finally {
      await lab.netns.ip(lab.names[holder], 'link', 'set', 'dc0', 'mtu', '1500');
    }
  });

  it('follows a failover to a gateway behind a smaller path with the clamp', async () => {
    const holder = (await status()).tunnel.gateway === PLAN.gw1.public ? 'gw1' : 'gw2';
    const other = holder === 'gw1' ? 'gw2' : 'gw1';
    await lab.setGatewayLinkMtu(other, 1428);
    await lab.killGateway(holder);
    try {
      // The practice's own packets going unanswered are what starts the repair of an idle tunnel.
      await waitFor(async () => {
        await processRunner.run('ip', ['netns', 'exec', lab.names.pvs, 'ping', '-n', '-c', '1', '-W', '1', PLAN.ti.connector], { okCodes: [1, 2], timeoutMs: 3_000 });
        expect((await status()).tunnel).toMatchObject({ state: 'up', gateway: PLAN[other].public });
      }, 15_000, 200);
      await waitFor(async () => expect((await status()).mtu).toMatchObject({ pathMtu: 1428, source: 'probed', tunnelMtu: 1365, mss: 1325 }), 15_000, 200);
      expect(await clampInRuleset()).toContain('maxseg size set 1325');
      const intervals = await tcpIntervals(true);
      for (const bytes of intervals) expect(bytes).toBeGreaterThan(0);
    } finally {
      await lab.reviveGateway(holder);
    }
  });
});
