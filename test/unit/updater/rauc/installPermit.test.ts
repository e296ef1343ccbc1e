// The box's word on a bundle RAUC verified: the pre-install handler judges the manifest's version
// against the agent's permit, leaves its verdict in the run directory for the agent, and exits
// non-zero (RAUC then writes nothing) for a version refused or a permit it cannot read; an install
// the agent did not ask for (no permit) is RAUC's alone to judge. The handler runs on a temporary
// run directory, with the bundle's manifest where RAUC mounts the verified bundle.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_PERMIT_FILE, INSTALL_VERDICT_FILE, judgeBundle, parseManifest, parsePermit, parseVerdict } from '../../../../src/updater/rauc/index.ts';
import { runPreInstall } from '../../../../src/updater/rauc/preInstallHandler.ts';

describe('judgeBundle', () => {
  const manifest = (version: string | undefined) => ({ version, compatible: 'tibox' });

  it('takes a newer or equal version, and an older one only when forced', () => {
    expect(judgeBundle({ installed: '1.4.0', forced: false }, manifest('1.5.0'))).toEqual({ version: '1.5.0', compatible: 'tibox' });
    expect(judgeBundle({ installed: '1.4.0', forced: false }, manifest('1.4.0'))).toEqual({ version: '1.4.0', compatible: 'tibox' });
    expect(judgeBundle({ installed: '1.4.0', forced: false }, manifest('1.3.9'))).toEqual({
      version: '1.3.9', compatible: 'tibox', problem: 'version 1.3.9 is older than the installed 1.4.0; only a forced deployment installs an older version',
    });
    expect(judgeBundle({ installed: '1.4.0', forced: true }, manifest('1.3.9'))).toEqual({ version: '1.3.9', compatible: 'tibox' });
  });

  it('refuses a manifest without a version, or with one that does not compare, under a permit', () => {
    expect(judgeBundle({ installed: '1.4.0', forced: true }, manifest(undefined)).problem).toBe('the bundle\'s manifest names no version');
    expect(judgeBundle({ installed: '1.4.0', forced: false }, manifest('next')).problem).toBe('the bundle\'s version "next" is not of the form MAJOR.MINOR.PATCH');
  });

  it('leaves an install nobody permitted to RAUC', () => {
    expect(judgeBundle(undefined, manifest('0.1.0'))).toEqual({ version: '0.1.0', compatible: 'tibox' });
  });

  it('reads version and compatible from the manifest\'s [update] section only', () => {
    const manifest = '# made by make bundle\n[update]\ncompatible=tibox-lab\nversion=2.0.0\nbuild=20261207\n\n[bundle]\nformat=plain\nversion=9.9.9\n\n[image.rootfs]\nfilename=rootfs.img\n';
    expect(parseManifest(manifest)).toEqual({ version: '2.0.0', compatible: 'tibox-lab' });
    expect(parseManifest('[bundle]\nversion=1.0.0\n')).toEqual({ version: undefined, compatible: undefined });
  });

  it('reads permits and verdicts strictly', () => {
    expect(parsePermit('{"installed":"1.4.0","forced":false}')).toEqual({ installed: '1.4.0', forced: false });
    expect(() => parsePermit('{"installed":"1.4.0","forced":"no"}')).toThrow('the install permit needs "installed" (a string) and "forced" (true or false)');
    expect(() => parsePermit('[]')).toThrow('the install permit is not a JSON object');
    expect(parseVerdict('{"version":"1.3.9","compatible":"tibox","problem":"older"}')).toEqual({ version: '1.3.9', compatible: 'tibox', problem: 'older' });
    expect(() => parseVerdict('{"version":1}')).toThrow('the install verdict needs "version" and "compatible" (strings)');
    expect(() => parseVerdict('{')).toThrow(/^the install verdict is not JSON/);
  });
});

describe('the pre-install handler', () => {
  let runDir: string;
  let mount: string;
  let stderr: string[];
  /** RAUC's environment for a handler, with the verified bundle of `version` mounted. */
  const rauc = async (version: string) => {
    await writeFile(join(mount, 'manifest.raucm'), `[update]\ncompatible=tibox\nversion=${version}\n\n[bundle]\nformat=plain\n`);
    return { RAUC_BUNDLE_MOUNT_POINT: mount, RAUC_SLOTS: '1 2' };
  };
  const run = (env: NodeJS.ProcessEnv, args: string[] = [runDir]) => runPreInstall(args, env, (text) => void stderr.push(text));
  const verdict = async () => JSON.parse(await readFile(join(runDir, INSTALL_VERDICT_FILE), 'utf8')) as unknown;

  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'tibox-pre-install-'));
    mount = `${runDir}-bundle`;
    await mkdir(mount);
    stderr = [];
  });
  afterEach(async () => {
    await rm(runDir, { recursive: true, force: true });
    await rm(mount, { recursive: true, force: true });
  });

  it('lets RAUC install a version the permit allows, and leaves the verified version for the agent', async () => {
    await writeFile(join(runDir, INSTALL_PERMIT_FILE), '{"installed":"1.4.0","forced":false}');
    expect(await run(await rauc('2.0.0'))).toBe(0);
    expect(await verdict()).toEqual({ version: '2.0.0', compatible: 'tibox' });
    expect(stderr).toEqual([]);
  });

  it('stops RAUC for an older version, saying why', async () => {
    await writeFile(join(runDir, INSTALL_PERMIT_FILE), '{"installed":"1.4.0","forced":false}');
    expect(await run(await rauc('1.0.0'))).toBe(1);
    expect(await verdict()).toMatchObject({ version: '1.0.0', problem: 'version 1.0.0 is older than the installed 1.4.0; only a forced deployment installs an older version' });
    expect(stderr).toEqual(['tibox: the update was refused: version 1.0.0 is older than the installed 1.4.0; only a forced deployment installs an older version\n']);
  });

  it('stops RAUC when the permit cannot be read', async () => {
    await writeFile(join(runDir, INSTALL_PERMIT_FILE), '{"installed":');
    expect(await run(await rauc('2.0.0'))).toBe(1);
    expect(await verdict()).toMatchObject({ problem: expect.stringMatching(/^the install cannot be judged: the install permit is not JSON/) as unknown });
  });

  it('stops RAUC when no verified manifest is to be found for an install the agent asked for', async () => {
    await writeFile(join(runDir, INSTALL_PERMIT_FILE), '{"installed":"1.4.0","forced":false}');
    expect(await run({ RAUC_SLOTS: '1 2' })).toBe(1);
    expect(await verdict()).toMatchObject({ problem: 'the bundle\'s manifest names no version' });
  });

  it('leaves an install without a permit to RAUC, and no verdict that could speak for a later one', async () => {
    await writeFile(join(runDir, INSTALL_VERDICT_FILE), '{"version":"9.9.9","compatible":"tibox"}');
    expect(await run(await rauc('0.1.0'))).toBe(0);
    expect(await readdir(runDir)).toEqual([]);
  });

  it('refuses a command line without the run directory, changing nothing', async () => {
    expect(await run(await rauc('2.0.0'), [])).toBe(2);
    expect(stderr).toEqual(['usage: rauc-pre-install RUN_DIR (RAUC runs it with the bundle mounted at RAUC_BUNDLE_MOUNT_POINT)\n']);
    expect(await readdir(runDir)).toEqual([]);
  });
});
