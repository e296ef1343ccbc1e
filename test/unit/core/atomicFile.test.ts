import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/core/atomicFile.ts';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it('writes the content with mode 0644 by default and leaves no temp file', async () => {
    const path = join(dir, 'hosts');
    await writeFileAtomic(path, 'line 1\nline 2\n');
    expect(readFileSync(path, 'utf8')).toBe('line 1\nline 2\n');
    expect(modeOf(path)).toBe(0o644);
    expect(readdirSync(dir)).toEqual(['hosts']);
  });

  it('applies the requested mode exactly, whatever the umask', async () => {
    const path = join(dir, 'secret.key');
    const old = process.umask(0o077);
    try {
      await writeFileAtomic(path, Buffer.from([1, 2, 3]), { mode: 0o600 });
      await writeFileAtomic(join(dir, 'public'), 'x', { mode: 0o644 });
    } finally {
      process.umask(old);
    }
    expect(readFileSync(path)).toEqual(Buffer.from([1, 2, 3]));
    expect(modeOf(path)).toBe(0o600);
    expect(modeOf(join(dir, 'public'))).toBe(0o644);
  });

  it('replaces an existing file whole, content and mode', async () => {
    const path = join(dir, 'dnsmasq.conf');
    writeFileSync(path, 'a much longer old content that must not survive\n', { mode: 0o600 });
    await writeFileAtomic(path, 'new\n');
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(modeOf(path)).toBe(0o644);
    expect(readdirSync(dir)).toEqual(['dnsmasq.conf']);
  });

  it('removes its temp file when the rename fails and keeps the target as it was', async () => {
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'kept');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow(/EISDIR|EEXIST|ENOTEMPTY/);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('kept');
  });

  it('fails without leaving anything when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'file'), 'x')).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
