// The network the dnsmasq tests run in, all in namespaces this file creates (prefix `tdns` and
// random hex) and removes again:
//
//   pvs ──┐                                  ┌── dc0 ── dc: TI DNS stand-in on 100.102.0.53 (the tunnel's far end)
//   cli ──┼── br-lan ── lan0  [ box ]  br-term ── tp0 ── term (a card terminal)
//  router ┘  (practice DHCP)   └── wan0 ── router: the practice's resolver on 192.168.178.1
//
// The box's LAN port lan0 shares the practice LAN with the router's DHCP server; it carries the
// practice-LAN address 192.168.1.2 and the LAN-half gateway 10.77.12.1. The terminal bridge
// br-term carries the terminal gateway 10.77.12.33. dc0 stands in for the tunnel: the TI prefix
// 100.102.0.0/15 is routed there and the dc routes the TI segment back.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processRunner, startProcess, type ProcessHandle } from '../../../src/core/runner.ts';
import { startCapture, type Capture } from '../../lab/capture.ts';
import { Netns } from '../../lab/netns.ts';

export const ADDR = {
  lanGateway: '10.77.12.1',
  terminalGateway: '10.77.12.33',
  boxPractice: '192.168.1.2',
  boxWan: '192.168.178.2',
  router: '192.168.1.1',
  routerWan: '192.168.178.1',
  pvsPractice: '192.168.1.20',
  pvsTi: '10.77.12.10',
  tiDns: '100.102.0.53',
} as const;

/**
 * What the stand-ins answer: TI names (two with private answers, which rebind protection would
 * drop) and public ones. A public answer must be a global address: dnsmasq's rebind protection
 * also drops the documentation ranges (192.0.2.0/24, 203.0.113.0/24, ...). Only answers: no
 * packet is ever sent to these addresses.
 */
export const NAMES = {
  ti: { 'kim.telematik': '100.102.1.10', 'dienst.telematik-test': '172.16.1.5', 'x.splitdns.ti-dienste.de': '10.30.1.1' },
  public: { 'public.example': '93.184.215.14', 'rebind.example': '192.168.1.66' },
} as const;

const REPORT_SCRIPT = join(fileURLToPath(import.meta.url), '..', 'udhcpc-report.sh');

export interface Lookup {
  addresses: string[];
  /** busybox nslookup's whole output, for messages. */
  output: string;
}

export class DnsmasqTopology {
  readonly id = `tdns${randomBytes(2).toString('hex')}`;
  readonly ns = {
    box: `${this.id}-box`,
    router: `${this.id}-router`,
    dc: `${this.id}-dc`,
    pvs: `${this.id}-pvs`,
    cli: `${this.id}-cli`,
    term: `${this.id}-term`,
  };
  private readonly netns = new Netns(processRunner);
  private readonly dir: string;
  private readonly standins: ProcessHandle[] = [];

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Logs of the stand-ins: every query they answered, every DHCP exchange. */
  readonly logs = {
    tiDns: () => this.read('ti-dns.log'),
    resolver: () => this.read('resolver.log'),
    practiceDhcp: () => this.read('practice-dhcp.log'),
  };

  async build(): Promise<void> {
    const { box, router, dc, pvs, cli, term } = this.ns;
    for (const ns of Object.values(this.ns)) await this.netns.add(ns);
    await this.netns.veth(box, 'lan0', router, 'r-box');
    await this.netns.veth(pvs, 'eth0', router, 'r-pvs');
    await this.netns.veth(cli, 'eth0', router, 'r-cli');
    await this.netns.bridge(router, 'br-lan', ['r-box', 'r-pvs', 'r-cli']);
    await this.netns.veth(box, 'wan0', router, 'boxwan');
    await this.netns.veth(box, 'tp0', term, 'eth0');
    await this.netns.bridge(box, 'br-term', ['tp0']);
    await this.netns.veth(box, 'dc0', dc, 'dc0');

    await this.netns.address(router, 'br-lan', `${ADDR.router}/24`);
    await this.netns.address(router, 'boxwan', `${ADDR.routerWan}/24`);
    await this.netns.address(box, 'lan0', `${ADDR.boxPractice}/24`);
    await this.netns.address(box, 'lan0', `${ADDR.lanGateway}/27`);
    await this.netns.address(box, 'br-term', `${ADDR.terminalGateway}/27`);
    await this.netns.address(box, 'wan0', `${ADDR.boxWan}/24`);
    await this.netns.route(box, 'default', 'via', ADDR.routerWan);
    await this.netns.address(box, 'dc0', '198.18.0.1/30');
    await this.netns.route(box, '100.102.0.0/15', 'via', '198.18.0.2');
    await this.netns.address(dc, 'dc0', '198.18.0.2/30');
    await this.netns.address(dc, 'lo', `${ADDR.tiDns}/32`);
    await this.netns.route(dc, '10.77.12.0/26', 'via', '198.18.0.1');
    await this.netns.address(pvs, 'eth0', `${ADDR.pvsPractice}/24`);
    await this.netns.address(pvs, 'eth0', `${ADDR.pvsTi}/27`);

    const records = (names: Record<string, string>) => Object.entries(names).map(([name, address]) => `--host-record=${name},${address}`);
    const quiet = ['--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-dynamic', '--log-facility=-'];
    await this.standin('ti-dns', dc, [...quiet, `--listen-address=${ADDR.tiDns}`, '--log-queries', `--pid-file=${join(this.dir, 'ti-dns.pid')}`, ...records(NAMES.ti)]);
    await this.standin('resolver', router, [...quiet, `--listen-address=${ADDR.routerWan}`, '--log-queries', `--pid-file=${join(this.dir, 'resolver.pid')}`, ...records(NAMES.public)]);
    await this.standin('practice-dhcp', router, [
      // --no-ping: offers at once, without the few seconds of dnsmasq's address-in-use ping.
      ...quiet, '--port=0', '--interface=br-lan', '--no-ping', `--pid-file=${join(this.dir, 'practice-dhcp.pid')}`,
      '--dhcp-range=192.168.1.100,192.168.1.199,255.255.255.0,1h', `--dhcp-option=option:router,${ADDR.router}`,
      `--dhcp-leasefile=${join(this.dir, 'practice.leases')}`, '--log-dhcp',
    ]);
  }

  /** Kills the stand-ins and removes every namespace. Safe after a failed build. */
  async destroy(): Promise<void> {
    for (const standin of this.standins) standin.kill('SIGKILL');
    await Promise.all(this.standins.map((s) => s.exited));
    for (const ns of Object.values(this.ns)) await this.netns.remove(ns);
  }

  /** busybox nslookup for an A record. */
  async lookup(from: string, name: string, server: string): Promise<Lookup> {
    const { stdout, stderr } = await processRunner.run('busybox', ['nslookup', '-type=a', name, server], { netns: from, okCodes: [1], timeoutMs: 20_000 });
    const output = stdout + stderr;
    const answer = output.split(/\nName:/).slice(1).join('\n');
    return { addresses: [...answer.matchAll(/^Address:\s+(\S+)$/gm)].map((m) => m[1] as string), output };
  }

  /**
   * A DHCP client run with this MAC, sending the host name (option 12) and vendor class (option 60)
   * given (udhcpc's own vendor class otherwise): the lease line of udhcpc-report.sh, or undefined for none.
   */
  async dhcp(ns: string, mac: string, sent: { hostname?: string; vendorClass?: string } = {}): Promise<string | undefined> {
    await this.netns.ip(ns, 'link', 'set', 'eth0', 'address', mac);
    const options = [...(sent.hostname ? ['-x', `hostname:${sent.hostname}`] : []), ...(sent.vendorClass ? ['-V', sent.vendorClass] : [])];
    const result = await processRunner.run('busybox', ['udhcpc', '-i', 'eth0', '-n', '-q', '-t', '3', '-T', '1', ...options, '-s', REPORT_SCRIPT], {
      netns: ns, okCodes: [1], timeoutMs: 20_000,
    });
    return result.stdout.split('\n').find((line) => line.startsWith('lease '));
  }

  /** Starts tcpdump in a namespace; stop() ends it and returns the packets it printed. */
  capture(ns: string, dev: string, filter: string): Promise<Capture> {
    return startCapture(join(this.dir, `capture-${ns}-${dev}.txt`), ns, dev, filter);
  }

  private async standin(name: string, ns: string, args: string[]): Promise<void> {
    const pidFile = join(this.dir, `${name}.pid`);
    const fd = openSync(join(this.dir, `${name}.log`), 'w');
    const handle = startProcess('dnsmasq', args, { netns: ns, outputFd: fd });
    closeSync(fd);
    this.standins.push(handle);
    const deadline = Date.now() + 10_000;
    while (this.readPid(pidFile) !== handle.pid) {
      if (Date.now() > deadline) throw new Error(`${name} did not start: ${this.read(`${name}.log`)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private readPid(path: string): number | undefined {
    try {
      return Number(readFileSync(path, 'utf8').trim());
    } catch {
      return undefined;
    }
  }

  private read(name: string): string {
    return readFileSync(join(this.dir, name), 'utf8');
  }
}
