import { describe, expect, it } from 'vitest';
import { pluginProblems, requestedPlugins } from '../../../scripts/check-components.ts';
import { renderCharonConf } from '../../../src/ipsec/charonConf.ts';

const requested = ['random', 'nonce', 'openssl', 'pem', 'kernel-libipsec', 'kernel-netlink', 'vici'];

// charon 5.9.8's own words, from Debian 12 machines with and without libstrongswan-standard-plugins.
const withoutOpenssl = `00[LIB] plugin 'openssl': failed to load - openssl_plugin_create not found and no plugin file available
00[LIB] created TUN device: ipsec0
00[LIB] feature CUSTOM:libcharon-sa-managers in critical plugin 'charon-systemd' has unmet dependency: HASHER:HASH_SHA1
00[LIB] failed to load 3 critical plugin features
`;
const allLoaded = `00[LIB] providers loaded by OpenSSL: legacy default
00[LIB] created TUN device: ipsec0
00[LIB] loaded plugins: charon-systemd random nonce openssl pem kernel-libipsec kernel-netlink vici
00[JOB] spawning 16 worker threads
`;

describe('the component check of setup', () => {
  it('reads the plugins the box asks charon to load from its strongswan.conf', () => {
    const plugins = requestedPlugins(renderCharonConf({ backend: 'libipsec', viciSocket: '/run/tibox/charon.vici' }));
    expect(plugins).toContain('openssl');
    expect(plugins.indexOf('kernel-libipsec')).toBeLessThan(plugins.indexOf('kernel-netlink'));
    // swanctl's own, shorter list is not charon's.
    expect(plugins).toContain('vici');
  });

  it('finds nothing wrong when charon loaded every plugin', () => {
    expect(pluginProblems(requested, allLoaded)).toEqual([]);
  });

  it('names the package of a plugin that failed, when charon stopped before its list', () => {
    expect(pluginProblems(requested, withoutOpenssl)).toEqual([
      "charon did not load its plugin 'openssl': install the Debian package libstrongswan-standard-plugins",
    ]);
  });

  it('names a plugin missing from the loaded list, from the core library when no package is known for it', () => {
    const log = allLoaded.replace(' kernel-libipsec', '').replace(' pem', '');
    expect(pluginProblems(requested, log)).toEqual([
      "charon did not load its plugin 'pem': install the Debian package libstrongswan",
      "charon did not load its plugin 'kernel-libipsec': install the Debian package libcharon-extra-plugins",
    ]);
  });

  it('says where charon stopped when it names no plugin', () => {
    expect(pluginProblems(requested, '00[LIB] created TUN device: ipsec0\n')).toEqual([
      'charon did not finish loading its plugins (its log ends: created TUN device: ipsec0)',
    ]);
    expect(pluginProblems(requested, '')).toEqual(['charon did not finish loading its plugins']);
  });
});
