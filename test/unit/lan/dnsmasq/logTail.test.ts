// dnsmasq's log file as the agent reads it, with a real file: from its end at start, line by
// line as lines are appended (read when the kernel reports the change), rotated past its size limit without losing a line, and followed
// onto a new file when dnsmasq makes one.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogTail } from '../../../../src/lan/dnsmasq/logTail.ts';

describe('LogTail', () => {
  let dir: string;
  let path: string;
  let lines: string[];
  let reopened: number;
  let clock: number;
  let tail: LogTail;
  const build = (maxBytes = 1_000) => new LogTail({
    path, rotatedPath: `${path}.1`, maxBytes, pollMs: 60_000, now: () => clock,
    onLine: (line) => lines.push(line),
    reopen: async () => {
      reopened += 1;
    },
    onError: (error) => {
      throw error;
    },
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-logtail-'));
    path = join(dir, 'dnsmasq.log');
    [lines, reopened, clock] = [[], 0, 0];
    tail = build();
  });

  afterEach(() => {
    tail.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts where the file ends, and hands on each line once its newline is there', async () => {
    writeFileSync(path, 'before the agent\n');
    tail.start();
    appendFileSync(path, 'one\ntw');
    await tail.poll();
    expect(lines).toEqual(['one']);
    appendFileSync(path, 'o\nÄrztin\n');
    await tail.poll();
    expect(lines).toEqual(['one', 'two', 'Ärztin']);
  });

  it('reads appended lines when the kernel reports the change, long before its timer', async () => {
    writeFileSync(path, '');
    tail.start();
    appendFileSync(path, 'DHCPREQUEST(lan0) 10.0.0.5 02:00:00:00:00:05\n');
    await vi.waitFor(() => expect(lines).toEqual(['DHCPREQUEST(lan0) 10.0.0.5 02:00:00:00:00:05']), { timeout: 2_000 });
  });

  it('reads a file that appears after start from its beginning', async () => {
    tail.start();
    await tail.poll();
    writeFileSync(path, 'first\n');
    await tail.poll();
    expect(lines).toEqual(['first']);
  });

  it('rotates the file past its size limit, keeping its owner and mode, and loses no line on the way', async () => {
    writeFileSync(path, '', { mode: 0o640 });
    tail.start();
    appendFileSync(path, `${'x'.repeat(1_000)}\n`);
    await tail.poll();
    expect([reopened, existsSync(`${path}.1`), statSync(path).size, statSync(path).mode & 0o777]).toEqual([1, true, 0, 0o640]);
    // dnsmasq writes on to the old file until it has reopened its log.
    appendFileSync(`${path}.1`, 'late\n');
    appendFileSync(path, 'new\n');
    await tail.poll();
    expect(lines.slice(1)).toEqual(['late']);
    clock += 1_000;
    await tail.poll();
    expect(lines.slice(1)).toEqual(['late', 'new']);
    expect(reopened).toBe(1);
  });

  it("reads the old file's last lines a second after its own rotation, with no change notice for them", async () => {
    writeFileSync(path, '');
    tail.start();
    appendFileSync(path, `${'x'.repeat(1_000)}\n`);
    await tail.poll();
    expect(reopened).toBe(1);
    // Written to the rotated name, which the tail's notices leave out.
    appendFileSync(`${path}.1`, 'late\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    clock += 1_000;
    await vi.waitFor(() => expect(lines.slice(1)).toEqual(['late']), { timeout: 3_000 });
  });

  it('follows dnsmasq onto a new file when the old one was moved away, and starts again on an emptied one', async () => {
    writeFileSync(path, '');
    tail.start();
    appendFileSync(path, 'old\n');
    renameSync(path, join(dir, 'elsewhere'));
    writeFileSync(path, 'fresh\n');
    await tail.poll();
    expect(lines).toEqual(['old', 'fresh']);
    truncateSync(path, 0);
    appendFileSync(path, 'new\n');
    await tail.poll();
    expect(lines).toEqual(['old', 'fresh', 'new']);
    expect(readFileSync(path, 'utf8')).toBe('new\n');
  });
});
