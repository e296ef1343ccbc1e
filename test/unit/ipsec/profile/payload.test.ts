// validatePayload: the address rules that keep the tunnel's own traffic and foreign networks out
// of the tunnel. Identity and CAs are only checked for shape here, so placeholders do.
import { describe, expect, it } from 'vitest';
import { validatePayload } from '../../../../src/ipsec/profile/payload.ts';
import { labSettings } from '../../../lab/profile.ts';

const PEM = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;

/** The lab's payload (tiSegment 10.77.12.0/26, tiPrefixes 100.64.0.0/10 and 100.102.0.0/15), edited by `change`. */
function payload(change: (p: Record<string, unknown>) => void = () => undefined): Record<string, unknown> {
  const p = { ...labSettings(PEM('CERTIFICATE')), identity: { certificate: PEM('CERTIFICATE'), privateKey: PEM('PRIVATE KEY') } };
  change(p);
  return p;
}

const management = (prefix: string) => (p: Record<string, unknown>) => (p.management = { url: 'https://mgmt.dc.tibox.test', prefix });
const gateways = (...addresses: string[]) => (p: Record<string, unknown>) => (p.gateways = { addresses });

describe('validatePayload', () => {
  it('accepts the lab payload', () => {
    expect(validatePayload(payload()).settings).toMatchObject({
      gateways: { kind: 'addresses', addresses: ['198.51.100.10', '192.0.2.10'] },
      tiPrefixes: ['100.64.0.0/10', '100.102.0.0/15'],
      management: { prefix: '100.102.200.0/24' },
    });
  });

  it.each([
    ['a TI prefix shorter than /8', (p: Record<string, unknown>) => (p.tiPrefixes = ['100.64.0.0/10', '64.0.0.0/2']), 'tiPrefixes[1]', 'must be a /8 or longer, not /2'],
    ['a /0 TI prefix', (p: Record<string, unknown>) => (p.tiPrefixes = ['0.0.0.0/0']), 'tiPrefixes[0]', 'must be a network, not /0 (every address)'],
    ['a /0 TI segment', (p: Record<string, unknown>) => (p.tiSegment = '0.0.0.0/0'), 'tiSegment', 'must be a network, not /0 (every address)'],
    ['a /0 management prefix', management('0.0.0.0/0'), 'management.prefix', 'must be a network, not /0 (every address)'],
    ['a management prefix outside tiPrefixes', management('192.0.2.0/24'), 'management.prefix', '192.0.2.0/24 is not inside one tiPrefixes entry'],
    ['a management prefix wider than its TI prefix', management('100.0.0.0/8'), 'management.prefix', '100.0.0.0/8 is not inside one tiPrefixes entry'],
    [
      'a gateway inside a TI prefix',
      gateways('198.51.100.10', '100.64.1.1'),
      'gateways.addresses[1]',
      "100.64.1.1 lies inside tiPrefixes[0] 100.64.0.0/10: the tunnel's own outer address must not be routed into the tunnel",
    ],
    [
      'a gateway as an IPv4-mapped IPv6 literal inside a TI prefix',
      gateways('::ffff:100.102.0.1'),
      'gateways.addresses[0]',
      "::ffff:100.102.0.1 lies inside tiPrefixes[0] 100.64.0.0/10: the tunnel's own outer address must not be routed into the tunnel",
    ],
    [
      'a gateway inside the TI segment',
      gateways('10.77.12.5'),
      'gateways.addresses[0]',
      "10.77.12.5 lies inside tiSegment: the tunnel's own outer address must not be routed into the tunnel",
    ],
    ['a TI DNS server outside tiPrefixes', (p: Record<string, unknown>) => (p.tiDns = { servers: ['192.0.2.53'], domains: ['telematik'] }), 'tiDns.servers[0]', '192.0.2.53 is not inside tiPrefixes'],
  ])('refuses %s, naming the field', (_, change, field, reason) => {
    expect(() => validatePayload(payload(change))).toThrow(
      expect.objectContaining({ code: 'TIBOX_PROFILE_INVALID_FIELD', details: { field }, message: `profile field ${field}: ${reason}` }),
    );
  });

  it('accepts a /8 TI prefix, a management prefix equal to a TI prefix and IPv6 or named gateways', () => {
    const p = payload((p) => {
      p.tiPrefixes = ['100.0.0.0/8'];
      management('100.0.0.0/8')(p);
      gateways('2001:db8::10', 'gw1.dc.tibox.test')(p);
    });
    expect(validatePayload(p).settings).toMatchObject({ tiPrefixes: ['100.0.0.0/8'], management: { prefix: '100.0.0.0/8' }, gateways: { addresses: ['2001:db8::10', 'gw1.dc.tibox.test'] } });
  });
});
