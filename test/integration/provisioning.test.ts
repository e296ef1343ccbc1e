// A box the factory never provisioned, in the lab: the agent starts, warns without a TI impact and
// brings the tunnel up all the same; the factory step run on the box while the agent runs
// (`tibox provision` with the lab's known password) shows at once in `tibox status`; a second run
// is refused, and a damaged file is a warning, never a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { processRunner } from '../../src/core/runner.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');

describe('provisioning in the lab', () => {
  let lab: Lab;
  let socketPath: string;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent', unprovisioned: true });
    ({ socketPath } = await lab.startAgent());
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  const status = async (): Promise<AgentStatus> => JSON.parse((await processRunner.run(tibox, ['--socket', socketPath, 'status', '--json'])).stdout) as AgentStatus;
  const humanStatus = async (lang = 'en') => (await processRunner.run(tibox, ['--socket', socketPath, 'status'], { env: { TIBOX_LANG: lang } })).stdout;

  it('starts unprovisioned, says so in the status and warns, without a TI impact', async () => {
    const s = await waitFor(async () => {
      const now = await status();
      expect(now.subsystems.find((x) => x.name === 'control')?.state).toBe('running');
      expect(now.health.map((w) => w.code)).toContain('provisioning.missing');
      return now;
    }, 20_000);
    expect(s.provisioning).toEqual({ state: 'missing' });
    expect(s.health.find((w) => w.code === 'provisioning.missing')).toMatchObject({ severity: 'warning', impactsTi: false });
    const text = await humanStatus();
    expect(text.split('\n')[1]).toBe('Serial number: none, the box is not provisioned');
    expect(text).toContain('WARNING   The box lacks its factory data (serial number and initial web UI password)');
    expect((await humanStatus('de')).split('\n')[1]).toBe('Seriennummer: keine, die Box ist nicht im Werk eingerichtet');
  });

  it('brings the tunnel up all the same', async () => {
    await lab.importProfile();
    await waitFor(async () => expect((await status()).tunnel.state).toBe('up'), 30_000, 200);
  });

  it('shows the factory step run while the agent runs at once: the serial number, and no warning', async () => {
    const printed = await lab.provision();
    expect(printed).toContain(`Provisioned ${PLAN.provisioning.serial} at `);
    expect(printed).not.toContain(PLAN.provisioning.initialPassword);
    expect(readFileSync(lab.provisioningFile(), 'utf8')).not.toContain(PLAN.provisioning.initialPassword);
    await waitFor(async () => {
      const s = await status();
      expect(s.provisioning).toMatchObject({ state: 'provisioned', serial: PLAN.provisioning.serial });
      expect(s.health.map((w) => w.code)).not.toContain('provisioning.missing');
    }, 10_000, 100);
    expect((await humanStatus()).split('\n')[1]).toMatch(new RegExp(`^Serial number: ${PLAN.provisioning.serial} \\(provisioned `));
  });

  it('refuses to provision the box a second time, and leaves the file as it was', async () => {
    const before = readFileSync(lab.provisioningFile(), 'utf8');
    await expect(lab.provision()).rejects.toThrow(`the box is already provisioned (${PLAN.provisioning.serial}, provisioned `);
    expect(readFileSync(lab.provisioningFile(), 'utf8')).toBe(before);
  });

  it('warns about a damaged file and keeps running, and is quiet again once the factory step has run with --force', async () => {
    writeFileSync(lab.provisioningFile(), '{"format": 1, "serial": "TBX-000');
    await waitFor(async () => {
      const s = await status();
      expect(s.provisioning.state).toBe('unreadable');
      expect(s.health.find((w) => w.code === 'provisioning.unreadable')?.detail).toMatch(/it is not JSON/);
    }, 10_000, 100);
    expect((await humanStatus()).split('\n')[1]).toBe('Serial number: unknown, the provisioning data cannot be read');
    expect((await status()).tunnel.state).toBe('up');
    await lab.provision(['--force']);
    await waitFor(async () => {
      const s = await status();
      expect(s.provisioning.state).toBe('provisioned');
      expect(s.health.map((w) => w.code).filter((c) => c.startsWith('provisioning.'))).toEqual([]);
    }, 10_000, 100);
  });
});
