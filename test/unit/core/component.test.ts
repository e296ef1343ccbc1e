// Finding a component through its pid file, with real processes: only a live process whose
// command line holds the marker is ours; a stale pid file, a pid taken by another process or a
// garbled file is nobody. Restart waits for the pid of the next process its service starts.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ComponentProcess } from '../../../src/core/component.ts';
import { startProcess, type ProcessHandle } from '../../../src/core/runner.ts';
import { waitFor } from '../../integration/waitFor.ts';

describe('ComponentProcess', () => {
  let dir: string;
  let pidFile: string;
  let marker: string;
  const children: ProcessHandle[] = [];
  /** A process with the marker on its command line, as the component's service starts it; once it has its own command line. */
  const launch = async (withMarker = true) => {
    const child = startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', ...(withMarker ? [marker] : [])]);
    children.push(child);
    await waitFor(() => expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8')).toContain('setInterval'), 5_000, 5);
    return child;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-component-'));
    pidFile = join(dir, 'component.pid');
    marker = `--conf-file=${join(dir, 'component.conf')}`;
  });

  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the live process its pid file names when the marker is on its command line', async () => {
    const child = await launch();
    writeFileSync(pidFile, `${child.pid}\n`);
    const found = await new ComponentProcess({ pidFile, marker }).find();
    expect(found).toEqual({ pid: child.pid, args: [process.execPath, '-e', 'setInterval(() => {}, 1000)', '--', marker], since: statSync(pidFile).mtimeMs });
  });

  it('finds nobody for a missing or garbled pid file, a process without the marker, or one that has exited', async () => {
    const component = new ComponentProcess({ pidFile, marker });
    expect(await component.find()).toBeUndefined();
    for (const text of ['', 'dnsmasq\n', '1\n', '-5\n']) {
      writeFileSync(pidFile, text);
      expect(await component.find()).toBeUndefined();
    }
    const other = await launch(false);
    writeFileSync(pidFile, `${other.pid}\n`);
    expect(await component.find()).toBeUndefined();
    const gone = await launch();
    writeFileSync(pidFile, `${gone.pid}\n`);
    gone.kill('SIGKILL');
    await gone.exited;
    expect(await component.find()).toBeUndefined();
  });

  it('signals only a process it found', async () => {
    const sent: string[] = [];
    const component = new ComponentProcess({ pidFile, marker, kill: (pid, signal) => sent.push(`${signal} ${pid}`) });
    expect(await component.signal('SIGHUP')).toBeUndefined();
    const child = await launch();
    writeFileSync(pidFile, `${child.pid}\n`);
    expect((await component.signal('SIGHUP'))?.pid).toBe(child.pid);
    expect(sent).toEqual([`SIGHUP ${child.pid}`]);
  });

  it('restarts: ends the process and returns the next one its service started', async () => {
    const first = await launch();
    writeFileSync(pidFile, `${first.pid}\n`);
    // The service: once the first has gone, it starts the next, which writes its pid file.
    const service = first.exited.then(async () => {
      await new Promise((r) => setTimeout(r, 30));
      const next = await launch();
      writeFileSync(pidFile, `${next.pid}\n`);
    });
    const next = await new ComponentProcess({ pidFile, marker, pollMs: 5 }).restart(5_000);
    await service;
    expect(next.pid).not.toBe(first.pid);
    expect(next.pid).toBe(children.at(-1)?.pid);
  });

  it('says so when its service starts no new process', async () => {
    const first = await launch();
    writeFileSync(pidFile, `${first.pid}\n`);
    await expect(new ComponentProcess({ pidFile, marker, pollMs: 5 }).restart(100))
      .rejects.toThrow(`process ${first.pid} was ended but its service started no new one within 100 ms`);
    await expect(new ComponentProcess({ pidFile, marker, pollMs: 5 }).restart(50)).rejects.toThrow('not running, and its service started none within 50 ms');
  });
});
