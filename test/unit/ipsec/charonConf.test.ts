// The box's strongswan.conf for both kernel back ends, and the route into the tunnel each needs.
import { describe, expect, it } from 'vitest';
import { renderCharonConf } from '../../../src/ipsec/charonConf.ts';
import { backendFromPlugins, tunnelPath } from '../../../src/ipsec/tunnel/backend.ts';

describe('strongswan.conf of the box', () => {
  it('leaves TI routes to the routes module and retransmits early but outlasts a short outage, with either back end', () => {
    for (const backend of ['libipsec', 'xfrm'] as const) {
      const conf = renderCharonConf({ backend, viciSocket: '/run/charon.vici' });
      expect(conf).toContain('install_routes = no');
      expect(conf).toContain('routing_table = 0');
      // The n-th retransmit waits min(0.5 * 1.4^n, 15) s: the first after 0.5 s, none more than a
      // second after the one before within an attempt's 3 s, the last (the 12th) sent about 64 s
      // after the request, given up at about 79 s.
      const setting = (name: string) => Number(new RegExp(`${name} = ([\\d.]+)`).exec(conf)?.[1]);
      const waits = Array.from({ length: setting('retransmit_tries') + 1 }, (_, n) =>
        Math.min(setting('retransmit_timeout') * setting('retransmit_base') ** n, setting('retransmit_limit')),
      );
      expect(waits[0]).toBe(0.5);
      // Packets of an attempt (3 s): sent at 0, 0.5, 1.2 and 2.18 s, no gap longer than a second.
      const sent = waits.map((_, n) => waits.slice(0, n).reduce((a, b) => a + b, 0)).filter((at) => at < 3);
      expect([...sent, 3].map((at, i, all) => at - (all[i - 1] ?? 0)).every((gap) => gap <= 1)).toBe(true);
      const lastSent = waits.slice(0, -1).reduce((a, b) => a + b, 0);
      expect(lastSent).toBeGreaterThan(60);
      expect(lastSent + (waits.at(-1) as number)).toBeLessThan(90);
      expect(conf).toContain('vici { socket = unix:///run/charon.vici }');
    }
  });

  it('builds a fresh IKE_SA for every initiate, also to a gateway that holds one of ours', () => {
    for (const backend of ['libipsec', 'xfrm'] as const) expect(renderCharonConf({ backend, viciSocket: '/v' })).toMatch(/^ {2}reuse_ikesa = no$/m);
  });

  it('loads kernel-libipsec before kernel-netlink only for the libipsec back end', () => {
    const load = (backend: 'libipsec' | 'xfrm') => /load = (.*)/.exec(renderCharonConf({ backend, viciSocket: '/v' }))?.[1]?.split(' ') ?? [];
    const libipsec = load('libipsec');
    expect(libipsec.indexOf('kernel-libipsec')).toBeGreaterThan(-1);
    expect(libipsec.indexOf('kernel-libipsec')).toBeLessThan(libipsec.indexOf('kernel-netlink'));
    expect(load('xfrm')).not.toContain('kernel-libipsec');
    expect(load('xfrm')).toContain('kernel-netlink');
  });

  it('gives swanctl (the tunnel resumed at boot) only the plugins that read keys and certificates', () => {
    const conf = renderCharonConf({ backend: 'xfrm', viciSocket: '/v' });
    const swanctl = /^swanctl \{\n {2}load = (.*)\n\}$/m.exec(conf)?.[1]?.split(' ');
    expect(swanctl).toEqual(expect.arrayContaining(['openssl', 'pem', 'pkcs1', 'pkcs8', 'x509']));
    expect(swanctl).not.toContain('kernel-netlink');
    expect(/load = (.*)/.exec(conf)?.[1]).toContain('updown');
  });

  it('logs to a file in the lab and to the journal on the box', () => {
    expect(renderCharonConf({ backend: 'libipsec', viciSocket: '/v', logFile: '/lab/charon.log' })).toContain('path = /lab/charon.log');
    const box = renderCharonConf({ backend: 'xfrm', viciSocket: '/v' });
    expect(box).not.toContain('filelog');
    expect(box).toContain('journal { default = 1 }');
  });
});

describe('route into the tunnel', () => {
  it('goes to the TUN device with kernel-libipsec and via the WAN gateway with XFRM', () => {
    expect(backendFromPlugins(['vici', 'kernel-libipsec', 'kernel-netlink'])).toBe('libipsec');
    expect(backendFromPlugins(['vici', 'kernel-netlink'])).toBe('xfrm');
    expect(tunnelPath('libipsec', undefined, '10.77.12.1')).toEqual({ kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.1' });
    expect(tunnelPath('xfrm', { via: '192.168.178.1', dev: 'wan0' }, '10.77.12.1')).toEqual({ kind: 'xfrm', via: '192.168.178.1', dev: 'wan0', src: '10.77.12.1' });
  });

  it('stays unreachable with XFRM while the WAN has no default route', () => {
    expect(tunnelPath('xfrm', undefined, '10.77.12.1')).toEqual({ kind: 'unreachable' });
  });
});
