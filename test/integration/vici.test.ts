// The VICI session against a real charon-systemd in its own network namespace (LAB-NOTES.md
// "How a charon runs in a namespace"): commands, a streamed listing, and a charon killed and
// started again, after which the session reconnects and its subscriptions work again.
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRunner, startProcess, type ProcessHandle } from '../../src/core/runner.ts';
import { ViciCommandError, viciMessage, ViciSession, type ViciLogger } from '../../src/ipsec/vici/index.ts';

const netns = `tibox-vici-${process.pid}-${Date.now() % 100_000}`;
const dir = mkdtempSync(join(tmpdir(), 'tibox-vici-it-'));
const socketPath = join(dir, 'charon.vici');
const quiet: ViciLogger = { warn: () => undefined, debug: () => undefined };

let charon: ProcessHandle | undefined;
let session: ViciSession;

async function startCharon(): Promise<void> {
  const out = openSync(join(dir, 'charon.out'), 'a');
  charon = startProcess('charon-systemd', [], { netns, env: { STRONGSWAN_CONF: join(dir, 'strongswan.conf') }, outputFd: out });
  closeSync(out);
  for (let i = 0; i < 100 && !existsSync(socketPath); i++) await sleep(50);
  if (!existsSync(socketPath)) throw new Error('charon did not open its VICI socket within 5 s');
}

async function killCharon(): Promise<void> {
  const handle = charon;
  charon = undefined;
  if (!handle) return;
  handle.kill('SIGKILL');
  await handle.exited;
  rmSync(socketPath, { force: true });
}

describe('VICI against a real charon', () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'strongswan.conf'), `charon-systemd {
  plugins {
    vici { socket = unix://${socketPath} }
    kernel-libipsec { load = yes }
  }
  filelog {
    charon { path = ${join(dir, 'charon.log')}
      default = 1
      flush_line = yes
    }
  }
  journal { default = -1 }
}
`);
    await processRunner.run('ip', ['netns', 'add', netns]);
    await processRunner.run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    await startCharon();
    session = new ViciSession({ socketPath, log: quiet, reconnectMinMs: 20, reconnectMaxMs: 200 });
    const connected = once(session, 'connected');
    session.start();
    await connected;
  });

  afterAll(async () => {
    await session?.stop();
    await killCharon();
    await processRunner.run('ip', ['netns', 'del', netns]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers version and stats', async () => {
    const version = await session.version();
    expect(version.daemon).toBe('charon-systemd');
    expect(version.version).toMatch(/^\d+\.\d+\.\d+/);
    expect((await session.stats()).plugins).toContain('vici');
  });

  const conn = viciMessage({
    version: 2,
    remote_addrs: ['192.0.2.1'],
    local: { auth: 'psk', id: 'box.test' },
    remote: { auth: 'psk', id: 'gw.test' },
    children: { ti: { remote_ts: ['100.102.0.0/16'], start_action: 'none' } },
  });

  it('loads, lists and unloads a connection', async () => {
    await session.loadConn('tibox-test', conn);
    expect(await session.getConns()).toEqual(['tibox-test']);
    const listed = await session.listConns();
    expect(listed.map((c) => c.name)).toEqual(['tibox-test']);
    expect(listed[0]?.section.get('remote_addrs')).toEqual(['192.0.2.1']);
    await session.unloadConn('tibox-test');
    expect(await session.getConns()).toEqual([]);
    await expect(session.unloadConn('tibox-test')).rejects.toThrow(ViciCommandError);
  });

  it('reconnects after charon is killed and started again, with its subscriptions', async () => {
    const lines: string[] = [];
    await session.subscribe('log', (line) => lines.push(line.msg));
    const disconnected = once(session, 'disconnected');
    await killCharon();
    await disconnected;
    const connected = once(session, 'connected');
    await startCharon();
    await connected;
    // A fresh charon knows nothing: load again, and let an initiate produce log lines.
    await session.loadConn('tibox-test', conn);
    await session.initiate({ child: 'ti', timeoutMs: 500 }).catch((error: unknown) => {
      if (!(error instanceof ViciCommandError)) throw error;
    });
    for (let i = 0; i < 40 && lines.length === 0; i++) await sleep(50);
    expect(lines.some((l) => l.includes('tibox-test') || l.includes('initiating'))).toBe(true);
  });
});
