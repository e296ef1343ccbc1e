// The box's own signing key for its backups: Ed25519, made on the first backup and kept on the
// data partition (mode 0600, written atomically), so every backup the box makes carries the same
// signer and a restore can tell this box's backups from another's.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../core/index.ts';

export const BOX_KEY_FILE = 'backup-signing-key.pem';

/** The key in `dataDir`, made there first if there is none. */
export function boxSigningKey(dataDir: string): KeyObject {
  const path = join(dataDir, BOX_KEY_FILE);
  try {
    return createPrivateKey(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileAtomicSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return privateKey;
}
