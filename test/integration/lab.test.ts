// The lab itself, with plain strongSwan on the box: the simulated datacenter must behave as
// ARCHITECTURE.md §1 and §6 describe before the agent is measured against it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { parseServiceDescription } from '../../src/lan/inventory/index.ts';
import { waitFor } from './waitFor.ts';
import { processRunner } from '../../src/core/runner.ts';

describe('lab with plain strongSwan on the box', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'plain' });
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  const fetchSds = () =>
    lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '2', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 5_000);
  const coreRoutes = async () => (await lab.netns.ip(lab.names.core, 'route', 'show', PLAN.tiSegment.prefix)).stdout;

  it('carries a PVS host through the tunnel to the connector stand-in over HTTPS', async () => {
    const sds = await waitFor(fetchSds, 15_000);
    expect(sds.stdout).toContain('<ConnectorServices');
  });

  it('lets the gateway holding the tunnel route the box segment in the core', async () => {
    await waitFor(async () => expect(await coreRoutes()).toContain(`via ${PLAN.gw1.core}`), 10_000);
  });

  it('writes a machine-readable description of what it built', () => {
    const description = JSON.parse(readFileSync(`${lab.dir}/lab.json`, 'utf8'));
    expect(description.namespaces.box).toBe(lab.names.box);
    expect(description.urls.connectorSds).toBe(`https://${PLAN.ti.connector}/connector.sds`);
    expect(existsSync(description.box.vici)).toBe(true);
  });

  it('serves the practice DHCP from the router to the unregistered host', async () => {
    const { stdout } = await lab.netns.ip(lab.names.other, '-4', 'addr', 'show', 'eth0');
    expect(stdout).toMatch(/inet 192\.168\.1\.1\d\d\/24/);
  });

  it('runs a card-terminal stand-in that accepts TLS on 4742 and announces its SICCT service description on UDP 4742', async () => {
    // The stand-in is a Node process that may still be starting on a busy machine.
    const tls = await waitFor(() => lab.exec(lab.names.box, 'openssl', ['s_client', '-connect', `${PLAN.tiSegment.terminal}:4742`, '-brief'], 10_000, 'Q\n'), 10_000, 200);
    expect(tls.stderr).toContain('CONNECTION ESTABLISHED');
    const capture = await lab.exec(lab.names.box, 'tcpdump', ['-n', '-c', '1', '-x', '-i', 'br-term', 'udp', 'port', '4742'], 15_000);
    // The IP packet's bytes as tcpdump prints them in hex, the announcement after its IP and UDP headers.
    const ip = Buffer.from(capture.stdout.split('\n').filter((line) => /^\s+0x[0-9a-f]{4}:/.test(line)).map((line) => line.replace(/^\s+0x[0-9a-f]{4}:/, '').replace(/\s/g, '')).join(''), 'hex');
    const announcement = parseServiceDescription(ip.subarray(((ip[0] ?? 0) & 0x0f) * 4 + 8));
    const mac = (JSON.parse((await lab.exec(lab.names.term, 'ip', ['-j', 'link', 'show', 'eth0'])).stdout) as { address: string }[])[0]?.address;
    expect(announcement).toEqual({ version: '1.30', address: PLAN.tiSegment.terminal, mac, name: PLAN.terminal.name, port: 4742, tls: ['1.2'] });
  });

  it('NATs the box behind the practice router and follows a change of its public address', async () => {
    const sas = await lab.exec(lab.names.gw1, 'swanctl', ['--list-sas', '--uri', `unix://${lab.gateways.get('gw1')?.vici}`]);
    expect(sas.stdout).toContain(`${PLAN.uplink.routerAddresses[0]}[4500]`);
    const next = await lab.changePublicAddress();
    const { stdout } = await lab.netns.ip(lab.names.router, '-4', 'addr', 'show', 'up0');
    expect(stdout).toContain(next);
    expect(stdout).not.toContain(`${PLAN.uplink.routerAddresses[0]}/`);
    await lab.exec(lab.names.other, 'ping', ['-c', '1', '-W', '2', PLAN.gw1.public]);
    const nat = await lab.exec(lab.names.router, 'conntrack', ['-L', '-p', 'icmp']);
    expect(nat.stdout).toContain(`src=${PLAN.gw1.public} dst=${next}`);
  });

  it('cuts the WAN on the router uplink and by carrier, and restores it', async () => {
    const ping = () => lab.exec(lab.names.box, 'ping', ['-c', '1', '-W', '1', PLAN.gw2.public]);
    await ping();
    await lab.cutWan('upstream', true);
    await expect(ping()).rejects.toThrow();
    await lab.cutWan('upstream', false);
    await ping();
    await lab.cutWan('carrier', true);
    expect((await lab.netns.ip(lab.names.box, 'link', 'show', 'wan0')).stdout).toContain('NO-CARRIER');
    await expect(ping()).rejects.toThrow();
    await lab.cutWan('carrier', false);
    await waitFor(ping, 5_000);
  });

  it('withdraws a killed gateway\'s routes from the core at once and revives it', async () => {
    await waitFor(async () => expect(await coreRoutes()).toContain(`via ${PLAN.gw1.core}`), 60_000);
    await lab.killGateway('gw1');
    expect(await coreRoutes()).not.toContain(`via ${PLAN.gw1.core}`);
    await lab.reviveGateway('gw1');
    const version = await lab.exec(lab.names.gw1, 'swanctl', ['--list-conns', '--uri', `unix://${lab.gateways.get('gw1')?.vici}`]);
    expect(version.stdout).toContain('box:');
  });

  it('restarts the box charon when it dies, as systemd would', async () => {
    const charon = lab.boxCharon;
    const before = charon?.process.pid;
    charon?.process.kill('SIGKILL');
    await waitFor(async () => {
      expect(charon?.process.pid).not.toBe(before);
      expect(charon?.process.restarts).toBe(1);
    }, 5_000);
  });
});

describe('lab cleanup', () => {
  it('leaves no namespace, process or file behind', async () => {
    const lab = await Lab.create({ boxCharon: 'plain' });
    const namespaces = Object.values(lab.names).slice(1);
    await lab.destroy();
    const left = await lab.netns.list();
    expect(left.filter((ns) => namespaces.includes(ns))).toEqual([]);
    expect(existsSync(lab.dir)).toBe(false);
    // Stand-ins carry the lab's directory in their arguments: none may still run.
    const { stdout } = await processRunner.run('pgrep', ['-f', lab.names.id], { okCodes: [1] });
    expect(stdout).toBe('');
  });
});
