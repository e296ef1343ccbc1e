// ProfileStore: round trip, modes, atomic replacement, a crash before the switch, and the profile a
// renewal replaced, kept until the renewal is confirmed or restored.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { importProfile, ProfileStore, type VpnProfile } from '../../../../src/ipsec/profile/index.ts';
import { makeFixtures, P12_PASSWORD, profileFile, type Fixtures } from './fixtures.ts';

let f: Fixtures;
let first: VpnProfile;
let second: VpnProfile;
let dataDir: string;

beforeAll(async () => {
  f = await makeFixtures();
  const now = new Date(new X509Certificate(f.box.p256.cert).validFromDate.getTime() + 60_000);
  first = importProfile(profileFile(f), { trustAnchor: f.anchor.p384, now });
  second = importProfile(profileFile(f, (p) => (p.identity = { pkcs12: f.p12.default })), { trustAnchor: f.anchor.p384, now, password: P12_PASSWORD });
  second = { ...second, tiSegment: '10.77.13.0/26' };
}, 60_000);

afterAll(() => f.cleanup());

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tibox-profile-store-'));
});

afterEach(() => rm(dataDir, { recursive: true, force: true }));

const profileDir = () => join(dataDir, 'profile');
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('ProfileStore', () => {
  it('loads nothing before the first save', async () => {
    expect(await new ProfileStore(dataDir).load()).toBeUndefined();
  });

  it('loads what it saved, the key 0600 in a 0700 directory, and no password anywhere', async () => {
    await new ProfileStore(dataDir).save(second);
    expect(await new ProfileStore(dataDir).load()).toEqual(second);
    const version = join(profileDir(), await readlink(join(profileDir(), 'current')));
    expect(await mode(profileDir())).toBe(0o700);
    expect(await mode(version)).toBe(0o700);
    expect(await mode(join(version, 'key.pem'))).toBe(0o600);
    expect(await readFile(join(version, 'key.pem'), 'utf8')).toBe(second.identity.privateKey);
    const settings = await readFile(join(version, 'profile.json'), 'utf8');
    expect(settings).not.toContain('PRIVATE KEY');
    expect(settings).not.toContain(P12_PASSWORD);
  });

  it('replaces the profile as a whole and leaves only the current version', async () => {
    const store = new ProfileStore(dataDir);
    await store.save(first);
    await store.save(second);
    expect(await store.load()).toEqual(second);
    expect((await readdir(profileDir())).sort()).toEqual(['current', await readlink(join(profileDir(), 'current'))].sort());
  });

  it('removes the profile with its keys, and saves a new one afterwards', async () => {
    const store = new ProfileStore(dataDir);
    await store.save(first);
    await store.remove();
    expect(await store.load()).toBeUndefined();
    await expect(stat(profileDir())).rejects.toMatchObject({ code: 'ENOENT' });
    await store.remove();
    await store.save(second);
    expect(await store.load()).toEqual(second);
  });

  it('keeps the old profile when a save dies between writing the new version and the switch', async () => {
    const store = new ProfileStore(dataDir);
    await store.save(first);
    // What a killed save leaves: a complete new version directory and a half-written one.
    const current = join(profileDir(), await readlink(join(profileDir(), 'current')));
    await cp(current, join(profileDir(), 'v-zzcrash-complete'), { recursive: true });
    await writeFile(join(profileDir(), 'v-zzcrash-complete', 'key.pem'), second.identity.privateKey);
    await cp(current, join(profileDir(), 'v-zzcrash-torn'), { recursive: true });
    await writeFile(join(profileDir(), 'v-zzcrash-torn', 'profile.json'), '{"format":1,"prof');
    expect(await new ProfileStore(dataDir).load()).toEqual(first);
    await new ProfileStore(dataDir).save(second);
    expect(await new ProfileStore(dataDir).load()).toEqual(second);
    expect(await readdir(profileDir())).toHaveLength(2);
  });

  it('keeps the profile a renewal replaced until it is restored, and then only that one', async () => {
    const store = new ProfileStore(dataDir);
    await store.save(first);
    const firstVersion = await readlink(join(profileDir(), 'current'));
    await store.save(second, { keepPrevious: true });
    expect(await store.load()).toEqual(second);
    expect(await readlink(join(profileDir(), 'previous'))).toBe(firstVersion);
    // A store opened anew (the agent after a power cut) finds it too.
    expect(await new ProfileStore(dataDir).restorePrevious()).toEqual(first);
    expect(await store.load()).toEqual(first);
    expect((await readdir(profileDir())).sort()).toEqual(['current', firstVersion].sort());
    expect(await store.restorePrevious()).toBeUndefined();
    expect(await store.load()).toEqual(first);
  });

  it('drops the kept profile once the renewal is confirmed, or another save replaces the renewal', async () => {
    const store = new ProfileStore(dataDir);
    await store.save(first);
    await store.save(second, { keepPrevious: true });
    await store.forgetPrevious();
    expect(await store.restorePrevious()).toBeUndefined();
    expect(await store.load()).toEqual(second);
    expect(await readdir(profileDir())).toHaveLength(2);
    await store.save(first, { keepPrevious: true });
    await store.save(second);
    expect(await store.restorePrevious()).toBeUndefined();
    expect(await store.load()).toEqual(second);
    expect(await readdir(profileDir())).toHaveLength(2);
  });

  it('forgets a kept profile whose version an older firmware\'s save removed', async () => {
    const store = new ProfileStore(dataDir);
    await store.save(first);
    await store.save(second, { keepPrevious: true });
    await rm(join(profileDir(), await readlink(join(profileDir(), 'previous'))), { recursive: true });
    expect(await store.restorePrevious()).toBeUndefined();
    expect(await store.load()).toEqual(second);
    expect((await readdir(profileDir())).sort()).toEqual(['current', await readlink(join(profileDir(), 'current'))].sort());
  });

  it('keeps nothing for a renewal of a box that had no profile', async () => {
    const store = new ProfileStore(dataDir);
    await store.save(first, { keepPrevious: true });
    expect(await store.restorePrevious()).toBeUndefined();
    expect(await store.load()).toEqual(first);
  });

  it('serialises concurrent saves: the last one wins and nothing else is left', async () => {
    const store = new ProfileStore(dataDir);
    await Promise.all([store.save(first), store.save(second), store.save(first), store.save(second)]);
    expect(await store.load()).toEqual(second);
    expect(await readdir(profileDir())).toHaveLength(2);
  });
});
