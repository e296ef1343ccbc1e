// The tunnel judged by the practice's own traffic, with real strongSwan in the lab: an idle
// tunnel costs the datacenter almost nothing, a gateway that died while the practice was idle
// costs its next request only a moment, and a long-lived TLS connection outlives a failover.
// Each test runs under a leak watch without traffic of its own (the tunnel must idle).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import { watchForLeaks, type LeakWatch } from '../lab/leakWatch.ts';
import { PLAN } from '../lab/topology.ts';
import { countTunnelPackets } from '../lab/tunnelPackets.ts';
import { processRunner, startProcess } from '../../src/core/runner.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');
const tcpHold = join(fileURLToPath(import.meta.url), '..', 'tcpHold.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The target for an idle box: IKE, NAT-T and ESP packets per second at the router's uplink. */
const IDLE_PACKETS_PER_S = 0.5;

describe('tunnel liveness: judged by traffic, probed only when it matters', () => {
  let lab: Lab;
  let socketPath: string;
  let watch: LeakWatch | undefined;
  let count = 0;

  const status = async (): Promise<AgentStatus> => {
    const { stdout } = await processRunner.run(tibox, ['--socket', socketPath, 'status', '--json']);
    return JSON.parse(stdout) as AgentStatus;
  };
  const requestConnector = async (maxS: number) => {
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', String(maxS), '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], (maxS + 2) * 1000);
    return stdout;
  };
  /** The gateway that holds the tunnel, and the other one. */
  const holder = async () => {
    const gateway = (await status()).tunnel.gateway;
    return gateway === PLAN.gw1.public ? { holds: 'gw1', other: 'gw2' } as const : { holds: 'gw2', other: 'gw1' } as const;
  };

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    ({ socketPath } = await lab.startAgent());
    await lab.importProfile();
    await waitFor(async () => expect((await status()).tunnel.state).toBe('up'), 10_000);
    await waitFor(async () => expect(await requestConnector(1)).toContain('<ConnectorServices'), 5_000);
  });
  afterAll(async () => {
    await lab?.destroy();
  });
  beforeEach(async () => {
    watch = await watchForLeaks(lab, `liveness-${++count}`, { traffic: false });
  });
  afterEach(async () => {
    const stopping = watch;
    watch = undefined;
    const { leaks } = (await stopping?.stop()) ?? { leaks: [] };
    expect(leaks, 'TI packets that left the WAN port in clear').toEqual([]);
  });

  it('an idle minute costs under half a packet a second at the router\'s uplink, and the heartbeat judges the tunnel', async () => {
    // A moment for the last traffic's fast readings to end.
    await sleep(2_000);
    const counter = await countTunnelPackets(lab);
    try {
      await sleep(60_000);
      const { packets, bytes } = await counter.read();
      console.log(`idle minute: ${packets} IKE/NAT-T/ESP packets, ${bytes} bytes at the router's uplink (${(packets / 60).toFixed(2)}/s)`);
      expect(packets / 60).toBeLessThanOrEqual(IDLE_PACKETS_PER_S);
    } finally {
      await counter.stop();
    }
    const { tunnel } = await status();
    expect(tunnel.state).toBe('up');
    expect(tunnel.evidence?.kind).toBe('heartbeat');
  });

  it('a gateway that died while the practice idled: the next HTTPS request itself starts the repair and completes', async () => {
    await sleep(3_000);
    const { holds, other } = await holder();
    const before = Date.now();
    await lab.killGateway(holds);
    try {
      const sent = Date.now();
      expect(await requestConnector(5)).toContain('<ConnectorServices');
      console.log(`request after idling and ${holds} dying: ${Date.now() - sent} ms`);
      const s = await status();
      expect(s.tunnel).toMatchObject({ state: 'up', gateway: PLAN[other].public });
      // The request's own packets went unanswered: the practice's traffic judged the stall.
      const events = s.tunnel.history.filter((e) => Date.parse(e.at) >= before).reverse();
      expect(events.map((e) => [e.state, e.evidence])).toEqual([['connecting', 'traffic'], ['up', 'probe']]);
    } finally {
      await lab.reviveGateway(holds);
    }
  });

  it('a long-lived TLS connection streaming both ways survives a failover', async () => {
    const port = '7443';
    const { connector, ca } = { connector: lab.describe().pki.connector, ca: lab.describe().pki.ca };
    let ready = false;
    const server = startProcess(process.execPath, [tcpHold, 'serve', PLAN.ti.connector, port, '--cert', connector.cert, '--key', connector.key], {
      netns: lab.names.core,
      onStdoutLine: (line) => (ready ||= line === 'ready'),
    });
    const { holds } = await holder();
    try {
      await waitFor(() => expect(ready).toBe(true), 5_000, 20);
      const holding = lab.exec(lab.names.pvs, process.execPath, [tcpHold, 'hold', '--source', PLAN.tiSegment.pvs, '--ms', '8000', '--ca', ca, PLAN.ti.connector, port], 30_000);
      holding.catch(() => undefined);
      await sleep(2_000);
      await lab.killGateway(holds);
      const result = JSON.parse((await holding).stdout) as { sent: number; echoed: number; longestWaitMs: number; error?: string };
      console.log(`TLS stream across the failover: ${result.sent} lines, longest wait for an echo ${result.longestWaitMs} ms`);
      expect(result.error).toBeUndefined();
      expect(result.echoed).toBe(result.sent);
      expect(result.sent).toBeGreaterThan(100);
    } finally {
      server.kill();
      await lab.reviveGateway(holds);
    }
  });
});
