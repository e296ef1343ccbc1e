// dnsmasq's log file as the agent writes it: line by line, begun afresh when it would pass its
// limit, quiet after close, and a failed write reported once instead of thrown.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLogFile } from '../../../../src/lan/dnsmasq/logFile.ts';

describe('openLogFile', () => {
  let dir: string;
  let path: string;
  const errors: string[] = [];
  const onError = (error: Error) => errors.push(error.message);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-dnsmasq-log-'));
    path = join(dir, 'dnsmasq.log');
    errors.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('empties the file of an earlier run and writes each line as it comes, readable at once', () => {
    writeFileSync(path, 'the last run\n');
    const log = openLogFile(path, onError);
    log.write('dnsmasq[1]: started, version 2.90 cachesize 150');
    expect(readFileSync(path, 'utf8')).toBe('dnsmasq[1]: started, version 2.90 cachesize 150\n');
    log.write('dnsmasq[1]: cleared cache');
    log.close();
    expect(readFileSync(path, 'utf8')).toBe('dnsmasq[1]: started, version 2.90 cachesize 150\ndnsmasq[1]: cleared cache\n');
  });

  it('begins afresh with the line that would take it past the limit', () => {
    const log = openLogFile(path, onError, 20);
    log.write('123456789'); // 10 bytes with the newline
    log.write('abcdefghi'); // 20
    expect(readFileSync(path, 'utf8')).toBe('123456789\nabcdefghi\n');
    log.write('next');
    expect(readFileSync(path, 'utf8')).toBe('next\n');
    // A line longer than the limit is still written whole.
    log.write('x'.repeat(30));
    expect(readFileSync(path, 'utf8')).toBe(`${'x'.repeat(30)}\n`);
    log.close();
    expect(errors).toEqual([]);
  });

  it('drops lines written after close', () => {
    const log = openLogFile(path, onError);
    log.write('before');
    log.close();
    log.write('after');
    log.close();
    expect(readFileSync(path, 'utf8')).toBe('before\n');
  });

  // /dev/full (on every Linux, the box's only platform): every write fails with ENOSPC.
  it('reports a failed write once and writes no more, without throwing', () => {
    const log = openLogFile('/dev/full', onError);
    expect(() => {
      log.write('one');
      log.write('two');
    }).not.toThrow();
    expect(errors).toEqual([expect.stringContaining('ENOSPC')]);
  });

  it('throws when the file cannot be opened', () => {
    expect(() => openLogFile(join(dir, 'missing', 'dnsmasq.log'), onError)).toThrow(/ENOENT/);
  });
});
