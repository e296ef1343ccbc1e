// The function test's verdict functions, pure: facts in, verdict, value and fix out. Each row is
// one situation an installer meets; every fix comes filled in, in German and English.
import { describe, expect, it } from 'vitest';
import { judgeAddressPlan, type AddressPlanFacts } from '../../../../src/agent/check/checks/addressPlan.ts';
import { judgeConnector, type ConnectorFacts } from '../../../../src/agent/check/checks/connector.ts';
import { judgeMtu, type MtuFacts } from '../../../../src/agent/check/checks/mtu.ts';
import { judgePassthrough, type GatewayPorts, type PassthroughFacts } from '../../../../src/agent/check/checks/passthrough.ts';
import { judgePvsHosts, type PvsFacts } from '../../../../src/agent/check/checks/pvsHosts.ts';
import { judgeTerminals, type TerminalFacts } from '../../../../src/agent/check/checks/terminals.ts';
import { judgeTiDns, type TiDnsFacts } from '../../../../src/agent/check/checks/tiDns.ts';
import { judgeTime, type TimeFacts } from '../../../../src/agent/check/checks/time.ts';
import { judgeTunnel, type TunnelFacts } from '../../../../src/agent/check/checks/tunnel.ts';
import { judgeWan, type WanFacts } from '../../../../src/agent/check/checks/wan.ts';
import { judgeWanDns, type WanDnsFacts } from '../../../../src/agent/check/checks/wanDns.ts';
import type { Judgement } from '../../../../src/agent/check/result.ts';
import { resultOf } from '../../../../src/agent/check/runChecks.ts';
import type { SegmentHalves } from '../../../../src/lan/index.ts';

type Row<F> = [name: string, facts: F, verdict: Judgement['verdict'], fixKey: Judgement['fixKey'], fixSays?: RegExp];

/** The verdict and fix of each row, and the fix's words: both languages, every {param} filled in. */
function table<F>(judge: (facts: F) => Judgement, rows: Row<F>[]): void {
  it.each(rows)('%s', (_name, facts, verdict, fixKey, fixSays) => {
    const judgement = judge(facts);
    expect({ verdict: judgement.verdict, fixKey: judgement.fixKey }).toEqual({ verdict, fixKey });
    expect(judgement.value).not.toBe('');
    const result = resultOf({ id: 'wan', number: 1 }, judgement, 0);
    for (const words of [result.fix, result.note].filter((w) => w !== undefined)) {
      expect(words.de).not.toBe('');
      expect(words.en).not.toBe('');
      expect(`${words.de} ${words.en}`).not.toMatch(/\{\w+\}/);
    }
    if (fixSays) expect(result.fix?.en).toMatch(fixSays);
  });
}

const UP = { link: { up: true, carrier: true }, addresses: [{ address: '192.168.178.2/24', validS: 3600 }], defaultRoutes: [{ via: '192.168.178.1', dev: 'wan0', proto: 'dhcp' }] };
const wan = (state: Partial<WanFacts['state']>, more: Partial<WanFacts> = {}): WanFacts => ({ port: 'wan0', mode: 'dhcp', state: { ...UP, ...state }, ...more });

describe('1 WAN', () => {
  table(judgeWan, [
    ['link, lease and default route', wan({}), 'pass', undefined],
    ['no such port', wan({ link: undefined }), 'fail', 'wan.noPort', /no port wan0/],
    ['cable unplugged', wan({ link: { up: true, carrier: false } }), 'fail', 'wan.noCarrier', /plug in the cable/],
    ['no DHCP lease', wan({ addresses: [] }), 'fail', 'wan.noLease', /DHCP/],
    ['static address missing', wan({ addresses: [] }, { mode: 'static' }), 'fail', 'wan.noAddress', /static address/],
    ['default route on another port', wan({ defaultRoutes: [{ via: '192.168.1.1', dev: 'lan0' }] }), 'fail', 'wan.noDefaultRoute', /default route/],
    ['plugged into the practice LAN', wan({}, { inLan: 'same network 192.168.1.0/24' }), 'fail', 'wan.inLan', /same network 192\.168\.1\.0\/24/],
  ]);
});

const byAddress = { gateways: { kind: 'addresses', addresses: ['198.51.100.10', '192.0.2.10'] } } as const;
const bySrv = { gateways: { kind: 'srv', srv: '_isakmp._udp.dc.example' } } as const;
const byName = { gateways: { kind: 'addresses', addresses: ['gw1.dc.example', 'gw2.dc.example'] } } as const;

describe('2 DNS on the WAN', () => {
  table<WanDnsFacts>(judgeWanDns, [
    ['no profile', {}, 'fail', 'profile.missing'],
    ['gateways by address: nothing to resolve', { profile: byAddress, resolution: { gateways: ['198.51.100.10', '192.0.2.10'], names: new Map(), failed: [], addresses: ['192.0.2.10', '198.51.100.10'] } }, 'skipped', undefined],
    [
      'SRV and both names resolve',
      { profile: bySrv, resolution: { gateways: ['gw1.dc.example', 'gw2.dc.example'], names: new Map([['gw1.dc.example', ['198.51.100.10']], ['gw2.dc.example', ['192.0.2.10']]]), failed: [], addresses: ['192.0.2.10', '198.51.100.10'] } },
      'pass',
      undefined,
    ],
    ['SRV lookup times out', { profile: bySrv, resolution: { gateways: [], names: new Map(), failed: [], addresses: [], srvError: 'ETIMEOUT' } }, 'fail', 'wanDns.srvFailed', /_isakmp\._udp\.dc\.example does not resolve \(ETIMEOUT\)/],
    ['SRV names no gateway', { profile: bySrv, resolution: { gateways: [], names: new Map(), failed: [], addresses: [] } }, 'fail', 'wanDns.srvFailed', /no gateway named/],
    [
      'one name does not resolve',
      { profile: byName, resolution: { gateways: ['gw1.dc.example', 'gw2.dc.example'], names: new Map([['gw1.dc.example', ['198.51.100.10']]]), failed: ['gw2.dc.example'], addresses: ['198.51.100.10'] } },
      'fail',
      'wanDns.namesFailed',
      /gw2\.dc\.example/,
    ],
  ]);
});

const NOW = new Date('2026-12-07T10:00:00.000Z');
const SYNCED = { synchronised: true, offsetS: 0.002, reference: 'ntp.example' };
const CERTS = [
  { name: 'box certificate', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z' },
  { name: 'gateway CA 1', notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2035-01-01T00:00:00.000Z' },
];

describe('3 time', () => {
  table<TimeFacts>(judgeTime, [
    ['synchronised, certificates valid', { now: NOW, tracking: SYNCED, certificates: CERTS }, 'pass', undefined],
    ['chrony did not answer', { now: NOW, certificates: CERTS }, 'fail', 'time.unsynchronised', /NTP/],
    ['not synchronised', { now: NOW, tracking: { synchronised: false, offsetS: 0, reference: '' }, certificates: CERTS }, 'fail', 'time.unsynchronised'],
    ['2 h behind', { now: NOW, tracking: { ...SYNCED, offsetS: 7200 }, certificates: CERTS }, 'fail', 'time.offset', /off by 7200 s/],
    ['1.5 s ahead', { now: NOW, tracking: { ...SYNCED, offsetS: -1.5 }, certificates: CERTS }, 'fail', 'time.offset', /-1\.5 s/],
    ['no profile', { now: NOW, tracking: SYNCED }, 'fail', 'profile.missing'],
    ['box certificate expired', { now: new Date('2027-02-01T00:00:00.000Z'), tracking: SYNCED, certificates: CERTS }, 'fail', 'time.certificateExpired', /box certificate expired on 2027-01-01/],
    ['not valid yet', { now: new Date('2025-06-01T00:00:00.000Z'), tracking: SYNCED, certificates: CERTS }, 'fail', 'time.certificateNotYetValid', /box certificate is valid only from 2026-01-01/],
  ]);
});

const answered = { answered: true, notify: 'NO_PROPOSAL_CHOSEN', rttMs: 12 } as const;
const silent = { answered: false } as const;
const gw = (gateway: string, udp500: GatewayPorts['udp500'], udp4500: GatewayPorts['udp4500']): GatewayPorts => ({ gateway, udp500, udp4500 });

describe('4 VPN passthrough', () => {
  table<PassthroughFacts>(judgePassthrough, [
    ['both gateways answer on both ports', { hasProfile: true, gateways: [gw('198.51.100.10', answered, answered), gw('192.0.2.10', answered, answered)] }, 'pass', undefined],
    ['no profile', { hasProfile: false, gateways: [] }, 'fail', 'profile.missing'],
    ['no gateway resolved', { hasProfile: true, gateways: [] }, 'fail', 'passthrough.noGateway'],
    [
      'UDP 4500 dropped by the practice router',
      { hasProfile: true, gateways: [gw('198.51.100.10', answered, silent), gw('192.0.2.10', answered, silent)] },
      'fail',
      'passthrough.blocked',
      /does not pass UDP 4500.*enable VPN passthrough/,
    ],
    ['nothing answers', { hasProfile: true, gateways: [gw('198.51.100.10', silent, silent), gw('192.0.2.10', silent, silent)] }, 'fail', 'passthrough.none', /No gateway answers IKE/],
    ['one gateway silent', { hasProfile: true, gateways: [gw('198.51.100.10', answered, answered), gw('192.0.2.10', silent, silent)] }, 'warn', 'passthrough.oneGateway', /192\.0\.2\.10 UDP 500, 192\.0\.2\.10 UDP 4500/],
  ]);
});

const upStatus: TunnelFacts['status'] = {
  state: 'up',
  since: '2026-12-07T09:00:00.000Z',
  gateway: '198.51.100.10',
  evidence: { kind: 'traffic', at: '2026-12-07T09:59:58.000Z' },
  traffic: { bytesIn: 1000, bytesOut: 2000, packetsIn: 10, packetsOut: 20 },
};
const both = [gw('198.51.100.10', answered, answered), gw('192.0.2.10', answered, answered)];

describe('7 tunnel', () => {
  table<TunnelFacts>(judgeTunnel, [
    ['up via gw1, gw2 answers', { hasProfile: true, enabled: true, status: upStatus, gateways: both }, 'pass', undefined],
    ['no profile', { hasProfile: false, enabled: true, status: { ...upStatus, state: 'no-profile' }, gateways: [] }, 'fail', 'profile.missing'],
    ['switched off', { hasProfile: true, enabled: false, status: { ...upStatus, state: 'disabled' }, gateways: both }, 'fail', 'tunnel.disabled', /tunnel up/],
    [
      'backing off after a failure',
      { hasProfile: true, enabled: true, status: { state: 'backoff', since: '2026-12-07T09:59:00.000Z', lastError: { reason: 'gateway unreachable', at: '2026-12-07T09:59:00.000Z' }, traffic: upStatus.traffic }, gateways: both },
      'fail',
      'tunnel.down',
      /\(backoff: gateway unreachable\)/,
    ],
    ['standby silent', { hasProfile: true, enabled: true, status: upStatus, gateways: [both[0] as GatewayPorts, gw('192.0.2.10', answered, silent)] }, 'warn', 'tunnel.noStandby', /second gateway 192\.0\.2\.10.*should 198\.51\.100\.10 fail/],
    ['one gateway only', { hasProfile: true, enabled: true, status: upStatus, gateways: [both[0] as GatewayPorts] }, 'warn', 'tunnel.oneGateway'],
    ['the gateways do not resolve now', { hasProfile: true, enabled: true, status: upStatus, gateways: [] }, 'warn', 'passthrough.noGateway', /name server on the WAN/],
  ]);
});

const SDS = `<?xml version="1.0"?><ConnectorServices xmlns="http://ws.gematik.de/conn/ServiceDirectory/v3.1"><ProductInformation><ProductName>K</ProductName></ProductInformation></ConnectorServices>`;
const connector = (outcome: ConnectorFacts['answers'][number]['outcome']): ConnectorFacts => ({ hasProfile: true, tunnel: 'up', answers: [{ connector: '100.64.10.10', outcome }] });

describe('8 connector', () => {
  table<ConnectorFacts>(judgeConnector, [
    ['service directory read', connector({ stage: 'done', tls: 'TLSv1.3', body: SDS }), 'pass', undefined],
    ['no profile', { hasProfile: false, tunnel: 'no-profile', answers: [] }, 'fail', 'profile.missing'],
    ['tunnel down', { hasProfile: true, tunnel: 'backoff', answers: [] }, 'fail', 'connector.tunnelDown'],
    ['no TCP connection', connector({ stage: 'connect', error: 'ETIMEDOUT' }), 'fail', 'connector.unreachable', /100\.64\.10\.10 does not answer through the tunnel \(ETIMEDOUT\)/],
    ['TLS fails', connector({ stage: 'tls', error: 'ECONNRESET' }), 'fail', 'connector.tls'],
    ['404', connector({ stage: 'http', status: 404, tls: 'TLSv1.3' }), 'fail', 'connector.sds', /HTTP 404/],
    ['not a service directory', connector({ stage: 'done', tls: 'TLSv1.3', body: '<html></html>' }), 'fail', 'connector.sds', /root element/],
  ]);
});

const yes = { answered: true, rcode: 'NOERROR', primary: 'ns1.telematik' } as const;
const noSuchName = { answered: true, rcode: 'NXDOMAIN' } as const;
const no = { answered: false, error: 'ETIMEOUT' } as const;
const tiDns = (tunnel: TiDnsFacts['viaTunnel'][number]['outcome'], box: TiDnsFacts['viaTunnel'][number]['outcome'] | undefined): TiDnsFacts => ({
  hasProfile: true,
  name: 'telematik',
  domains: ['telematik', 'telematik-test'],
  viaTunnel: [{ server: '100.102.0.53', outcome: tunnel }],
  ...(box ? { viaBox: { resolver: '10.77.12.1', outcome: box } } : {}),
});

describe('9 TI DNS', () => {
  table<TiDnsFacts>(judgeTiDns, [
    ['answered through the tunnel and by the box', tiDns(yes, yes), 'pass', undefined],
    ['"no such name" from both', tiDns(noSuchName, noSuchName), 'pass', undefined],
    // What a public resolver says of `telematik` when the box forwards TI names to the internet.
    ['"no such name" from the box where the TI DNS has the zone', tiDns(yes, noSuchName), 'fail', 'tiDns.lan', /\(no such name, the TI DNS: SOA ns1\.telematik\)/],
    ['another SOA from the box', tiDns(yes, { answered: true, rcode: 'NOERROR', primary: 'a.root-servers.net' }), 'fail', 'tiDns.lan', /SOA a\.root-servers\.net, the TI DNS: SOA ns1\.telematik/],
    ['no profile', { hasProfile: false, domains: [], viaTunnel: [] }, 'fail', 'profile.missing'],
    ['TI DNS down', tiDns(no, no), 'fail', 'tiDns.tunnel', /100\.102\.0\.53 does not answer through the tunnel \(ETIMEOUT\)/],
    ["the box's resolver does not answer", tiDns(yes, { answered: false, error: 'ECONNREFUSED' }), 'fail', 'tiDns.lan', /10\.77\.12\.1/],
    ['no TI address on the LAN yet', tiDns(yes, undefined), 'fail', 'tiDns.lan', /no TI address/],
  ]);

  it('gives the conditional-forwarding rule with every verdict', () => {
    for (const facts of [tiDns(yes, yes), tiDns(no, no)]) {
      const result = resultOf({ id: 'tiDns', number: 9 }, judgeTiDns(facts), 0);
      expect(result.note?.en).toBe("For the practice's DNS server: forward queries for telematik, telematik-test to 10.77.12.1 (conditional forwarding).");
      expect(result.note?.de).toContain('telematik, telematik-test an 10.77.12.1');
    }
  });
});

const terminal = { name: 'Terminal Empfang', address: '10.77.12.40', mac: '00:0D:F8:01:02:03' };
const answers = { ok: true } as const;
const announced = (mac = '00:0d:f8:01:02:03') => ({ ok: true, description: { version: '1.30', address: '10.77.12.40', mac, name: 'ORGA6100-0123', port: 4742, tls: ['1.2'] } }) as const;
const undescribed = { ok: false, detail: 'no answer' } as const;
const seen = [{ ip: '10.77.12.40', mac: '00:0d:f8:01:02:03', state: 'reachable' }] as const;

describe('10 card terminals', () => {
  table<TerminalFacts>(judgeTerminals, [
    ['answers on TCP 4742 and describes itself, its lease taken by its MAC', { terminals: [{ ...terminal, sicct: answers, description: announced() }], neighbours: [...seen] }, 'pass', undefined],
    ['answers before the neighbour table has it', { terminals: [{ ...terminal, sicct: answers, description: announced() }], neighbours: [] }, 'pass', undefined],
    ['none registered', { terminals: [], neighbours: [] }, 'warn', 'terminal.none'],
    [
      'unplugged: no answer on TCP 4742',
      { terminals: [{ ...terminal, sicct: { ok: false, detail: 'EHOSTUNREACH' }, description: undescribed }], neighbours: [{ ...seen[0], state: 'gone' }] },
      'fail',
      'terminal.unreachable',
      /^Card terminal does not answer on TCP 4742: Terminal Empfang 10\.77\.12\.40\. Please check that it is switched on, plugged into/,
    ],
    ['its SICCT service refuses', { terminals: [{ ...terminal, sicct: { ok: false, detail: 'ECONNREFUSED' }, description: undescribed }], neighbours: [] }, 'fail', 'terminal.unreachable'],
    ['its address used by another MAC', { terminals: [{ ...terminal, sicct: answers, description: announced() }], neighbours: [{ ip: '10.77.12.40', mac: '02:00:00:00:00:99', state: 'stale' }] }, 'fail', 'terminal.otherMac', /Terminal Empfang 10\.77\.12\.40 \(02:00:00:00:00:99\)/],
    ['another terminal describes itself at its address', { terminals: [{ ...terminal, sicct: answers, description: announced('00:0d:f8:09:09:09') }], neighbours: [] }, 'fail', 'terminal.otherMac', /\(00:0d:f8:09:09:09\)/],
    ['answers on TCP 4742 but not the service request', { terminals: [{ ...terminal, sicct: answers, description: undescribed }], neighbours: [...seen] }, 'warn', 'terminal.noDescription', /not the SICCT service request \(UDP 4742\): Terminal Empfang 10\.77\.12\.40/],
  ]);

  it('names each terminal with its port, lease and description, and asks for the firmware from the display', () => {
    const second = { name: 'Terminal Labor', address: '10.77.12.41', mac: '00:0d:f8:01:02:04', sicct: { ok: false, detail: 'timeout' }, description: undescribed } as const;
    const judgement = judgeTerminals({ terminals: [{ ...terminal, sicct: answers, description: announced() }, second], neighbours: [...seen] });
    expect(judgement).toMatchObject({ verdict: 'fail', fixKey: 'terminal.unreachable', noteKey: 'terminal.firmware', params: { terminals: 'Terminal Labor 10.77.12.41' } });
    expect(judgement.value).toBe(
      'Terminal Empfang 10.77.12.40: TCP 4742 answers, lease taken by 00:0d:f8:01:02:03, announces "ORGA6100-0123" (SICCT discovery 1.30, port 4742, TLS 1.2); ' +
        'Terminal Labor 10.77.12.41: TCP 4742 timeout, 00:0d:f8:01:02:04 not seen yet, no service description (no answer)',
    );
    expect(resultOf({ id: 'terminals', number: 10 }, judgement, 0).note?.en).toContain('from 3.8.0');
  });
});

const host = { name: 'Empfang', address: '10.77.12.10', mac: '00:1A:2B:3C:4D:5E' };

describe('11 PVS hosts', () => {
  table<PvsFacts>(judgePvsHosts, [
    ['seen at its TI address with its MAC', { hosts: [host], neighbours: [{ ip: '10.77.12.10', mac: '00:1a:2b:3c:4d:5e', state: 'reachable' }] }, 'pass', undefined],
    ['none registered', { hosts: [], neighbours: [] }, 'warn', 'pvs.none'],
    ['never appeared', { hosts: [host], neighbours: [{ ip: '192.168.1.20', mac: '00:1a:2b:3c:4d:5e', state: 'reachable' }] }, 'warn', 'pvs.notSeen', /Not seen yet: Empfang 10\.77\.12\.10\. Please run the setup commands/],
    ['gone since', { hosts: [host], neighbours: [{ ip: '10.77.12.10', mac: '00:1a:2b:3c:4d:5e', state: 'gone' }] }, 'warn', 'pvs.notSeen'],
    ['its address used by another MAC', { hosts: [host], neighbours: [{ ip: '10.77.12.10', mac: '02:00:00:00:00:99', state: 'stale' }] }, 'fail', 'pvs.otherMac', /02:00:00:00:00:99/],
  ]);
});

const HALVES: SegmentHalves = { lanHalf: '10.77.12.0/27', lanGateway: '10.77.12.1', terminalHalf: '10.77.12.32/27', terminalGateway: '10.77.12.33', halfLength: 27 };

describe('12 address plan', () => {
  table<AddressPlanFacts>(judgeAddressPlan, [
    ['no collision', { halves: HALVES, findings: [] }, 'pass', undefined],
    ['no profile', { halves: null, findings: [] }, 'fail', 'profile.missing'],
    [
      'practice LAN inside a TI prefix',
      { halves: HALVES, findings: [{ severity: 'refuse', message: 'The practice network 100.64.20.0/24 lies inside the TI prefix 100.64.0.0/10.' }] },
      'fail',
      'plan.collision',
      /100\.64\.20\.0\/24.*renumber the practice network/,
    ],
    ['WAN in carrier-grade NAT', { halves: HALVES, findings: [{ severity: 'warn', message: 'The WAN 100.70.0.2/10 is carrier-grade NAT.' }] }, 'warn', 'plan.warning', /carrier-grade NAT/],
  ]);
});

const MTU = { pathMtu: 1500, source: 'probed', because: 'probed towards 198.51.100.10', tunnelMtu: 1400, mss: 1360 } as const;

describe('6 path MTU, its values', () => {
  table<MtuFacts>(judgeMtu, [
    ['probed, full size', MTU, 'pass', undefined],
    ['set by hand', { ...MTU, source: 'configured', because: 'configured' }, 'pass', undefined],
    ['not probed yet', { ...MTU, pathMtu: 1280, source: 'assumed', because: 'not probed yet' }, 'warn', 'mtu.unknown', /not been measured \(not probed yet\); the box assumes 1280 bytes/],
    ['probe failed', { ...MTU, source: 'link', because: "no answer: the WAN port's MTU" }, 'warn', 'mtu.unknown', /tunnel\.wanMtu/],
    ['a small line', { ...MTU, pathMtu: 1280, tunnelMtu: 1180, mss: 1140, small: 'path MTU 1280' }, 'warn', 'mtu.small', /at most 1280 bytes; the box limits TCP to 1140 bytes/],
  ]);
});
