// Keeps the imported profile in `<dataDir>/profile/` so that a reader, or a box that loses
// power mid-write, sees the complete old or the complete new profile, never a mix:
//   profile/              0700
//     current -> v-<id>   symlink, switched by an atomic rename
//     v-<id>/             0700, one complete profile, never changed after the switch
//       profile.json      everything but the private keys
//       key.pem           the private key (PKCS#8), 0600
//       management-key.pem  remote management's private key (format version 2), 0600
// A save writes a new v-<id> (each file atomic and fsynced), switches `current`, then removes
// every other v-<id>, including one a crash left before its switch. No password is ever stored.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, readlink, rename, rm, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialQueue, syncDirectory, writeFileAtomic } from '../../core/index.ts';
import type { BoxIdentity, VpnProfile } from './types.ts';

const CURRENT = 'current';
const VERSION_DIR = /^v-[0-9a-z-]+$/;
const STORE_FORMAT = 1;

type PublicIdentity = Omit<BoxIdentity, 'privateKey'>;
type StoredProfile = Omit<VpnProfile, 'identity' | 'managementIdentity'> & {
  identity: PublicIdentity;
  managementIdentity?: { identity: PublicIdentity; caCertificates: readonly string[] };
};
const MANAGEMENT_KEY = 'management-key.pem';

export class ProfileStore {
  private readonly dir: string;
  /** Saves run one at a time: each removes what is not its own version. */
  private readonly saving = new SerialQueue();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'profile');
  }

  /** The current profile, or undefined when none was ever saved. */
  async load(): Promise<VpnProfile | undefined> {
    // A save may remove the directory `current` pointed to between readlink and the reads:
    // then `current` points somewhere newer, and a second look finds it.
    for (let attempt = 0; ; attempt++) {
      let target: string;
      try {
        target = await readlink(join(this.dir, CURRENT));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        return await this.read(join(this.dir, target));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 2) throw error;
      }
    }
  }

  /** Resolves once the new profile is current and durable. */
  save(profile: VpnProfile): Promise<void> {
    return this.saving.run(() => this.write(profile));
  }

  /** Removes the profile, keys and all (a factory reset); after it load() finds none. */
  remove(): Promise<void> {
    return this.saving.run(async () => {
      // `current` first: a crash part way leaves no profile, never half of one.
      await rm(join(this.dir, CURRENT), { force: true });
      await rm(this.dir, { recursive: true, force: true });
    });
  }

  private async write(profile: VpnProfile): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const name = `v-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const version = join(this.dir, name);
    await mkdir(version, { mode: 0o700 });
    const { privateKey, ...identity } = profile.identity;
    const { managementIdentity, ...rest } = profile;
    const stored: StoredProfile = { ...rest, identity };
    await writeFileAtomic(join(version, 'key.pem'), privateKey, { mode: 0o600 });
    if (managementIdentity) {
      const { privateKey: managementKey, ...publicPart } = managementIdentity.identity;
      stored.managementIdentity = { identity: publicPart, caCertificates: managementIdentity.caCertificates };
      await writeFileAtomic(join(version, MANAGEMENT_KEY), managementKey, { mode: 0o600 });
    }
    await writeFileAtomic(join(version, 'profile.json'), JSON.stringify({ format: STORE_FORMAT, profile: stored }, null, 2) + '\n', { mode: 0o600 });
    const link = join(this.dir, `.${CURRENT}.${randomBytes(6).toString('hex')}.tmp`);
    await symlink(name, link);
    try {
      await rename(link, join(this.dir, CURRENT));
    } catch (error) {
      await unlink(link).catch(() => undefined);
      throw error;
    }
    await syncDirectory(this.dir);
    await this.removeAllBut(name);
  }

  private async read(version: string): Promise<VpnProfile> {
    const text = await readFile(join(version, 'profile.json'), 'utf8');
    const privateKey = await readFile(join(version, 'key.pem'), 'utf8');
    const parsed = JSON.parse(text) as { format: unknown; profile: StoredProfile };
    if (parsed.format !== STORE_FORMAT) throw new Error(`stored profile format ${String(parsed.format)} is unknown to this firmware`);
    const { managementIdentity, ...stored } = parsed.profile;
    const profile: VpnProfile = { ...stored, identity: { ...stored.identity, privateKey } };
    if (!managementIdentity) return profile;
    const managementKey = await readFile(join(version, MANAGEMENT_KEY), 'utf8');
    return { ...profile, managementIdentity: { identity: { ...managementIdentity.identity, privateKey: managementKey }, caCertificates: managementIdentity.caCertificates } };
  }

  private async removeAllBut(keep: string): Promise<void> {
    for (const entry of await readdir(this.dir)) {
      const stale = (VERSION_DIR.test(entry) && entry !== keep) || (entry.startsWith(`.${CURRENT}.`) && entry.endsWith('.tmp'));
      if (stale) await rm(join(this.dir, entry), { recursive: true, force: true });
    }
  }
}
