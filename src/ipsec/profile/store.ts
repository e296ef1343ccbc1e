// Keeps the imported profile in `<dataDir>/profile/` so that a reader, or a box that loses
// power mid-write, sees the complete old or the complete new profile, never a mix:
//   profile/              0700
//     current -> v-<id>   symlink, switched by an atomic rename
//     previous -> v-<id>  while a renewal is not confirmed: the profile it replaced
//     v-<id>/             0700, one complete profile, never changed after the switch
//       profile.json      everything but the private keys
//       key.pem           the private key (PKCS#8), 0600
//       management-key.pem  remote management's private key (format version 2), 0600
// A save writes a new v-<id> (each file atomic and fsynced), switches `current`, then removes
// every other v-<id>, including one a crash left before its switch. A renewal's save keeps the
// version it replaces as `previous` (linked before the switch) until it is confirmed or restored,
// so the box can go back to it, also after a power cut. No password is ever stored.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, readlink, rename, rm, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialQueue, syncDirectory, writeFileAtomic } from '../../core/index.ts';
import type { BoxIdentity, VpnProfile } from './types.ts';

const CURRENT = 'current';
const PREVIOUS = 'previous';
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

  /**
   * Resolves once the new profile is current and durable. `keepPrevious` (a renewal) keeps the
   * profile it replaces for restorePrevious() until forgetPrevious(); any other save drops it.
   */
  save(profile: VpnProfile, options: { keepPrevious?: boolean } = {}): Promise<void> {
    return this.saving.run(() => this.write(profile, options.keepPrevious ?? false));
  }

  /** Removes the profile, keys and all (a factory reset); after it load() finds none. */
  remove(): Promise<void> {
    return this.saving.run(async () => {
      // `current` first: a crash part way leaves no profile, never half of one.
      await rm(join(this.dir, CURRENT), { force: true });
      await rm(this.dir, { recursive: true, force: true });
    });
  }

  /**
   * Makes the profile a renewal replaced current again and returns it; undefined where none is
   * kept (the box had none before, or a later save dropped it).
   */
  restorePrevious(): Promise<VpnProfile | undefined> {
    return this.saving.run(async () => {
      const previous = await this.target(PREVIOUS);
      if (previous === undefined) return undefined;
      let profile: VpnProfile;
      try {
        profile = await this.read(join(this.dir, previous));
      } catch (error) {
        // Its version is gone (an older firmware's save, which knows no `previous`, removed it).
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await unlink(join(this.dir, PREVIOUS));
        return undefined;
      }
      // A crash after the switch leaves `previous` naming `current`: restoring again changes nothing.
      await this.link(CURRENT, previous);
      await unlink(join(this.dir, PREVIOUS));
      await syncDirectory(this.dir);
      await this.removeAllBut([previous]);
      return profile;
    });
  }

  /** The renewal is confirmed: the profile it replaced is no longer kept. */
  forgetPrevious(): Promise<void> {
    return this.saving.run(async () => {
      if ((await this.target(PREVIOUS)) === undefined) return;
      await unlink(join(this.dir, PREVIOUS));
      await syncDirectory(this.dir);
      const current = await this.target(CURRENT);
      await this.removeAllBut(current === undefined ? [] : [current]);
    });
  }

  private async write(profile: VpnProfile, keepPrevious: boolean): Promise<void> {
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
    // `previous` is settled before `current` switches: a crash between the two must neither
    // restore a profile an import replaced nor lose the one a renewal replaced.
    const before = keepPrevious ? await this.target(CURRENT) : undefined;
    if (before !== undefined) await this.link(PREVIOUS, before);
    else await rm(join(this.dir, PREVIOUS), { force: true });
    await syncDirectory(this.dir);
    await this.link(CURRENT, name);
    await syncDirectory(this.dir);
    await this.removeAllBut(before === undefined ? [name] : [name, before]);
  }

  /** Where a link of the store points, or undefined without it. */
  private async target(linkName: string): Promise<string | undefined> {
    try {
      return await readlink(join(this.dir, linkName));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Points `linkName` at a version directory by an atomic rename of a fresh symlink. */
  private async link(linkName: string, version: string): Promise<void> {
    const temporary = join(this.dir, `.${CURRENT}.${randomBytes(6).toString('hex')}.tmp`);
    await symlink(version, temporary);
    try {
      await rename(temporary, join(this.dir, linkName));
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
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

  private async removeAllBut(keep: readonly string[]): Promise<void> {
    for (const entry of await readdir(this.dir)) {
      const stale = (VERSION_DIR.test(entry) && !keep.includes(entry)) || (entry.startsWith(`.${CURRENT}.`) && entry.endsWith('.tmp'));
      if (stale) await rm(join(this.dir, entry), { recursive: true, force: true });
    }
  }
}
