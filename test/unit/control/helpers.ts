// Shared set-up for the control tests: a temporary directory for sockets, a logger whose lines
// can be read back, a group file naming the test process's own group (so chown works without
// root), and a fixed AgentStatus.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../../src/core/log.ts';
import type { AgentStatus } from '../../../src/agent/status.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { ControlServer, type ControlServerDeps } from '../../../src/control/server.ts';

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  // Short: a unix socket path must stay under about 100 bytes.
  const dir = await mkdtemp(join(tmpdir(), 'tibox-ctl-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function memoryLogger(): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void raw.push(line) } });
  return { log, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/**
 * The gid the fake group file gives `tibox`: as root any other gid, so the test sees a change;
 * otherwise this process's own group, the one group an unprivileged chown may set.
 */
export const TIBOX_TEST_GID = process.getuid?.() === 0 ? 4242 : (process.getgid?.() ?? 0);

/** A group file with or without group `tibox` (gid TIBOX_TEST_GID). */
export async function groupFile(dir: string, withTibox: boolean): Promise<string> {
  const path = join(dir, withTibox ? 'group' : 'group-without-tibox');
  const lines = ['root:x:0:', 'adm:x:4:syslog', ...(withTibox ? [`tibox:x:${TIBOX_TEST_GID}:www`] : []), 'users:x:100:'];
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

/**
 * A control server on `dir`/control.sock, started: the fixed status, no actions, a quiet logger and
 * a group file with `tibox`, unless `deps` says otherwise. The caller stops it.
 */
export async function startControlServer(dir: string, deps: Partial<ControlServerDeps> = {}): Promise<{ server: ControlServer; socketPath: string }> {
  const socketPath = join(dir, 'control.sock');
  const server = new ControlServer({
    socketPath,
    status: () => SAMPLE_STATUS,
    actions: new ControlActions(),
    log: memoryLogger().log,
    groupFile: await groupFile(dir, true),
    ...deps,
  });
  await server.start(AbortSignal.timeout(5_000));
  return { server, socketPath };
}

/**
 * A test file's temporary directory and control server: a fresh directory before each test;
 * after it the server stopped, when one was started, and the directory removed.
 */
export function controlServerPerTest(): { readonly dir: string; start(deps?: Partial<ControlServerDeps>): Promise<string>; stop(): Promise<void> } {
  let dir = '';
  let cleanup = async () => undefined as void;
  let server: ControlServer | undefined;
  const stop = async () => {
    await server?.stop();
    server = undefined;
  };
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    await stop();
    await cleanup();
  });
  return {
    get dir() {
      return dir;
    },
    /** Starts the server (startControlServer) and answers its socket path. */
    async start(deps = {}) {
      const started = await startControlServer(dir, deps);
      server = started.server;
      return started.socketPath;
    },
    stop,
  };
}

/** The uid the fake passwd file gives the web UI's user: as root another uid, else this process's own. */
export const WEBUI_TEST_UID = process.getuid?.() === 0 ? 4243 : (process.getuid?.() ?? 0);

/** A passwd file with or without the web UI's user `tibox-web` (uid WEBUI_TEST_UID). */
export async function passwdFile(dir: string, withWebui: boolean): Promise<string> {
  const path = join(dir, withWebui ? 'passwd' : 'passwd-without-webui');
  const lines = ['root:x:0:0:root:/root:/bin/sh', ...(withWebui ? [`tibox-web:x:${WEBUI_TEST_UID}:${WEBUI_TEST_UID}::/nonexistent:/usr/sbin/nologin`] : []), 'nobody:x:65534:65534::/:/usr/sbin/nologin'];
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

/** A device certificate's SHA-256 fingerprint as node:crypto writes it. */
export const SAMPLE_FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':');

export const SAMPLE_STATUS: AgentStatus = {
  tunnel: {
    state: 'up',
    since: '2025-05-02T08:00:02.000Z',
    gateway: '192.0.2.10',
    traffic: { bytesIn: 2_048_000, bytesOut: 512, packetsIn: 1_500, packetsOut: 8 },
    lastError: { reason: 'gateway unreachable', at: '2025-05-02T08:00:01.000Z', detail: '198.51.100.10: timeout' },
    history: [
      { at: '2025-05-02T08:00:02.000Z', state: 'up', gateway: '192.0.2.10' },
      { at: '2025-05-02T08:00:01.000Z', state: 'backoff', reason: 'gateway unreachable' },
    ],
  },
  mtu: {
    pathMtu: 1452, source: 'probed', because: 'probed towards 192.0.2.10', overhead: 63, tunnelMtu: 1389, mss: 1349,
    gateway: '192.0.2.10', transform: 'AES_GCM_16-256, ESP in UDP', probedAt: '2025-05-02T08:00:02.000Z', probes: 2,
  },
  pendingChange: null,
  lanAddresses: ['192.168.1.2', '10.77.12.1'],
  webui: { certificateSha256: SAMPLE_FINGERPRINT },
  version: '1.4.2',
  startedAt: '2025-05-02T08:00:00.000Z',
  uptimeS: 7_530,
  provisioning: { state: 'provisioned', serial: 'TBX-00012345', provisionedAt: '2025-04-30T14:00:00.000Z' },
  subsystems: [
    { name: 'control', state: 'running', since: '2025-05-02T08:00:01.000Z' },
    { name: 'firewall', state: 'failed', since: '2025-05-02T10:02:00.000Z', detail: 'nft -f - exited with 1' },
  ],
  health: [
    {
      code: 'database.unknownVersion',
      severity: 'critical',
      impactsTi: true,
      text: {
        de: 'Die Datenbank stammt von einer neueren Firmware, die diese Version nicht lesen kann.',
        en: 'The database was written by a newer firmware that this version cannot read.',
      },
      since: '2025-05-02T08:00:02.000Z',
      detail: 'schema major 3, known up to 2',
    },
    {
      code: 'config.invalid',
      severity: 'warning',
      impactsTi: false,
      text: {
        de: 'Die gespeicherte Konfiguration ist ungültig; die Box arbeitet mit der letzten gültigen weiter.',
        en: 'The stored configuration is invalid; the box keeps running on the last valid one.',
      },
      since: '2025-05-02T10:00:00.000Z',
    },
  ],
};

/** `now` for SAMPLE_STATUS: 2 h 5 min 30 s after the start. */
export const SAMPLE_NOW = new Date('2025-05-02T10:05:30.000Z');
