// Why a device was blocked: the drop log's kernel records as entries, and the report that joins a
// device's registration, its counters and the drops that concern it.
import { describe, expect, it } from 'vitest';
import { parseDropRecord } from '../../../src/firewall/dropLog.ts';
import { explainDevice } from '../../../src/firewall/why.ts';
import { PVS } from './firewallDesired.ts';

const BOOTED = new Date('2025-05-02T06:00:00.000Z');
/** A /dev/kmsg record `seconds` after the boot. */
const record = (seconds: number, message: string) => `4,${1000 + seconds},${seconds * 1_000_000},-;${message}\n SUBSYSTEM=net\n`;

const WRONG_MAC = 'tibox drop wrong_mac: IN=lan0 OUT=ipsec0 MAC=02:00:5e:10:00:01:02:00:5e:10:00:99:08:00 SRC=10.77.12.10 DST=100.64.10.10 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=54321 DF PROTO=TCP SPT=40512 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0 ';
const FROM_TUNNEL = 'tibox drop from_tunnel: IN=ipsec0 OUT=lan0 SRC=100.64.10.10 DST=10.77.12.10 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=51000 DPT=7002 WINDOW=64240 RES=0x00 SYN URGP=0 ';
const PRACTICE_ADDRESS = 'tibox drop not_ti: IN=lan0 OUT=ipsec0 MAC=02:00:5e:10:00:01:02:00:5e:10:00:10:08:00 SRC=192.168.1.20 DST=100.64.10.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=7 DF PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1 ';
const BROADCAST = 'tibox drop broadcast: IN=lan0 OUT= MAC=ff:ff:ff:ff:ff:ff:02:00:5e:10:00:10:08:00 SRC=10.77.12.10 DST=10.77.12.31 LEN=78 TOS=0x00 PREC=0x00 TTL=128 ID=9 PROTO=UDP SPT=137 DPT=137 LEN=58 ';
const OTHER_HOST = 'tibox drop unregistered: IN=lan0 OUT=ipsec0 MAC=02:00:5e:10:00:01:02:00:5e:10:00:77:08:00 SRC=10.77.12.20 DST=100.64.10.10 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=3 DF PROTO=TCP SPT=40000 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0 ';

describe('parseDropRecord', () => {
  it('reads a drop line: time, reason, interfaces, the sender MAC, addresses and ports', () => {
    expect(parseDropRecord(record(90, WRONG_MAC), BOOTED.getTime())).toEqual({
      at: '2025-05-02T06:01:30.000Z', reason: 'wrong_mac', in: 'lan0', out: 'ipsec0', srcMac: '02:00:5e:10:00:99',
      src: '10.77.12.10', dst: '100.64.10.10', proto: 'TCP', sport: 40512, dport: 443,
    });
  });

  it('has no MAC for a packet out of the tunnel, and no ports for ICMP, whose IDs it does not mistake', () => {
    expect(parseDropRecord(record(1, FROM_TUNNEL), BOOTED.getTime())).not.toHaveProperty('srcMac');
    const icmp = parseDropRecord(record(1, PRACTICE_ADDRESS), BOOTED.getTime());
    expect(icmp).toMatchObject({ reason: 'not_ti', src: '192.168.1.20', proto: 'ICMP', srcMac: '02:00:5e:10:00:10' });
    expect(icmp).not.toHaveProperty('dport');
  });

  it('leaves out every other kernel record', () => {
    expect(parseDropRecord('6,1850,2293583586,-;br-term: port 1(term0) entered blocking state\n', 0)).toBeUndefined();
    expect(parseDropRecord(record(1, 'tibox drop nonsense: IN=lan0 SRC=1.2.3.4 DST=5.6.7.8'), 0)).toBeUndefined();
    expect(parseDropRecord(record(1, 'tibox drop invalid: IN=lan0 OUT='), 0)).toBeUndefined();
  });
});

describe('explainDevice', () => {
  const records = [WRONG_MAC, FROM_TUNNEL, PRACTICE_ADDRESS, BROADCAST, OTHER_HOST].map((line, i) => record(60 * (i + 1), line));
  const counters = new Map([
    ['device_1_accepted', { packets: 1200, bytes: 96_000, since: '2025-05-02T06:30:00.000Z' }],
    ['device_1_dropped', { packets: 3, bytes: 180, since: '2025-05-02T06:30:00.000Z' }],
    ['device_2_dropped', { packets: 9, bytes: 540 }],
  ]);

  it('joins its counters and the drops from or to its address or from its MAC, newest first, without broadcasts', () => {
    const report = explainDevice({ device: PVS, counters, records, bootedAt: BOOTED, limit: 20 });
    expect(report.counters).toEqual({ accepted: { packets: 1200, bytes: 96_000 }, dropped: { packets: 3, bytes: 180 }, since: '2025-05-02T06:30:00.000Z', sinceBoot: false });
    expect(report.drops.map((d) => [d.at, d.reason])).toEqual([
      ['2025-05-02T06:03:00.000Z', 'not_ti'],
      ['2025-05-02T06:02:00.000Z', 'from_tunnel'],
      ['2025-05-02T06:01:00.000Z', 'wrong_mac'],
    ]);
    expect(explainDevice({ device: PVS, counters, records, bootedAt: BOOTED, limit: 1 }).drops.map((d) => d.reason)).toEqual(['not_ti']);
  });

  it('says when the counters count from the boot, and when the loaded table has none for the device', () => {
    const loadedAtBoot = new Map([['device_1_accepted', { packets: 5, bytes: 300 }], ['device_1_dropped', { packets: 0, bytes: 0 }]]);
    expect(explainDevice({ device: PVS, counters: loadedAtBoot, records: [], bootedAt: BOOTED, limit: 20 }).counters).toMatchObject({ since: BOOTED.toISOString(), sinceBoot: true });
    expect(explainDevice({ device: { ...PVS, id: 7 }, counters, records: [], bootedAt: BOOTED, limit: 20 }).counters).toBeNull();
  });
});
