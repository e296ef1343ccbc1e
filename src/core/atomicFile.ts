// Every file tibox writes goes through writeFileAtomic (ARCHITECTURE habit 11): readers and a
// power cut see either the old file whole or the new file whole, never a torn one.
// Steps: temp file beside the target (same filesystem, so rename is atomic), write, fsync, rename
// over the target, fsync the directory so the rename itself survives a power cut.
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /**
   * Permission bits of the new file, applied exactly (the umask does not narrow them).
   * Default 0o644: most files tibox renders are read by daemons running as other users
   * (dnsmasq, the web UI). Pass 0o600 for anything holding a secret (keys, PSKs, passwords).
   */
  mode?: number;
}

export const DEFAULT_FILE_MODE = 0o644;

export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? DEFAULT_FILE_MODE;
  const dir = dirname(path);
  // A leading dot keeps the temp file out of globs such as `conf.d/*.conf` while it exists.
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', mode);
  try {
    try {
      await file.chmod(mode);
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    // Report the write or rename failure; a temp file that cannot be removed either is not news.
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes the entries of `dir` (a rename, a new file) survive a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * writeFileAtomic for the few writes that must finish within one synchronous step, so that no
 * other request of the event loop runs between them and what follows (a config commit).
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const mode = options.mode ?? DEFAULT_FILE_MODE;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', mode);
  try {
    try {
      fchmodSync(fd, mode);
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Report the write or rename failure; a temp file that cannot be removed either is not news.
    }
    throw error;
  }
  syncDirectorySync(dir);
}

export function syncDirectorySync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
