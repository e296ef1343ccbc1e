// State files: a missing one reads as undefined, a write creates the root-only directory, and a
// write of the text the file is known to hold (written or read by this process) leaves it alone;
// a save where nothing can be written does not fail its caller.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseStateObject, readStateFile, StateFile } from '../../../src/core/stateFile.ts';
import { memoryLogger } from '../control/helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tibox-state-'));
  dirs.push(dir);
  return dir;
}

/** A file replaced by an atomic write has a new inode; one left alone keeps its own. */
const inode = (path: string) => statSync(path).ino;

describe('readStateFile', () => {
  it('reads the text, undefined for a missing file, and throws on any other failure', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'saved.json'), '{"prefixes":[]}\n');
    expect(await readStateFile(join(dir, 'saved.json'))).toBe('{"prefixes":[]}\n');
    expect(await readStateFile(join(dir, 'missing.json'))).toBeUndefined();
    await expect(readStateFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe('StateFile', () => {
  it('creates its directory for root only, and writes only text that differs from the last it wrote', async () => {
    const stateDir = join(tempDir(), 'state');
    const file = new StateFile(join(stateDir, 'ti-routes.json'));
    await file.write('one\n');
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(file.path, 'utf8')).toBe('one\n');
    const first = inode(file.path);
    await file.write('one\n');
    expect(inode(file.path)).toBe(first);
    await file.write('two\n');
    expect(readFileSync(file.path, 'utf8')).toBe('two\n');
    expect(inode(file.path)).not.toBe(first);
  });

  it('knows the text it read, and writes over what it read once the text differs', async () => {
    const dir = tempDir();
    const path = join(dir, 'lan-links.json');
    writeFileSync(path, 'kept\n');
    const file = new StateFile(path);
    expect(await file.read()).toBe('kept\n');
    const before = inode(path);
    await file.write('kept\n');
    expect(inode(path)).toBe(before);
    await file.write('new\n');
    expect(readFileSync(path, 'utf8')).toBe('new\n');
  });

  it('reads undefined where nothing was saved yet, and then writes', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'state'));
    const file = new StateFile(join(dir, 'state', 'lan-links.json'));
    expect(await file.read()).toBeUndefined();
    await file.write('first\n');
    expect(readFileSync(file.path, 'utf8')).toBe('first\n');
  });

  it('saves without failing its caller where nothing can be written, says so once, and saves again when it can', async () => {
    const dir = tempDir();
    // A file where the state directory belongs: as a data partition that takes no writes.
    writeFileSync(join(dir, 'state'), '');
    const file = new StateFile(join(dir, 'state', 'ti-routes.json'));
    const logger = memoryLogger();
    await file.save('one\n', logger.log);
    await file.save('two\n', logger.log);
    expect(logger.lines().map((l) => l.msg)).toEqual(['state file not saved: the next boot finds an older one']);
    rmSync(join(dir, 'state'));
    await file.save('three\n', logger.log);
    expect(readFileSync(file.path, 'utf8')).toBe('three\n');
    expect(logger.lines().map((l) => l.msg).at(-1)).toBe('state file saved again');
  });
});

describe('parseStateObject', () => {
  it('reads a JSON object, and nothing from torn text, a list or a bare value', () => {
    expect(parseStateObject('{"slot":"B","boots":1}\n')).toEqual({ slot: 'B', boots: 1 });
    expect(['{"slot":"B"', '["B"]', 'null', '3', ''].map(parseStateObject)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
