import { describe, expect, it } from 'vitest';
import { lanSettingProblems, planLanAddresses, splitSegment } from '../../../src/lan/addressPlan.ts';
import { LanError } from '../../../src/lan/errors.ts';

const base = { tiSegment: '10.77.12.0/26', lanPort: 'lan0', terminalPorts: ['term0'], practiceFallback: '192.168.100.1/24' };

describe('splitSegment', () => {
  it.each([
    ['10.77.12.0/26', { lanHalf: '10.77.12.0/27', lanGateway: '10.77.12.1', terminalHalf: '10.77.12.32/27', terminalGateway: '10.77.12.33', halfLength: 27 }],
    ['10.77.12.0/24', { lanHalf: '10.77.12.0/25', lanGateway: '10.77.12.1', terminalHalf: '10.77.12.128/25', terminalGateway: '10.77.12.129', halfLength: 25 }],
    ['10.77.12.240/28', { lanHalf: '10.77.12.240/29', lanGateway: '10.77.12.241', terminalHalf: '10.77.12.248/29', terminalGateway: '10.77.12.249', halfLength: 29 }],
    ['172.31.255.192/26', { lanHalf: '172.31.255.192/27', lanGateway: '172.31.255.193', terminalHalf: '172.31.255.224/27', terminalGateway: '172.31.255.225', halfLength: 27 }],
  ])('splits %s into two halves with the box at the first host of each', (segment, halves) => {
    expect(splitSegment(segment)).toEqual(halves);
  });

  it.each([
    ['10.77.12.1/26', 'tiSegment: must be an IPv4 network like 10.77.12.0/26 (no host bits), not "10.77.12.1/26"'],
    ['10.77.12.0', 'tiSegment: must be an IPv4 network like 10.77.12.0/26 (no host bits), not "10.77.12.0"'],
    ['10.77.0.0/23', 'tiSegment: must be a /24 to /28, not /23'],
    ['10.77.12.0/29', 'tiSegment: must be a /24 to /28, not /29'],
  ])('refuses %s with TIBOX_LAN_INVALID', (segment, message) => {
    const error = catchError(() => splitSegment(segment));
    expect(error).toBeInstanceOf(LanError);
    expect([error.code, error.status, error.message]).toEqual(['TIBOX_LAN_INVALID', 422, `LAN setting ${message}`]);
  });
});

describe('planLanAddresses', () => {
  it('puts the LAN half gateway and the fallback on the LAN port, the terminal gateway on the bridge', () => {
    expect(planLanAddresses(base).links).toEqual({
      lan: { port: 'lan0', addresses: ['10.77.12.1/27', '192.168.100.1/24'] },
      terminals: { bridge: 'br-term', ports: ['term0'], addresses: ['10.77.12.33/27'] },
    });
  });

  it('keeps the halves without terminal ports, so PVS addresses stay valid when ports are added', () => {
    const plan = planLanAddresses({ ...base, terminalPorts: [] });
    expect(plan.halves?.lanHalf).toBe('10.77.12.0/27');
    expect(plan.links).toEqual({ lan: { port: 'lan0', addresses: ['10.77.12.1/27', '192.168.100.1/24'] }, terminals: null });
  });

  it('plans only the fallback and an empty bridge before a profile', () => {
    expect(planLanAddresses({ ...base, tiSegment: null, terminalPorts: ['term0', 'term1'], terminalBridge: 'brt' })).toEqual({
      halves: null,
      links: { lan: { port: 'lan0', addresses: ['192.168.100.1/24'] }, terminals: { bridge: 'brt', ports: ['term0', 'term1'], addresses: [] } },
    });
  });

  it('plans no fallback when there is none', () => {
    expect(planLanAddresses({ ...base, practiceFallback: null }).links.lan.addresses).toEqual(['10.77.12.1/27']);
  });

  it.each([
    [{ lanPort: 'lan 0' }, 'interfaces.lan', `must be an interface name of 1 to 15 letters, digits, '.', '_' or '-', not "lan 0"`],
    [{ lanPort: 'averyverylongname' }, 'interfaces.lan', `must be an interface name of 1 to 15 letters, digits, '.', '_' or '-', not "averyverylongname"`],
    [{ terminalPorts: ['term0', 'lan0'] }, 'interfaces.terminals[1]', 'lan0 is the LAN port; a port is either on the practice LAN or a terminal port'],
    [{ terminalPorts: ['term0', 'term0'] }, 'interfaces.terminals[1]', 'term0 is listed twice'],
    [{ terminalPorts: ['br-term'] }, 'interfaces.terminals[0]', 'br-term is the name of the terminal bridge itself'],
    [{ terminalBridge: 'lan0' }, 'interfaces.lan', 'lan0 is the name of the terminal bridge'],
    [{ practiceFallback: '192.168.100.1' }, 'interfaces.lanFallback', 'must be an address with its prefix length like 192.168.100.1/24, not "192.168.100.1"'],
    [{ practiceFallback: '192.168.100.0/24' }, 'interfaces.lanFallback', '192.168.100.0/24 is the network or broadcast address of 192.168.100.0/24; choose a host address'],
    [{ practiceFallback: '192.168.100.255/24' }, 'interfaces.lanFallback', '192.168.100.255/24 is the network or broadcast address of 192.168.100.0/24; choose a host address'],
    [{ practiceFallback: '192.168.100.1/32' }, 'interfaces.lanFallback', 'the prefix length must be /8 to /30, not /32'],
    [{ tiSegment: '10.77.12.0/30' }, 'tiSegment', 'must be a /24 to /28, not /30'],
  ])('refuses %j', (change, field, reason) => {
    const error = catchError(() => planLanAddresses({ ...base, ...change }));
    expect([error.code, error.message, error.details]).toEqual(['TIBOX_LAN_INVALID', `LAN setting ${field}: ${reason}`, { field }]);
  });

  it('lists every problem of the settings for the config, the first being the one the plan refuses', () => {
    expect(lanSettingProblems(base)).toEqual([]);
    const settings = { lanPort: 'br-term', terminalPorts: ['term0', 'x y', 'term0'], practiceFallback: '10.0.0.0/8' };
    expect(lanSettingProblems(settings)).toEqual([
      { field: 'interfaces.lan', reason: 'br-term is the name of the terminal bridge' },
      { field: 'interfaces.terminals[1]', reason: `must be an interface name of 1 to 15 letters, digits, '.', '_' or '-', not "x y"` },
      { field: 'interfaces.terminals[2]', reason: 'term0 is listed twice' },
      { field: 'interfaces.lanFallback', reason: '10.0.0.0/8 is the network or broadcast address of 10.0.0.0/8; choose a host address' },
    ]);
    expect(catchError(() => planLanAddresses({ ...settings, tiSegment: null })).details).toEqual({ field: 'interfaces.lan' });
  });
});

function catchError(fn: () => unknown): LanError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LanError) return error;
    throw error;
  }
  throw new Error('expected a LanError');
}
