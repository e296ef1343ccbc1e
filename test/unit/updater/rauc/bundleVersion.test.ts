// Versions of bundles: compared as MAJOR.MINOR.PATCH; no older one than the running version
// unless the deployment is forced.
import { describe, expect, it } from 'vitest';
import { compareVersions, versionProblem } from '../../../../src/updater/rauc/index.ts';

describe('compareVersions', () => {
  it.each([
    ['1.2.3', '1.2.3', 0], ['1.10.0', '1.9.9', 1], ['2.0.0', '10.0.0', -1], ['0.1.1', '0.1.0', 1],
  ])('%s against %s', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b)!)).toBe(sign);
  });

  it('compares no version of another form (leading zeros, a suffix, two parts)', () => {
    for (const odd of ['01.2.3', '1.2.3-rc1', '1.2', 'v1.2.3']) expect(compareVersions(odd, '1.2.3')).toBeUndefined();
  });
});

describe('versionProblem', () => {
  it('takes a newer and the same version, and an older one when forced', () => {
    expect(versionProblem({ installed: '2.0.0', offered: '2.0.1', forced: false })).toBeUndefined();
    expect(versionProblem({ installed: '2.0.0', offered: '2.0.0', forced: false })).toBeUndefined();
    expect(versionProblem({ installed: '2.0.0', offered: '1.9.0', forced: true })).toBeUndefined();
  });

  it('refuses an older version, and a version of another form, in words', () => {
    expect(versionProblem({ installed: '2.0.0', offered: '1.9.0', forced: false })).toBe('version 1.9.0 is older than the installed 2.0.0; only a forced deployment installs an older version');
    expect(versionProblem({ installed: '2.0.0', offered: '2.1', forced: true })).toBe('the bundle\'s version "2.1" is not of the form MAJOR.MINOR.PATCH');
  });
});
