// The tunnel with real strongSwan in the lab: the agent imports the box's profile, and every
// fault the box must survive is injected with short outages (the benchmark takes the long ones).
// After each fault the PVS host must reach the connector stand-in again by itself, and no TI
// packet may leave the box's WAN port in clear: every test runs under a leak watch
// (leakFree.ts), with the PVS host sending to the connector all through it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab, type LabOptions } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { processRunner, startProcess } from '../../src/core/runner.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { leakFreeEachTest } from './leakFree.ts';
import { waitFor } from './waitFor.ts';
import { killCharonAndSeeIt } from './killCharon.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');
const tcpHold = join(fileURLToPath(import.meta.url), '..', 'tcpHold.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function labWithAgent(options: Omit<LabOptions, 'boxCharon'> = {}): Promise<{ lab: Lab; socketPath: string }> {
  const lab = await Lab.create({ ...options, boxCharon: 'agent' });
  const { socketPath } = await lab.startAgent();
  return { lab, socketPath };
}

function helpers(get: () => { lab: Lab; socketPath: string }) {
  const status = async (): Promise<AgentStatus> => {
    const { stdout } = await processRunner.run(tibox, ['--socket', get().socketPath, 'status', '--json']);
    return JSON.parse(stdout) as AgentStatus;
  };
  const reachesConnector = async () => {
    const { lab } = get();
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '1', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 3_000);
    expect(stdout).toContain('<ConnectorServices');
  };
  const tunnelUp = async () => expect((await status()).tunnel.state).toBe('up');
  return { status, reachesConnector, tunnelUp };
}

/** The tunnel's state changes from `since` (ms since the epoch) on, oldest first: the status keeps only the newest 20. */
function eventsSince(status: AgentStatus, since: number): AgentStatus['tunnel']['history'] {
  return status.tunnel.history.filter((e) => Date.parse(e.at) >= since).reverse();
}

/**
 * Runs `change` while the PVS host holds a TCP connection to the datacenter (a line every 50 ms,
 * echoed) and pings the connector every 50 ms; returns what came through.
 */
async function acrossChange(lab: Lab, change: () => Promise<void>): Promise<{ tcp: { sent: number; echoed: number; longestWaitMs: number; error?: string }; ping: string }> {
  const port = '7777';
  let ready = false;
  const server = startProcess(process.execPath, [tcpHold, 'serve', PLAN.ti.connector, port], { netns: lab.names.core, onStdoutLine: (line) => (ready ||= line === 'ready') });
  try {
    await waitFor(() => expect(ready).toBe(true), 5_000, 20);
    const holding = lab.exec(lab.names.pvs, process.execPath, [tcpHold, 'hold', '--source', PLAN.tiSegment.pvs, '--ms', '6000', PLAN.ti.connector, port], 20_000);
    const pinging = lab.exec(lab.names.pvs, 'ping', ['-q', '-i', '0.05', '-c', '120', '-W', '1', '-I', PLAN.tiSegment.pvs, PLAN.ti.connector], 20_000);
    // Awaited below; a change that throws first must not leave them unhandled.
    holding.catch(() => undefined);
    pinging.catch(() => undefined);
    await sleep(1_500);
    await change();
    const [tcp, ping] = await Promise.all([holding, pinging.catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }))]);
    return { tcp: JSON.parse(tcp.stdout) as { sent: number; echoed: number; longestWaitMs: number; error?: string }, ping: ping.stdout };
  } finally {
    server.kill();
  }
}

describe('tunnel: up, and back after every fault', () => {
  let ctx: { lab: Lab; socketPath: string };
  const { status, reachesConnector, tunnelUp } = helpers(() => ctx);

  beforeAll(async () => {
    ctx = await labWithAgent();
  });
  afterAll(async () => {
    await ctx?.lab.destroy();
  });
  leakFreeEachTest(() => ctx.lab);

  it('comes up after a PKCS#12 profile import and carries the PVS host to the connector over HTTPS', async () => {
    const out = await ctx.lab.importProfile({ variant: 'pkcs12' });
    expect(out).toContain(PLAN.boxId);
    await waitFor(tunnelUp, 10_000);
    await waitFor(reachesConnector, 5_000);
    const s = await status();
    expect(s.tunnel.gateway).toBe(PLAN.gw1.public);
    expect(s.tunnel.traffic.packetsIn).toBeGreaterThan(0);
    const table = await ctx.lab.exec(ctx.lab.names.box, 'ip', ['route', 'show', 'table', '8742']);
    expect(table.stdout).toContain(`100.64.0.0/10 dev ipsec0`);
    expect(table.stdout).toContain(`src ${PLAN.tiSegment.lanGateway}`);
  });

  it('lets path MTU discovery work: a packet too big for the tunnel gets its ICMP answer', async () => {
    const { lab } = ctx;
    // 1450 bytes of payload with DF do not fit the tunnel (MTU 1400): the box must say so.
    const big = await lab.exec(lab.names.pvs, 'ping', ['-c', '2', '-W', '1', '-M', 'do', '-s', '1450', '-I', PLAN.tiSegment.pvs, PLAN.ti.connector], 5_000).catch((e: { stdout?: string; stderr?: string }) => e);
    expect(`${big.stdout ?? ''}${big.stderr ?? ''}`).toMatch(/mtu ?= ?1400|Frag needed/i);
    const fits = await lab.exec(lab.names.pvs, 'ping', ['-c', '1', '-W', '2', '-M', 'do', '-s', '1300', '-I', PLAN.tiSegment.pvs, PLAN.ti.connector]);
    expect(fits.stdout).toContain('1 received');
  });

  it('keeps the tunnel through a short upstream outage, even with an IKE request of the box unanswered in it: nothing is torn down', async () => {
    const { lab } = ctx;
    const before = Date.now();
    const charonLog = () => readFileSync(lab.boxCharon?.log as string, 'utf8');
    const logBefore = charonLog().length;
    await lab.cutWan('upstream', true);
    // A rekey the box starts in the outage (as a MOBIKE update or a due rekey would) goes
    // unanswered for longer than a dead-gateway attempt may take: it must not cost the SA.
    await lab.exec(lab.names.box, 'swanctl', ['--rekey', '--child', 'ti', '--uri', `unix://${lab.boxCharon?.vici}`]);
    await sleep(10_000);
    await lab.cutWan('upstream', false);
    await waitFor(reachesConnector, 5_000);
    await waitFor(tunnelUp, 3_000);
    const events = eventsSince(await status(), before);
    expect(events.map((e) => e.state)).not.toContain('connecting');
    // And the rekey went through once the line was back, on the same IKE_SA.
    await waitFor(() => expect(charonLog().slice(logBefore)).toMatch(/outbound CHILD_SA ti\{\d+\} established/), 15_000);
    expect(charonLog().slice(logBefore)).not.toMatch(/initiating IKE_SA/);
  });

  it('rekeys without losing a packet: CHILD_SA and IKE_SA from the box, CHILD_SA from the gateway', async () => {
    await waitFor(tunnelUp, 5_000);
    const { lab } = ctx;
    const before = Date.now();
    const holder = (await status()).tunnel.gateway === PLAN.gw1.public ? 'gw1' : 'gw2';
    const rekey = (ns: string, vici: string, what: string[]) => lab.exec(ns, 'swanctl', ['--rekey', ...what, '--uri', `unix://${vici}`]);
    const gatewayVici = lab.gateways.get(holder)?.vici as string;
    const boxVici = lab.boxCharon?.vici as string;
    const charonLog = () => readFileSync(lab.boxCharon?.log as string, 'utf8');
    const logBefore = charonLog().length;
    // A packet every 10 ms through all three rekeys.
    const pinging = lab.exec(lab.names.pvs, 'ping', ['-q', '-i', '0.01', '-c', '400', '-W', '1', '-I', PLAN.tiSegment.pvs, PLAN.ti.connector], 20_000);
    pinging.catch(() => undefined); // awaited below; a rekey that throws first must not leave it unhandled
    await sleep(500);
    await rekey(lab.names.box, boxVici, ['--child', 'ti']);
    await sleep(800);
    await rekey(lab.names.box, boxVici, ['--ike', holder === 'gw1' ? 'tibox-gw0' : 'tibox-gw1']);
    await sleep(800);
    await rekey(lab.names[holder], gatewayVici, ['--child', 'ti']);
    const { stdout } = await pinging;
    expect(stdout).toContain('400 packets transmitted, 400 received');
    // And the rekeys did happen: two new CHILD_SAs, one new IKE_SA.
    const log = charonLog().slice(logBefore);
    expect(log.match(/outbound CHILD_SA ti\{\d+\} established/g)).toHaveLength(2);
    expect(log).toMatch(/IKE_SA tibox-gw\d\[\d+\] rekeyed/);
    // Nothing was rebuilt: the tunnel stayed up on the same gateway.
    const events = eventsSince(await status(), before);
    expect(events).toEqual([]);
    expect((await status()).tunnel).toMatchObject({ state: 'up', gateway: PLAN[holder].public });
  });

  it('comes back after the WAN cable was pulled for a while', async () => {
    await ctx.lab.cutWan('carrier', true);
    await sleep(3_000);
    await ctx.lab.cutWan('carrier', false);
    await waitFor(reachesConnector, 8_000);
  });

  it('follows a change of the practice router\'s public address (DSL reconnect)', async () => {
    await waitFor(tunnelUp, 5_000);
    const next = await ctx.lab.changePublicAddress();
    await waitFor(reachesConnector, 5_000);
    const sas = await ctx.lab.exec(ctx.lab.names.gw1, 'swanctl', ['--list-sas', '--uri', `unix://${ctx.lab.gateways.get('gw1')?.vici}`]);
    const sas2 = await ctx.lab.exec(ctx.lab.names.gw2, 'swanctl', ['--list-sas', '--uri', `unix://${ctx.lab.gateways.get('gw2')?.vici}`]);
    expect(`${sas.stdout}${sas2.stdout}`).toContain(`${next}[4500]`);
  });

  it('repairs a tunnel whose SA is up but passes nothing (the datacenter drops ESP)', async () => {
    await waitFor(tunnelUp, 5_000);
    const holder = (await status()).tunnel.gateway === PLAN.gw1.public ? 'gw1' : 'gw2';
    await ctx.lab.dropEsp(holder, true);
    try {
      await waitFor(reachesConnector, 8_000);
      await waitFor(tunnelUp, 3_000);
      expect((await status()).tunnel.gateway).not.toBe(PLAN[holder].public);
    } finally {
      await ctx.lab.dropEsp(holder, false);
    }
  });

  it('restores the tunnel when charon on the box is killed', async () => {
    await waitFor(tunnelUp, 5_000);
    await killCharonAndSeeIt(ctx.lab, status);
    await waitFor(reachesConnector, 10_000);
  });

  it('sets the tunnel device up again when someone sets it down, and rebuilds the tunnel at most once', async () => {
    const { lab } = ctx;
    await waitFor(tunnelUp, 5_000);
    const charonLog = () => readFileSync(lab.boxCharon?.log as string, 'utf8');
    const agentLog = () => readFileSync(join(lab.dir, 'agent.log'), 'utf8');
    const at = { charon: charonLog().length, agent: agentLog().length };
    await lab.exec(lab.names.box, 'ip', ['link', 'set', 'ipsec0', 'down']);
    await waitFor(reachesConnector, 5_000);
    const link = await lab.exec(lab.names.box, 'ip', ['-j', 'link', 'show', 'ipsec0']);
    expect((JSON.parse(link.stdout) as { flags: string[] }[])[0]?.flags).toContain('UP');
    // Long enough for a rebuild loop to show (one round at once, the next after 1 s).
    await sleep(3_000);
    await waitFor(tunnelUp, 3_000);
    await reachesConnector();
    expect(agentLog().slice(at.agent).match(/ipsec0 was set down from outside; set up again/g)).toHaveLength(1);
    expect(charonLog().slice(at.charon).match(/initiating IKE_SA/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('after a boot, brings the last working tunnel back with charon\'s own client before the agent has loaded; an agent restart then changes nothing', async () => {
    const { lab } = ctx;
    await waitFor(tunnelUp, 5_000);
    const charonLog = () => readFileSync(lab.boxCharon?.log as string, 'utf8');
    const agentLog = () => readFileSync(join(lab.dir, 'agent.log'), 'utf8');
    await lab.stopAgentAsAfterBoot();
    const bootAt = { charon: charonLog().length, agent: agentLog().length };
    const { agent } = await lab.startAgent(ctx.socketPath);
    await waitFor(reachesConnector, 5_000);
    // swanctl loaded the saved connection and charon ran the updown script: no agent does that.
    expect(agentLog().slice(bootAt.agent)).toContain('tibox-agent: resuming the saved tunnel');
    expect(charonLog().slice(bootAt.charon)).toMatch(/updown: tibox-resume-updown: TI routes lead into the tunnel to /);
    await waitFor(tunnelUp, 5_000);
    // The agent adopted that tunnel: loading its own plan neither closed it nor built another.
    expect(charonLog().slice(bootAt.charon).match(/initiating IKE_SA/g)).toHaveLength(1);
    expect(charonLog().slice(bootAt.charon)).not.toMatch(/deleting IKE_SA/);

    // A restart of the agent (no boot in between) loads nothing over the tunnel that is up.
    const restartAt = { charon: charonLog().length, agent: agentLog().length };
    await agent.stop();
    await lab.startAgent(ctx.socketPath);
    await waitFor(tunnelUp, 5_000);
    await waitFor(reachesConnector, 2_000);
    expect(agentLog().slice(restartAt.agent)).not.toContain('resuming the saved tunnel');
    expect(charonLog().slice(restartAt.charon)).not.toMatch(/initiating IKE_SA/);
  });

  it('fails over to the other gateway when the one holding the tunnel dies', async () => {
    await waitFor(tunnelUp, 5_000);
    const holder = (await status()).tunnel.gateway === PLAN.gw1.public ? 'gw1' : 'gw2';
    const other = holder === 'gw1' ? 'gw2' : 'gw1';
    await ctx.lab.killGateway(holder);
    try {
      await waitFor(reachesConnector, 8_000);
      await waitFor(async () => expect((await status()).tunnel).toMatchObject({ state: 'up', gateway: PLAN[other].public }), 3_000);
    } finally {
      await ctx.lab.reviveGateway(holder);
    }
  });

  it('stops TI packets at the WAN port while the TI rules are deleted by someone, the tunnel is down by hand and charon is dead', async () => {
    await waitFor(tunnelUp, 5_000);
    // Someone deletes our TI rules: the main table's default route would carry TI traffic out
    // of the WAN port. The routes module puts them back at once; a packet in between meets the
    // firewall's guard (the leak watch prints how many it stopped).
    for (const priority of ['8742', '8743']) {
      for (const prefix of PLAN.ti.prefixes) {
        await ctx.lab.exec(ctx.lab.names.box, 'ip', ['rule', 'del', 'priority', priority, 'to', prefix]).catch(() => undefined);
      }
    }
    await sleep(1_500);
    await processRunner.run(tibox, ['--socket', ctx.socketPath, 'tunnel', 'down']);
    await sleep(1_500);
    ctx.lab.boxCharon?.process.kill('SIGKILL');
    await sleep(1_500);
    await processRunner.run(tibox, ['--socket', ctx.socketPath, 'tunnel', 'up']);
    await waitFor(reachesConnector, 10_000);
  });

  it('carries on when the agent is killed: the tunnel stays up, and the restarted agent adopts it', async () => {
    await waitFor(tunnelUp, 5_000);
    const { lab } = ctx;
    const charonLog = () => readFileSync(lab.boxCharon?.log as string, 'utf8');
    const logBefore = charonLog().length;
    lab.killAgent();
    // The kernel keeps carrying the TI while no agent runs.
    await reachesConnector();
    await waitFor(tunnelUp, 10_000);
    await reachesConnector();
    expect(charonLog().slice(logBefore)).not.toMatch(/initiating IKE_SA|deleting IKE_SA/);
  });

  it('takes the management endpoint\'s answer over the internet as WAN evidence when the gateways ignore ping', async () => {
    const { lab } = ctx;
    const managementAddress = '203.0.113.80';
    const noPing = 'table inet lab_no_ping {\n  chain input { type filter hook input priority -10; icmp type echo-request drop; }\n}\n';
    // Nothing listens there: the internet's RST to a knock on 443 is the answer.
    await lab.exec(lab.names.inet, 'ip', ['addr', 'add', `${managementAddress}/32`, 'dev', 'lo']);
    const file = await lab.issueProfileVariant('management-internet', { management: { url: `https://${managementAddress}`, prefix: '100.102.200.0/24' } });
    await lab.importProfile({ file });
    await waitFor(tunnelUp, 10_000);
    const holder = (await status()).tunnel.gateway === PLAN.gw1.public ? 'gw1' : 'gw2';
    for (const gw of ['gw1', 'gw2'] as const) await lab.exec(lab.names[gw], 'nft', ['-f', '-'], 10_000, noPing);
    await lab.dropEsp(holder, true);
    try {
      const stalled = Date.now();
      // Without an answer from beyond the router the box would wait 30 s as "WAN down" first.
      await waitFor(async () => expect((await status()).tunnel.gateway).not.toBe(PLAN[holder].public), 8_000);
      await waitFor(reachesConnector, 5_000);
      expect(Date.now() - stalled).toBeLessThan(10_000);
    } finally {
      await lab.dropEsp(holder, false);
      for (const gw of ['gw1', 'gw2'] as const) await lab.exec(lab.names[gw], 'nft', ['delete', 'table', 'inet', 'lab_no_ping']);
    }
  });

  it('`tunnel restart` builds a new tunnel on the other gateway, make-before-break: new SPIs, and a PVS connection held open survives', async () => {
    const { lab } = ctx;
    await waitFor(tunnelUp, 10_000);
    await waitFor(reachesConnector, 5_000);
    const holder = (await status()).tunnel.gateway === PLAN.gw1.public ? 'gw1' : 'gw2';
    const other = holder === 'gw1' ? 'gw2' : 'gw1';
    const spisBefore = await lab.boxSpis();
    const charonLog = () => readFileSync(lab.boxCharon?.log as string, 'utf8');
    const logBefore = charonLog().length;
    const since = Date.now();
    let answer: AgentStatus['tunnel'] | undefined;
    const { tcp, ping } = await acrossChange(lab, async () => {
      answer = JSON.parse((await processRunner.run(tibox, ['--socket', ctx.socketPath, 'tunnel', 'restart', '--json'])).stdout) as AgentStatus['tunnel'];
    });
    // The answer names the new gateway and no error; no WAN outage anywhere.
    expect(answer).toMatchObject({ gateway: PLAN[other].public });
    expect(answer?.lastError).toBeUndefined();
    await waitFor(async () => expect((await status()).tunnel).toMatchObject({ state: 'up', gateway: PLAN[other].public }), 5_000);
    const events = eventsSince(await status(), since);
    expect(events.map((e) => `${e.state} ${e.gateway ?? ''} ${e.reason ?? ''}`.trim())).toEqual([`connecting ${PLAN[other].public} tunnel restart`, `up ${PLAN[other].public}`]);
    const spisAfter = await lab.boxSpis();
    expect(spisAfter).toHaveLength(2);
    expect(spisAfter.filter((spi) => spisBefore.includes(spi))).toEqual([]);
    expect(charonLog().slice(logBefore)).not.toMatch(/due to existing duplicate/);
    expect(tcp).toMatchObject({ echoed: tcp.sent });
    expect(tcp.error).toBeUndefined();
    expect(ping).toContain('120 packets transmitted, 120 received');
  });

  it('copes with a datacenter that withdraws the core route of the box\'s SA (route injection not per SA): the box moves to the other gateway', async () => {
    await waitFor(tunnelUp, 5_000);
    const holder = (await status()).tunnel.gateway === PLAN.gw1.public ? 'gw1' : 'gw2';
    await ctx.lab.withdrawCoreRoute(holder);
    await waitFor(reachesConnector, 8_000);
    await waitFor(async () => expect((await status()).tunnel).toMatchObject({ state: 'up', gateway: PLAN[holder === 'gw1' ? 'gw2' : 'gw1'].public }), 3_000);
  });

  it('with a single gateway, `tunnel restart` rebuilds on it: the gateway replaces the old SA, keeps the core route of the new one, and the history says how long traffic paused', async () => {
    const { lab } = ctx;
    const file = await lab.issueProfileVariant('one-gateway', { gateways: { addresses: [PLAN.gw1.public] } });
    await lab.importProfile({ file });
    await waitFor(async () => expect((await status()).tunnel).toMatchObject({ state: 'up', gateway: PLAN.gw1.public }), 10_000);
    await waitFor(reachesConnector, 5_000);
    const spisBefore = await lab.boxSpis();
    const since = Date.now();
    const { tcp, ping } = await acrossChange(lab, async () => {
      await processRunner.run(tibox, ['--socket', ctx.socketPath, 'tunnel', 'restart']);
    });
    await waitFor(tunnelUp, 5_000);
    const events = eventsSince(await status(), since);
    // Rebuilt once, and nothing to repair afterwards: the old SA's deletion left the route alone.
    expect(events.map((e) => `${e.state} ${e.gateway ?? ''}`)).toEqual([`connecting ${PLAN.gw1.public}`, `up ${PLAN.gw1.public}`]);
    expect(events[1]?.reason).toMatch(/^rebuilt on the only gateway, which replaced the old SA: no echo for \d+ ms$/);
    const spisAfter = await lab.boxSpis();
    expect(spisAfter).toHaveLength(2);
    expect(spisAfter.filter((spi) => spisBefore.includes(spi))).toEqual([]);
    const core = await lab.netns.ip(lab.names.core, 'route', 'show', PLAN.tiSegment.prefix);
    expect(core.stdout).toContain(`via ${PLAN.gw1.core}`);
    expect(tcp).toMatchObject({ echoed: tcp.sent });
    expect(tcp.error).toBeUndefined();
    console.log(`single-gateway restart: ${events[1]?.reason}; ping: ${/\d+ packets transmitted, \d+ received/.exec(ping)?.[0]}; longest TCP echo wait ${tcp.longestWaitMs} ms`);
  });
});

describe('tunnel: refused by the datacenter, a clear status and no crash loop', () => {
  let ctx: { lab: Lab; socketPath: string };
  const { status } = helpers(() => ctx);

  beforeAll(async () => {
    ctx = await labWithAgent();
  });
  afterAll(async () => {
    await ctx?.lab.destroy();
  });
  leakFreeEachTest(() => ctx.lab);

  async function expectRefused(reason: string): Promise<void> {
    const pid = (await processRunner.run('pgrep', ['-f', `main.js --data-dir ${ctx.lab.dir}`])).stdout.trim();
    // Backing off, with the time of the next attempt, and the reason named. (charon's control
    // log of a failed initiate now and then lacks the certificate line; such an attempt reads
    // 'attempt failed', so the reason is looked for in the history, not in one snapshot.)
    await waitFor(async () => {
      const s = await status();
      expect(s.tunnel.state).toBe('backoff');
      expect(Date.parse(s.tunnel.nextAttemptAt ?? '')).toBeGreaterThan(Date.parse(s.tunnel.lastError?.at ?? ''));
      expect(s.tunnel.history.map((e) => e.reason)).toContain(reason);
    }, 15_000, 100);
    // Still the same agent process, and the attempts grow rarer rather than hammering the gateways:
    // over the next 3 s at most three rounds over both gateways (waits of 1 s, then 2 s, ±25 %);
    // without backoff a refused attempt every ~25 ms would make about a hundred.
    const since = Date.now();
    await sleep(3_000);
    expect((await processRunner.run('pgrep', ['-f', `main.js --data-dir ${ctx.lab.dir}`])).stdout.trim()).toBe(pid);
    // (Once in many runs the socket refused this one connection although the process stayed the
    // same: under investigation, so the read is retried briefly while the pid check stays strict.)
    const { history } = (await waitFor(status, 2_000)).tunnel;
    const attempts = history.filter((e) => e.state === 'connecting' && Date.parse(e.at) >= since);
    expect(attempts.length).toBeLessThanOrEqual(6);
  }

  it('names proposals the gateways do not accept', async () => {
    const file = await ctx.lab.issueProfileVariant('aes128', { proposals: { ike: ['aes128-sha256-modp3072'], esp: ['aes128-sha256'] } });
    await ctx.lab.importProfile({ file });
    await expectRefused('no proposal chosen');
  });

  it('names gateways whose certificate comes from a CA the box does not trust', async () => {
    await ctx.lab.importProfile();
    await ctx.lab.replaceGatewayCertificates('foreign-ca');
    await processRunner.run(tibox, ['--socket', ctx.socketPath, 'tunnel', 'restart']);
    await expectRefused('gateway certificate not trusted');
  });

  it('names an expired gateway certificate', async () => {
    await ctx.lab.replaceGatewayCertificates('expired');
    await processRunner.run(tibox, ['--socket', ctx.socketPath, 'tunnel', 'restart']);
    await expectRefused('certificate expired');
  });

  it('blames the clock for an "expired" certificate while the box\'s clock is not synchronised', async () => {
    expect((await status()).health.map((h) => h.code)).not.toContain('clock.unsynchronised');
    await ctx.lab.stopBoxClock();
    await processRunner.run(tibox, ['--socket', ctx.socketPath, 'tunnel', 'restart']);
    await expectRefused('clock not synchronised');
    expect((await status()).health.map((h) => h.code)).toContain('clock.unsynchronised');
  });
});

/** Loaded in the box: its own IKE and ESP to the gateway leave no conntrack state behind. */
const untrackedTo = (gateway: string) => `table inet lab_untracked {
  chain output { type filter hook output priority raw; ip daddr ${gateway} udp dport { 500, 4500 } notrack; }
}
`;

describe('tunnel: gateways from an SRV record', () => {
  let ctx: { lab: Lab; socketPath: string };
  const { status, reachesConnector, tunnelUp } = helpers(() => ctx);

  beforeAll(async () => {
    ctx = await labWithAgent({ internetDns: true });
  });
  afterAll(async () => {
    await ctx?.lab.destroy();
  });
  leakFreeEachTest(() => ctx.lab);

  it('comes up to the first SRV target, and the firewall takes IKE from the addresses of both', async () => {
    const file = await ctx.lab.issueProfileVariant('srv', { gateways: { srv: PLAN.internetDns.srv } });
    await ctx.lab.importProfile({ file });
    await waitFor(tunnelUp, 10_000);
    await waitFor(reachesConnector, 5_000);
    // The status names the gateway by the address the SRV target resolved to. The first time up
    // counts: on a loaded machine a late echo may already have moved the tunnel on to the second.
    const ups = (await status()).tunnel.history.filter((event) => event.state === 'up');
    expect(ups.at(-1)?.gateway).toBe(PLAN.gw1.public);
    const { stdout } = await ctx.lab.exec(ctx.lab.names.box, 'nft', ['-j', 'list', 'set', 'inet', 'tibox', 'gateways_v4']);
    const set = (JSON.parse(stdout) as { nftables: { set?: { elem?: string[] } }[] }).nftables.find((item) => item.set)?.set;
    expect([...(set?.elem ?? [])].sort()).toEqual([PLAN.gw2.public, PLAN.gw1.public].sort());
  });

  it('takes a rekey the gateway starts once the box has forgotten the flow', async () => {
    await waitFor(tunnelUp, 5_000);
    const { lab } = ctx;
    const holder = (await status()).tunnel.gateway === PLAN.gw1.public ? 'gw1' : 'gw2';
    const gateway = PLAN[holder].public;
    const charonLog = () => readFileSync(lab.boxCharon?.log as string, 'utf8');
    const before = Date.now();
    // An idle longer than conntrack's UDP timeout cannot be waited out here: under libipsec ESP
    // travels in the IKE flow, and the flow probe's echoes keep that flow alive. So the box's own
    // packets to the gateway leave no state any more and what it held of the flow is deleted:
    // each packet of the gateway's is new to the box, as after such an idle (on kernel XFRM
    // without NAT, where ESP does not keep the IKE flow). Only the firewall's gateway set lets
    // them in now, the ESP that carries the probe's answers as much as the rekey.
    await lab.exec(lab.names.box, 'nft', ['-f', '-'], 10_000, untrackedTo(gateway));
    try {
      await lab.netns.exec(lab.names.box, 'conntrack', ['-D', '-p', 'udp', '--orig-dst', gateway], { okCodes: [1] });
      const logBefore = charonLog().length;
      await lab.exec(lab.names[holder], 'swanctl', ['--rekey', '--ike', 'box', '--uri', `unix://${lab.gateways.get(holder)?.vici}`]);
      await waitFor(() => expect(charonLog().slice(logBefore)).toMatch(/IKE_SA tibox-gw\d\[\d+\] rekeyed/), 5_000);
      await reachesConnector();
      // Nothing was repaired: the tunnel stayed up on the same gateway throughout.
      const events = eventsSince(await status(), before);
      expect(events).toEqual([]);
    } finally {
      await lab.exec(lab.names.box, 'nft', ['delete', 'table', 'inet', 'lab_untracked']);
    }
  });
});
