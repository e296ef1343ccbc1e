// The backup file: sealed and opened again whole; every bad input refused with its problem named,
// in the order that tells a wrong passphrase from a damaged file.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openBackup, passphraseProblem, sealBackup, type BackupContent } from '../../../../src/agent/backup/backupFile.ts';
import { MAX_BACKUP_BYTES } from '../../../../src/control/protocol.ts';

const PASSPHRASE = 'Sommer im Wartezimmer 2026';
const CONTENT: BackupContent = { config: { practice: { name: 'Praxis Dr. Muster' } }, devices: [{ kind: 'pvs', name: 'PVS Empfang', address: '10.77.12.10' }] };
const BOX = { serial: 'TBX-00012345', name: 'Praxis Dr. Muster, Empfang' };
const { privateKey } = generateKeyPairSync('ed25519');
const seal = (over: Partial<Parameters<typeof sealBackup>[1]> = {}) => sealBackup(CONTENT, { passphrase: PASSPHRASE, box: BOX, signingKey: privateKey, schemaMajor: 1, now: new Date('2026-12-07T10:00:00.000Z'), ...over });
const sealed = await seal();
const open = (bytes: Buffer, passphrase = PASSPHRASE, schemaMajor = 1) => openBackup(bytes, { passphrase, schemaMajor });
const problemOf = async (bytes: Buffer, passphrase?: string, schemaMajor?: number) => {
  const opened = await open(bytes, passphrase, schemaMajor);
  return opened.ok ? 'opened' : opened.problem;
};
/** The file with one of its parts replaced. */
const withPart = (part: string, value: (old: string) => string) => {
  const file = JSON.parse(sealed.toString()) as Record<string, string>;
  return Buffer.from(JSON.stringify({ ...file, [part]: value(file[part] ?? '') }));
};

describe('the backup file', async () => {
  it('opens to what was sealed, naming the box and the time, and holds no clear text of the content', async () => {
    const opened = await open(sealed);
    expect(opened).toMatchObject({ ok: true, content: CONTENT, header: { box: BOX, createdAt: '2026-12-07T10:00:00.000Z', schemaMajor: 1, version: 1 } });
    expect(sealed.toString()).not.toContain('Praxis Dr. Muster"');
    expect(sealed.toString()).not.toContain('10.77.12.10');
  });

  it('derives its key off the event loop: a timer set before sealing fires before the seal is done', async () => {
    const timer = new Promise((resolve) => setTimeout(resolve, 1, 'timer'));
    expect(await Promise.race([seal().then(() => 'sealed'), timer])).toBe('timer');
  });

  it('asks for a passphrase of at least 16 characters', async () => {
    expect(passphraseProblem('fünfzehn Zeiche')).toBe('the passphrase must have at least 16 characters; it has 15');
    expect(passphraseProblem('sechzehn Zeichen')).toBeUndefined();
    await expect(seal({ passphrase: 'too short' })).rejects.toThrow('at least 16 characters');
  });

  it('refuses a wrong passphrase as such', async () => {
    expect(await open(sealed, 'Winter im Wartezimmer 2026')).toEqual({ ok: false, problem: 'wrongPassphrase', reason: 'the passphrase does not open this backup' });
    expect(await problemOf(sealed, 'kurz')).toBe('passphrase');
  });

  it('refuses a malformed, a truncated and an oversized file', async () => {
    expect(await problemOf(Buffer.from('<html>not a backup</html>'))).toBe('malformed');
    expect(await problemOf(sealed.subarray(0, sealed.length - 40))).toBe('malformed');
    expect(await problemOf(Buffer.from('{}'))).toBe('malformed');
    expect(await problemOf(withPart('header', (h) => h.replace('"scrypt"', '"md5"')))).toBe('malformed');
    expect(await problemOf(Buffer.alloc(MAX_BACKUP_BYTES + 1, 0x20))).toBe('tooLarge');
  });

  it('refuses a file changed after it was signed, in any part, as a bad signature, before it tries the passphrase', async () => {
    const flipFirst = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    expect(await problemOf(withPart('ciphertext', flipFirst))).toBe('badSignature');
    expect(await problemOf(withPart('tag', flipFirst))).toBe('badSignature');
    expect(await problemOf(withPart('signature', flipFirst))).toBe('badSignature');
    expect(await problemOf(withPart('header', (h) => h.replace('TBX-00012345', 'TBX-00099999')), 'wrong and short')).toBe('badSignature');
  });

  it('refuses a backup of a newer config schema, and one signed by a box with another key still opens', async () => {
    expect(await problemOf(await seal({ schemaMajor: 2 }))).toBe('newerSchema');
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(await problemOf(await seal({ signingKey: other, box: { serial: 'TBX-00099999', name: 'Ersatzbox' } }))).toBe('opened');
  });
});
