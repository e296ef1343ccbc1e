// The RAUC driver against the real Debian RAUC in the lab (test/lab/rauc.ts): bundles made by
// `make bundle`'s script and signed by a test update CA made for this run. A good bundle goes into
// the other slot and is booted at the next reboot; a bundle with a flipped payload byte, a flipped
// signature byte, one signed under a foreign CA and one for another compatible are each refused in
// RAUC's words, with both slots and the bootloader unchanged. A bundle's version is judged inside
// the install, by the box's pre-install handler on the manifest RAUC verified: an older one than
// the agent's permit allows is refused before anything is written. A slot marked bad is left at
// the next reboot.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRunner } from '../../src/core/runner.ts';
import { HealthCommit } from '../../src/updater/health/index.ts';
import { RaucDriver, RaucError, otherSlot, type InstallPermit } from '../../src/updater/rauc/index.ts';
import { createUpdateSigner, LabRauc, type Bootname, type UpdateSigner } from '../lab/rauc.ts';

const BUNDLE_SCRIPT = fileURLToPath(new URL('../../scripts/bundle.sh', import.meta.url));
const COMPATIBLE = 'tibox-lab';
const dir = mkdtempSync(join(tmpdir(), 'tibox-rauc-it-'));
/** The agent's run directory: its install permits, and the pre-install handler's verdicts. */
const runDir = join(dir, 'run');
/** What the agent would permit running 1.0.0, not forced. */
const PERMIT: InstallPermit = { installed: '1.0.0', forced: false };

let rauc: LabRauc;
let driver: RaucDriver;
let signer: UpdateSigner;
let foreign: UpdateSigner;

/** A bundle made by `make bundle`'s script: of the agent's build (built before the first test file), or of a stand-in payload. */
async function bundle(name: string, options: { version: string; by?: UpdateSigner; compatible?: string; agentBuild?: boolean; randomBytes?: number }): Promise<string> {
  const payload = join(dir, `payload-${name}`);
  if (!options.agentBuild) {
    mkdirSync(payload, { recursive: true });
    // A payload of some size, so a byte flipped in its middle lands in the image's data.
    writeFileSync(join(payload, 'agent.js'), `// agent ${options.version}\n${'x'.repeat(64 * 1024)}\n`);
    // Random bytes do not compress: an image this large takes RAUC a while to write.
    if (options.randomBytes) writeFileSync(join(payload, 'filler'), randomBytes(options.randomBytes));
  }
  const out = join(dir, `${name}.raucb`);
  const by = options.by ?? signer;
  await processRunner.run(BUNDLE_SCRIPT, [
    '--cert', by.cert, '--key', by.key, '--out', out, ...(options.agentBuild ? [] : ['--payload', payload]),
    '--version', options.version, '--compatible', options.compatible ?? COMPATIBLE,
  ], { timeoutMs: 60_000 });
  return out;
}

/** A copy of a bundle with one byte inverted: in the middle of its image, or of its signature. */
function flipped(file: string, where: 'payload' | 'signature'): string {
  const bytes = readFileSync(file);
  // A plain bundle is the image, then the CMS signature, then the signature's size (8 bytes, big-endian).
  const signatureSize = Number(bytes.readBigUInt64BE(bytes.length - 8));
  const imageEnd = bytes.length - 8 - signatureSize;
  const at = where === 'payload' ? Math.floor(imageEnd / 2) : imageEnd + Math.floor(signatureSize / 2);
  bytes[at] = bytes[at]! ^ 0xff;
  const out = file.replace(/\.raucb$/, `-${where}-flipped.raucb`);
  writeFileSync(out, bytes);
  return out;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Everything a refused install must leave alone: both slots' bytes, the bootloader, RAUC's view. */
async function boxState(): Promise<string> {
  const status = await driver.status();
  const slots = status.slots.map((s) => `${s.name} ${s.state} ${s.bootStatus ?? '-'} ${s.version ?? '-'}`).join('; ');
  return [`booted ${status.booted}`, rauc.bootloaderState(), slots, ...(['A', 'B'] as Bootname[]).map((s) => `${s} ${sha256(rauc.slotImage(s))}`)].join('\n');
}

beforeAll(async () => {
  signer = await createUpdateSigner(processRunner, join(dir, 'pki'), 'tibox');
  foreign = await createUpdateSigner(processRunner, join(dir, 'pki'), 'foreign');
  mkdirSync(runDir, { recursive: true });
  rauc = await LabRauc.start({ runner: processRunner, dir: join(dir, 'rauc'), keyring: signer.ca, compatible: COMPATIBLE, agentRunDir: runDir });
  driver = new RaucDriver({ runner: processRunner, env: rauc.env, runDir, installTimeoutMs: 60_000 });
}, 60_000);

afterAll(async () => {
  await rauc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('RAUC in the lab, through the driver', () => {
  it('shows the booted slot A, the other slot B, and the compatible', async () => {
    const status = await driver.status();
    expect(status).toMatchObject({ compatible: COMPATIBLE, booted: 'A', bootPrimary: 'rootfs.0' });
    expect(otherSlot(status)).toMatchObject({ name: 'rootfs.1', bootname: 'B', state: 'inactive', version: undefined });
  });

  it.each([
    ['a flipped payload byte', async () => flipped(await bundle('good-for-payload', { version: '2.0.0' }), 'payload'), /signature verification failed/],
    ['a flipped signature byte', async () => flipped(await bundle('good-for-signature', { version: '2.0.0' }), 'signature'), /Signature data is no valid CMS|signature verification failed/],
    ['a signer under a foreign CA', async () => bundle('foreign', { version: '2.0.0', by: foreign }), /signature verification failed: Verify error: unable to get local issuer certificate/],
    ['another compatible', async () => bundle('other-box', { version: '2.0.0', compatible: 'other-box' }), /Compatible mismatch: Expected 'tibox-lab' but bundle manifest has 'other-box'/],
  ])('refuses a bundle with %s in RAUC\'s words, and nothing changes', async (_name, make, reason) => {
    const file = await make();
    const before = await boxState();
    const refusal = await driver.install(file, PERMIT).then(() => undefined, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(RaucError);
    expect(refusal).toMatchObject({ code: 'RAUC_INSTALL_REFUSED', message: expect.stringMatching(reason) as unknown });
    expect(await boxState()).toBe(before);
  }, 60_000);

  it('judges a bundle\'s version on the manifest RAUC verified, before anything is written: an older one than the installed is refused unless forced', async () => {
    const older = await bundle('older', { version: '1.9.0' });
    const before = await boxState();
    const refusal = await driver.install(older, { installed: '2.0.0', forced: false }).then(() => undefined, (error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'RAUC_INSTALL_REFUSED', message: 'the update was refused: version 1.9.0 is older than the installed 2.0.0; only a forced deployment installs an older version' });
    expect(await boxState()).toBe(before);
    // A broken bundle never reaches the handler: RAUC refuses it first, in its own words.
    const broken = await driver.install(flipped(older, 'payload'), { installed: '1.0.0', forced: false }).then(() => undefined, (error: unknown) => error);
    expect(broken).toMatchObject({ code: 'RAUC_INSTALL_REFUSED', message: expect.stringMatching(/signature verification failed/) as unknown });
    expect(await boxState()).toBe(before);
    const forced = await driver.install(older, { installed: '2.0.0', forced: true });
    expect(forced.verdict).toEqual({ version: '1.9.0', compatible: COMPATIBLE });
    expect(otherSlot(await driver.status())).toMatchObject({ bootname: 'B', version: '1.9.0' });
    // The permit and the verdict speak for one install only.
    expect(readdirSync(runDir)).toEqual([]);
  }, 60_000);

  it('installs a good bundle of the agent\'s build into the other slot and boots it at the next reboot, which then is marked good', async () => {
    const imageA = sha256(rauc.slotImage('A'));
    const { steps, verdict } = await driver.install(await bundle('good', { version: '2.0.0', agentBuild: true }), PERMIT);
    expect(verdict).toEqual({ version: '2.0.0', compatible: COMPATIBLE });
    expect(steps.at(-1)).toEqual({ percent: 100, message: 'Installing done.' });
    expect(steps.some((s) => s.message === 'Copying image to rootfs.1')).toBe(true);
    expect(sha256(rauc.slotImage('A'))).toBe(imageA);
    const installed = await driver.status();
    expect(installed).toMatchObject({ booted: 'A', bootPrimary: 'rootfs.1' });
    expect(otherSlot(installed)).toMatchObject({ bootname: 'B', version: '2.0.0' });
    const image = await processRunner.run('unsquashfs', ['-cat', rauc.slotImage('B'), 'VERSION']);
    expect(image.stdout).toBe('2.0.0\n');
    const listing = await processRunner.run('unsquashfs', ['-l', '-d', '', rauc.slotImage('B')]);
    expect(listing.stdout.split('\n')).toEqual(expect.arrayContaining(['/package.json', '/build/agent/main.js']));

    expect(await rauc.reboot()).toBe('B');
    await driver.markBooted('good');
    expect(await driver.status()).toMatchObject({ booted: 'B', bootPrimary: 'rootfs.1' });
    expect(rauc.bootloaderState()).toBe('primary B; A good; B good');
  }, 60_000);

  it('leaves a slot marked bad at the next reboot, back in the old one', async () => {
    await driver.markBooted('bad');
    // As with GRUB's `B_OK=0`, B stays first in the order and the bootloader passes over it.
    expect(rauc.bootloaderState()).toBe('primary B; A good; B bad');
    expect(await rauc.reboot()).toBe('A');
    const status = await driver.status();
    expect(status).toMatchObject({ booted: 'A' });
    expect(status.slots.find((s) => s.bootname === 'B')).toMatchObject({ bootStatus: 'bad', version: '2.0.0' });
  }, 60_000);
});

describe('the health commit after booting a new slot, against RAUC in the lab', () => {
  const pendingFile = () => join(dir, 'data', 'pending-boot.json');
  const runDir = join(dir, 'run');
  /** The box's reboot: its run directory (a tmpfs) goes, the bootloader picks the slot. */
  const reboot = async (): Promise<Bootname> => {
    rmSync(runDir, { recursive: true, force: true });
    return rauc.reboot();
  };
  const commit = (checks: () => Record<string, true | string>) => new HealthCommit({
    rauc: driver, pendingFile: pendingFile(), installedFile: join(runDir, 'update-installed-this-boot.json'), checks: () => Promise.resolve(checks()), reboot: async () => void (await reboot()), deadlineMs: 300, intervalMs: 50,
  });

  it('marks a new slot good when its checks pass, and keeps it good across a later boot', async () => {
    expect(rauc.booted).toBe('A');
    await driver.install(await bundle('v3', { version: '3.0.0', agentBuild: true }), PERMIT);
    await commit(() => ({})).prepare({ slot: 'B', version: '3.0.0', previousSlot: 'A', previousVersion: '1.0.0', actionId: '31' }, false);
    expect(await reboot()).toBe('B');
    let rounds = 0;
    const outcome = await commit(() => (++rounds < 3 ? { agent: true, wan: true, tunnel: 'no answer from the probe target yet' } : { agent: true, wan: true, tunnel: true })).run(AbortSignal.timeout(10_000));
    expect(outcome).toMatchObject({ kind: 'good', pending: { slot: 'B', version: '3.0.0', actionId: '31', boots: 1, committed: true } });
    expect(rounds).toBe(3);
    expect(rauc.bootloaderState()).toBe('primary B; A good; B good');
    // A power cut before the report: the next boot finds the commit done and runs no check.
    expect(await reboot()).toBe('B');
    expect(await commit(() => { throw new Error('no check is due'); }).run(AbortSignal.timeout(10_000))).toMatchObject({ kind: 'good' });
    await commit(() => ({})).acknowledge();
    expect(await commit(() => ({})).run(AbortSignal.timeout(10_000))).toEqual({ kind: 'none' });
  }, 60_000);

  it('marks a new slot bad when the tunnel does not come up in time, boots back, and says so after the reboot', async () => {
    await driver.install(await bundle('v4', { version: '4.0.0', agentBuild: true }), PERMIT);
    await commit(() => ({})).prepare({ slot: 'A', version: '4.0.0', previousSlot: 'B', previousVersion: '3.0.0', actionId: '32' }, false);
    expect(await reboot()).toBe('A');
    const outcome = await commit(() => ({ agent: true, wan: true, tunnel: 'no answer from the probe target' })).run(AbortSignal.timeout(10_000));
    expect(outcome).toMatchObject({ kind: 'bad', reason: 'not healthy within 0.3 s (tunnel: no answer from the probe target)' });
    expect(rauc.booted).toBe('B');
    expect(await commit(() => ({})).run(AbortSignal.timeout(10_000))).toEqual({
      kind: 'fellBack',
      pending: { slot: 'A', version: '4.0.0', previousSlot: 'B', previousVersion: '3.0.0', actionId: '32', boots: 1, committed: false },
      reason: 'version 4.0.0 in slot A did not come up healthy; slot B with version 3.0.0 runs again',
    });
    expect((await driver.status()).slots.find((s) => s.bootname === 'A')).toMatchObject({ bootStatus: 'bad', version: '4.0.0' });
  }, 60_000);
});

describe('a power cut during an install, in the lab', () => {
  it('boots the old system whole, and the next install goes through', async () => {
    const booted = rauc.booted;
    const target = booted === 'A' ? 'B' : 'A';
    const oldImage = sha256(rauc.slotImage(booted));
    const large = await bundle('large', { version: '5.0.0', randomBytes: 96 * 1024 * 1024 });
    const install = driver.install(large, PERMIT).then(() => 'installed', (error: unknown) => error);
    // RAUC marks the target bad before it writes and makes it primary only when done: cut while it writes.
    const image = rauc.slotImage(target);
    const before = statSync(image).mtimeMs;
    const deadline = Date.now() + 30_000;
    while (statSync(image).mtimeMs === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    expect(statSync(image).mtimeMs).not.toBe(before);
    expect(await rauc.reboot()).toBe(booted);
    expect(rauc.bootloaderState()).toContain(`${target} bad`);
    expect(await install).toMatchObject({ code: 'RAUC_UNAVAILABLE' });
    expect(sha256(rauc.slotImage(booted))).toBe(oldImage);
    expect(await driver.status()).toMatchObject({ booted });

    await driver.install(large, PERMIT);
    expect(await rauc.reboot()).toBe(target);
    expect(otherSlot(await driver.status())).toMatchObject({ bootname: booted });
    expect((await driver.status()).slots.find((s) => s.bootname === target)).toMatchObject({ version: '5.0.0' });
  }, 120_000);
});
