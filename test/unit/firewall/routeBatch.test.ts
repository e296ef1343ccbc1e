// The TI routes as `ip -batch` lines for the resume at start: the planner's routes, each replaced by key.
import { describe, expect, it } from 'vitest';
import { renderRouteBatch } from '../../../src/firewall/routes/routeBatch.ts';

const PREFIXES = ['100.102.0.0/15', '100.64.0.0/10'];

describe('renderRouteBatch', () => {
  it('leads the prefixes into libipsec\'s device, in the planner\'s order', () => {
    expect(renderRouteBatch({ prefixes: PREFIXES, path: { kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.1' } })).toBe(
      'route replace 100.102.0.0/15 dev ipsec0 table 8742 proto static src 10.77.12.1\n' +
        'route replace 100.64.0.0/10 dev ipsec0 table 8742 proto static src 10.77.12.1\n',
    );
  });

  it('via the WAN gateway for kernel XFRM, unreachable when told so', () => {
    expect(renderRouteBatch({ prefixes: ['100.64.0.0/10'], path: { kind: 'xfrm', via: '192.168.1.1', dev: 'wan0', src: '10.77.12.1' } })).toBe(
      'route replace 100.64.0.0/10 via 192.168.1.1 dev wan0 table 8742 proto static src 10.77.12.1\n',
    );
    expect(renderRouteBatch({ prefixes: ['100.64.0.0/10'], path: { kind: 'unreachable' } })).toBe('route replace unreachable 100.64.0.0/10 table 8742 proto static\n');
  });

  it('throws on a malformed prefix rather than hand it to ip', () => {
    expect(() => renderRouteBatch({ prefixes: ['100.64.0.0/10; reboot'], path: { kind: 'unreachable' } })).toThrow();
  });
});
