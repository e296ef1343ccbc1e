import { describe, expect, it } from 'vitest';
import { benchDesired, benchHosts, halvesOf, mostHosts, segmentFor, type BenchSite } from '../../../bench/datapathDesired.ts';
import { judge, judgeAgainstFullMtu, type Measurement } from '../../../bench/datapathTargets.ts';
import { receivedMbits } from '../../../bench/iperf.ts';
import { cpuPercent, cpuTicks, peakResidentBytes, residentBytes } from '../../../bench/procStats.ts';
import { spread, spreadRatio } from '../../../bench/stats.ts';
import { parsePrefix } from '../../../src/core/ipv4.ts';
import { renderRuleset, validateFirewallDesired, type RegisteredHost } from '../../../src/firewall/index.ts';

const pvs: RegisteredHost = { id: 1, name: 'PVS reception', kind: 'pvs', address: '10.77.12.10', mac: '02:aa:00:00:00:10', cetpPorts: [8010] };
const terminal: RegisteredHost = { id: 2, name: 'Terminal reception', kind: 'terminal', address: '10.77.12.40', mac: '02:aa:00:00:00:40', cetpPorts: [] };
const site: BenchSite = {
  interfaces: { lan: 'lan0', wan: 'wan0', terminalBridge: 'br-term', tunnel: 'libipsec' },
  segmentAddress: '10.77.12.1',
  practiceLanAddresses: ['192.168.1.2'],
  tiPrefixes: ['100.64.0.0/10', '100.102.0.0/15'],
  managementPrefix: '100.102.200.0/24',
  gateways: ['198.51.100.10', '192.0.2.10'],
  tunnelMtu: 1400,
  pinned: [pvs, terminal],
};
const prefix = (text: string) => parsePrefix(text) ?? (() => { throw new Error(text); })();

describe('the benchmark desired states', () => {
  it('splits a segment into halves with the box as the first host of each', () => {
    expect(halvesOf(prefix('10.77.12.0/22'))).toEqual({
      lanHalf: '10.77.12.0/23', lanGateway: '10.77.12.1', terminalHalf: '10.77.14.0/23', terminalGateway: '10.77.14.1',
    });
  });

  it('keeps the pinned hosts and fills in PVS hosts and terminals in turn, past gateways and taken addresses', () => {
    const hosts = benchHosts(6, prefix('10.77.12.0/26'), [pvs, terminal]);
    expect(hosts.slice(0, 2)).toEqual([pvs, terminal]);
    expect(hosts.slice(2).map(({ kind, address, mac, cetpPorts }) => `${kind} ${address} ${mac} ${cetpPorts.join(',')}`)).toEqual([
      'pvs 10.77.12.2 02:be:00:00:00:00 8000',
      'terminal 10.77.12.34 02:be:00:00:00:01 ',
      'pvs 10.77.12.3 02:be:00:00:00:02 8000',
      'terminal 10.77.12.35 02:be:00:00:00:03 ',
    ]);
  });

  it('changes one CETP port between variants, and nothing else', () => {
    const [a, b] = [0, 1].map((variant) => benchHosts(10, prefix('10.77.12.0/26'), [pvs], variant));
    expect(a?.[1]?.cetpPorts).toEqual([8000]);
    expect(b?.[1]?.cetpPorts).toEqual([8001]);
    expect(b?.map((h, i) => (i === 1 ? { ...h, cetpPorts: [8000] } : h))).toEqual(a);
  });

  it('refuses hosts that do not fit, and pinned hosts outside their half', () => {
    expect(() => benchHosts(60, prefix('10.77.12.0/26'), [])).toThrow(/do not fit into 10.77.12.0\/26/);
    expect(() => benchHosts(3, prefix('10.77.12.0/26'), [{ ...pvs, address: '10.77.12.40' }])).toThrow(/outside its half/);
    expect(() => benchHosts(1, prefix('10.77.12.0/26'), [pvs, terminal])).toThrow(/cannot register 1 hosts/);
  });

  it('counts what a segment holds: every host address but the gateways, one half for PVS hosts', () => {
    // A /24's halves hold 125 hosts each; with the two pinned ones in the LAN half both halves fill evenly.
    expect(mostHosts(prefix('10.77.12.0/24'), [pvs, terminal])).toBe(248);
    expect(mostHosts(prefix('10.77.12.0/26'), [])).toBe(58);
  });

  it('takes the narrowest segment from a /26 outwards: a /22 for 1000 hosts', () => {
    expect([10, 58, 59, 100, 248, 249, 1000].map((count) => segmentFor(site, count).length)).toEqual([26, 26, 25, 25, 24, 23, 22]);
  });

  it('gives desired states the firewall accepts and renders, with the asked number of hosts', () => {
    for (const count of [10, 100, 1000]) {
      const desired = benchDesired(site, count);
      expect(validateFirewallDesired(desired)).toEqual([]);
      expect(desired.hosts).toHaveLength(count);
      expect(renderRuleset(desired)).toContain(`${desired.hosts.at(-1)?.address} . ${desired.hosts.at(-1)?.mac}`);
    }
    expect(benchDesired(site, 1000).tiSegment).toBe('10.77.12.0/22');
  });
});

describe('measurements in any unit', () => {
  it('gives median and range, and the ratio of medians unless the baseline is 0', () => {
    const tibox = spread([80, 70, 90]);
    expect(tibox).toEqual({ median: 80, min: 70, max: 90, runs: 3 });
    expect(spreadRatio(tibox, spread([100, 110, 90, 95]))).toBe(0.821);
    expect(spreadRatio(tibox, spread([0]))).toBeNull();
  });
});

describe('process figures from /proc', () => {
  it('reads VmRSS and VmHWM in bytes', () => {
    expect(residentBytes('Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t  135300 kB\nRssAnon:\t 1 kB\n')).toBe(135_300 * 1024);
    expect(() => residentBytes('Name:\tnode\n')).toThrow();
    expect(peakResidentBytes('Name:\tnode\nVmHWM:\t  140100 kB\nVmRSS:\t  135300 kB\n')).toBe(140_100 * 1024);
    expect(() => peakResidentBytes('Name:\tnode\nVmRSS:\t  135300 kB\n')).toThrow();
  });

  it('adds utime and stime, also after a command name with spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 5000 0 12 0 731 269 0 0 20 0 11 0 100 0 0';
    expect(cpuTicks(stat)).toBe(1000);
    expect(() => cpuTicks('4242 (node) S')).toThrow();
    expect(cpuPercent(50, 100, 10)).toBe(5);
  });
});

describe('iperf3 results', () => {
  it('reads what the receiver counted, in Mbit/s', () => {
    expect(receivedMbits(JSON.stringify({ end: { sum_sent: { bits_per_second: 4e8 }, sum_received: { bits_per_second: 345_912_345 } } }))).toBe(345.9);
  });

  it('fails on an iperf3 error or a report without the receiver side', () => {
    expect(() => receivedMbits(JSON.stringify({ error: 'unable to connect to server' }))).toThrow(/unable to connect/);
    expect(() => receivedMbits(JSON.stringify({ end: {} }))).toThrow(/no received throughput/);
  });
});

describe('the targets', () => {
  const measured = (median: number, ratio: number | null, unit = 'ms') => ({ unit, tibox: spread([median]), baseline: spread([1]), ratio });

  it('judges the ratio or the median against its bound, and skips measurements not taken', () => {
    const verdicts = judge({ throughput_1000: measured(330, 0.953, 'Mbit/s'), apply_1000: measured(100, 2), agent_rss: measured(79.9, 3, 'MB') });
    expect(verdicts).toEqual([
      { measurement: 'throughput_1000', want: 'ratio >= 0.95', value: 0.953, met: true },
      { measurement: 'apply_1000', want: 'median < 100 ms', value: 100, met: false },
      { measurement: 'agent_rss', want: 'median < 80 MB', value: 79.9, met: true },
    ]);
  });

  it('does not count a missing ratio as met', () => {
    expect(judge({ throughput_1000: measured(330, null, 'Mbit/s') })[0]?.met).toBe(false);
  });
});

describe('the MTU targets', () => {
  const key = (mtu: number, direction: 'up' | 'down') => `mtu_${mtu}_${direction}`;
  const at = (median: number): Measurement => ({ unit: 'Mbit/s', tibox: spread([median]), baseline: spread([median * 2]), ratio: 0.5 });

  it('judges each direction at each MTU against its own figure at 1500', () => {
    const results = { [key(1500, 'up')]: at(200), [key(1452, 'up')]: at(170), [key(1500, 'down')]: at(100), [key(1452, 'down')]: at(70) };
    expect(judgeAgainstFullMtu(results, [1500, 1452], key)).toEqual([
      { measurement: 'mtu_1452_up', want: 'median >= 0.8 of mtu_1500_up', value: 0.85, met: true },
      { measurement: 'mtu_1452_down', want: 'median >= 0.8 of mtu_1500_down', value: 0.7, met: false },
    ]);
  });

  it('gives no verdict without the figure at 1500', () => {
    expect(judgeAgainstFullMtu({ [key(1452, 'up')]: at(170) }, [1500, 1452], key)).toEqual([]);
  });
});
