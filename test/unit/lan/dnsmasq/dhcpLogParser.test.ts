// dnsmasq's DHCP log lines into requests. recorded/ holds what dnsmasq 2.90 wrote on stderr for
// our config (render.ts) while busybox udhcpc asked on the terminal bridge: from an unregistered
// MAC with a host name and vendor class (ignored, twice), from a registered one (offer and ack),
// and from an unregistered one that sent only udhcpc's own vendor class; once with log-dhcp and
// once without.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DhcpLogParser, type DhcpRequest } from '../../../../src/lan/dnsmasq/dhcpLogParser.ts';

const recorded = (name: string) => readFileSync(new URL(`recorded/${name}`, import.meta.url), 'utf8').split('\n');
const parse = (lines: readonly string[], parser = new DhcpLogParser()): DhcpRequest[] =>
  lines.flatMap((line) => {
    const request = parser.line(line);
    return request ? [request] : [];
  });
const line = (xid: number, text: string) => `dnsmasq-dhcp[4969]: ${xid} ${text}`;
const UNREGISTERED = '02:00:5e:10:00:99';

describe('DhcpLogParser', () => {
  it('reads the recorded log: ignored requests with what their client sent, and the offer and ack with the address', () => {
    const ignored = { mac: UNREGISTERED, vendorClass: 'ORGA6141', hostname: 'KT-99' };
    const served = { mac: '02:00:5e:10:00:40', address: '10.77.12.40', vendorClass: 'ORGA6141', hostname: 'KT-40' };
    expect(parse(recorded('log-dhcp.log'))).toEqual([ignored, ignored, served, served, { mac: '02:00:5e:10:00:98', vendorClass: 'udhcp 1.35.0' }]);
  });

  it('reads nothing without log-dhcp: the lines then carry no transaction id, and no names', () => {
    expect(parse(recorded('no-log-dhcp.log'))).toEqual([]);
  });

  it('keeps two transactions apart by their ids when their lines interleave', () => {
    expect(parse([
      line(11, 'available DHCP subnet: 10.77.12.32/255.255.255.224'),
      line(11, 'vendor class: ORGA6141'),
      line(22, 'available DHCP subnet: 10.77.12.32/255.255.255.224'),
      line(22, 'vendor class: CCT'),
      line(22, 'client provides name: KT-22'),
      line(11, 'client provides name: KT-11'),
      line(22, 'DHCPDISCOVER(br-term) 02:00:5e:10:00:22 ignored'),
      line(11, 'DHCPREQUEST(br-term) 10.77.12.40 02:00:5e:10:00:11 '),
      line(11, 'tags: known, br-term'),
      line(11, 'DHCPACK(br-term) 10.77.12.40 02:00:5e:10:00:11 KT-11'),
    ])).toEqual([
      { mac: '02:00:5e:10:00:22', vendorClass: 'CCT', hostname: 'KT-22' },
      { mac: '02:00:5e:10:00:11', address: '10.77.12.40', vendorClass: 'ORGA6141', hostname: 'KT-11' },
    ]);
  });

  it('gives an address only with an offer or ack: not the one a client asks for, nor with a nak, a decline or a release', () => {
    expect(parse([
      line(9, `DHCPDISCOVER(br-term) 10.77.12.50 ${UNREGISTERED} ignored`),
      line(1, 'DHCPREQUEST(br-term) 10.77.12.50 02:00:5e:10:00:40 '),
      line(1, 'DHCPNAK(br-term) 10.77.12.50 02:00:5e:10:00:40 wrong address'),
      line(2, 'DHCPDECLINE(br-term) 10.77.12.40 02:00:5e:10:00:40 address in use'),
      line(3, 'DHCPRELEASE(br-term) 10.77.12.40 02:00:5e:10:00:40 '),
      line(4, 'DHCPINFORM(br-term) 10.77.12.40 02:00:5e:10:00:40 '),
      line(4, 'DHCPACK(br-term) 10.77.12.40 02:00:5e:10:00:40 KT-40'),
    ])).toEqual([
      { mac: UNREGISTERED },
      { mac: '02:00:5e:10:00:40' },
      { mac: '02:00:5e:10:00:40' },
      { mac: '02:00:5e:10:00:40' },
      { mac: '02:00:5e:10:00:40', address: '10.77.12.40' },
    ]);
  });

  it('forgets what an ignored request sent, which never gets a final line, once a new packet reuses its id', () => {
    const parser = new DhcpLogParser();
    // dnsmasq logs nothing but what the client sent for a DHCPREQUEST it ignores.
    expect(parse([line(7, 'available DHCP subnet: 10.77.12.32/255.255.255.224'), line(7, 'client provides name: KT-7')], parser)).toEqual([]);
    expect(parse([
      line(7, 'available DHCP subnet: 10.77.12.32/255.255.255.224'),
      line(7, `DHCPDISCOVER(br-term) ${UNREGISTERED} ignored`),
    ], parser)).toEqual([{ mac: UNREGISTERED }]);
  });

  it('keeps at most 64 open transactions, forgetting the one quiet longest', () => {
    const open = (xids: number[]) => xids.map((xid) => line(xid, `client provides name: KT-${xid}`));
    const others = (n: number) => Array.from({ length: n }, (_, i) => 1_000 + i);
    const parser = new DhcpLogParser();
    parse([...open([1, 2]), ...open(others(62)), ...open([1])], parser);
    // 1 was heard from again, so 2 was quiet longest; one more transaction pushes 2 out.
    parse(open([5_000]), parser);
    expect(parse([line(1, `DHCPDISCOVER(br-term) ${UNREGISTERED} ignored`), line(2, `DHCPDISCOVER(br-term) ${UNREGISTERED} ignored`)], parser)).toEqual([
      { mac: UNREGISTERED, hostname: 'KT-1' },
      { mac: UNREGISTERED },
    ]);
  });

  it('cuts what a client sent at 255 characters, the most a DHCP option holds', () => {
    const long = 'x'.repeat(10_000);
    expect(parse([line(1, `vendor class: ${long}`), line(1, `DHCPDISCOVER(br-term) ${UNREGISTERED} ignored`)])).toEqual([
      { mac: UNREGISTERED, vendorClass: 'x'.repeat(255) },
    ]);
  });

  it.each([
    '',
    'garbage',
    'dnsmasq[4969]: DHCPDISCOVER(br-term) 02:00:5e:10:00:99 ignored',
    'dnsmasq-dhcp[4969]: DHCPDISCOVER(br-term) 02:00:5e:10:00:99 ignored',
    'dnsmasq-dhcp[4969]: 12345678901 DHCPDISCOVER(br-term) 02:00:5e:10:00:99 ignored',
    'dnsmasq-dhcp[4969]: 1 DHCPDISCOVER(br-term) <null> ignored',
    'dnsmasq-dhcp[4969]: 1 DHCPDISCOVER(br term) 02:00:5e:10:00:99 ignored',
    'dnsmasq-dhcp[4969]: 1 DHCPDISCOVER 02:00:5e:10:00:99 ignored',
    'dnsmasq-dhcp[4969]: 1 DHCPDISCOVER(br-term) 02:00:5e:10:00:40 ',
    'dnsmasq-dhcp[4969]: 1 DHCPOFFER(br-term)',
    'dnsmasq-dhcp[4969]: 1 PXE(br-term) 02:00:5e:10:00:99 proxy-ignored',
    'dnsmasq-dhcp[4969]: 1 sent size:  4 option:  3 router  10.77.12.33',
    'x dnsmasq-dhcp[4969]: 1 DHCPDISCOVER(br-term) 02:00:5e:10:00:99 ignored',
  ])('reads no request from %j', (text) => {
    expect(new DhcpLogParser().line(text)).toBeUndefined();
  });

  // Outside input: whatever the lines, no exception.
  it('never throws, and every request it reads has a colon-hex MAC', () => {
    const parts = fc.constantFrom(
      'dnsmasq-dhcp[1]: ', '7 ', '8 ', 'vendor class: ', 'client provides name: ', 'available DHCP subnet: ', 'DHCPDISCOVER(br-term) ',
      'DHCPACK(br-term) ', 'DHCPNAK(x) ', '10.77.12.40 ', '02:00:5e:10:00:99', ' ignored', ' ', '(', ')', '\u0000', '\n',
    );
    const lines = fc.array(fc.oneof(fc.string(), fc.array(parts, { maxLength: 8 }).map((p) => p.join(''))), { maxLength: 50 });
    fc.assert(fc.property(lines, (input) => {
      for (const request of parse(input)) expect(request.mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})*$/);
    }));
  });
});
