// The single executable (`make executables`, image/executables.ts) as the image installs it: it
// names its version and commit, runs the factory step and the agent in the lab's box namespace
// from its own directory, with the native addons beside it, and its CLI reaches that agent and
// writes an installation protocol, whose fonts are in the bundle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import { processRunner } from '../../src/core/runner.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { waitFor } from './waitFor.ts';

const repo = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tibox = join(repo, 'image', 'out', 'tibox', 'bin', 'tibox');
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };

describe('the single executable', () => {
  let lab: Lab;
  let socketPath: string;

  beforeAll(async () => {
    await processRunner.run('make', ['-s', '-C', repo, 'executables'], { timeoutMs: 5 * 60_000 });
    lab = await Lab.create({ boxCharon: 'agent', executable: tibox });
    ({ socketPath } = await lab.startAgent());
  }, 5 * 60_000);
  afterAll(async () => {
    await lab?.destroy();
  });

  const status = async (): Promise<AgentStatus> => {
    const { stdout } = await processRunner.run(tibox, ['--socket', socketPath, 'status', '--json']);
    return JSON.parse(stdout) as AgentStatus;
  };

  it('prints the firmware version and the commit it was built from', async () => {
    const commit = (await processRunner.run('git', ['-C', repo, 'rev-parse', '--short=12', 'HEAD'])).stdout.trim();
    const { stdout, stderr } = await processRunner.run(tibox, ['--version']);
    expect(stdout).toMatch(new RegExp(`^tibox ${version.replaceAll('.', '\\.')} \\(commit ${commit}(-dirty)?\\)\\n$`));
    // Neither Node's warning about single executables nor a rejected code cache.
    expect(stderr).toBe('');
  });

  it('runs the agent, whose database and netlink addons load from beside the binary, and answers its own `status`', async () => {
    const s = await waitFor(async () => {
      const now = await status();
      expect(now.health.map((w) => w.code)).toEqual(['tunnel.noProfile']);
      return now;
    }, 20_000);
    expect(s.version).toBe(version);
    // The provisioning file and the database (better-sqlite3); the WAN's lease and the LAN's links (netlink).
    expect(s.provisioning).toMatchObject({ state: 'provisioned' });
    const states = Object.fromEntries(s.subsystems.map((x) => [x.name, x.state]));
    expect(states).toMatchObject({ config: 'running', provisioning: 'running', wan: 'running', lan: 'running', inventory: 'running', control: 'running' });
  });

  it('unpacks a PKCS#12 profile (node-forge, loaded at run time) and brings the tunnel up', async () => {
    await lab.importProfile({ variant: 'pkcs12' });
    await waitFor(async () => expect((await status()).tunnel.state).toBe('up'), 20_000);
  });

  it('writes the installation protocol as a PDF with the standard fonts bundled into it', async () => {
    const made = await processRunner.run(tibox, ['--socket', socketPath, 'protocol', 'make']);
    expect(made.stdout).toMatch(/^Installation protocol 1 made: function test none \(no function test was run\)\./);
    const dir = mkdtempSync(join(tmpdir(), 'tibox-protocol-'));
    try {
      const file = join(dir, 'protocol.pdf');
      await processRunner.run('sh', ['-c', 'out=$1; shift; exec "$@" > "$out"', 'sh', file, tibox, '--socket', socketPath, 'protocol']);
      const { stdout } = await processRunner.run('pdftotext', ['-enc', 'UTF-8', file, '-']);
      expect(stdout).toContain('Installationsprotokoll');
      expect(stdout).toContain('Kein Funktionstest durchgeführt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Last: it puts the box namespace back to a freshly booted box's firewall, under the agent's feet.
  it('restores the fail-closed firewall as the boot unit runs it (tibox boot), on a box with no saved state', async () => {
    const state = mkdtempSync(join(tmpdir(), 'tibox-executable-boot-'));
    try {
      await lab.exec(lab.names.box, tibox, ['boot', '--state-dir', join(state, 'state'), '--run-dir', join(state, 'run')], 30_000);
      const { stdout } = await lab.exec(lab.names.box, 'nft', ['list', 'chain', 'inet', 'tibox', 'forward']);
      expect(stdout).toContain('tibox: fail closed, nothing is forwarded until the agent applies its ruleset');
      expect(stdout).toContain('policy drop;');
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
