// The agent's reading of the provisioning file: at start, and again when the file changes while
// the agent runs; the health warnings it raises; the initial password check the web UI will call.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionBox } from '../../../../src/agent/provisioning/provision.ts';
import { ProvisioningService } from '../../../../src/agent/provisioning/provisioningService.ts';
import { Health, type HealthWarning } from '../../../../src/core/health.ts';
import { memoryLogger } from '../../control/helpers.ts';
import { waitFor } from '../../../integration/waitFor.ts';
import { CHEAP_SCRYPT } from './fixtures.ts';

const NOW = new Date('2026-12-07T06:00:00.000Z');
let dataDir: string;
let warnings: HealthWarning[];
let service: ProvisioningService;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tibox-prov-'));
  warnings = [];
  service = new ProvisioningService({ dataDir, health: new Health((list) => (warnings = list), () => NOW), log: memoryLogger().log, now: () => NOW });
});
afterEach(async () => {
  await service.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const provision = (serial: string, force = false) =>
  provisionBox({ dataDir, serial, password: 'lab initial password', force, now: NOW, scrypt: CHEAP_SCRYPT });
const codes = () => warnings.map((w) => w.code);

describe('ProvisioningService', () => {
  it('reads a provisioned box at start: the serial number, no warning, and the initial password checks', async () => {
    await provision('TBX-00000042');
    await service.start(AbortSignal.timeout(5_000));
    expect(service.summary()).toEqual({ state: 'provisioned', serial: 'TBX-00000042', provisionedAt: NOW.toISOString() });
    expect(service.status()).toMatchObject({ name: 'provisioning', state: 'running' });
    expect(codes()).toEqual([]);
    expect(await service.checkInitialPassword('lab initial password')).toBe(true);
    expect(await service.checkInitialPassword('lab initial passwort')).toBe(false);
    expect(await service.checkInitialPassword('')).toBe(false);
  });

  it('starts without the file, warns, and refuses the password check as not provisioned', async () => {
    await service.start(AbortSignal.timeout(5_000));
    expect(service.summary()).toEqual({ state: 'missing' });
    expect(service.status()).toMatchObject({ state: 'degraded', detail: 'not provisioned: no serial number, no initial password' });
    expect(warnings.map((w) => [w.code, w.severity, w.impactsTi])).toEqual([['provisioning.missing', 'warning', false]]);
    await expect(service.checkInitialPassword('lab initial password')).rejects.toMatchObject({
      code: 'TIBOX_NOT_PROVISIONED',
      message: 'the box has no usable provisioning data, so it has no initial password to check: no provisioning file',
    });
  });

  it('says what is wrong with a damaged file, and refuses the password check with that reason', async () => {
    await writeFile(join(dataDir, 'provisioning.json'), '{"format": 1, "serial": "TBX-00000042"}');
    await service.start(AbortSignal.timeout(5_000));
    expect(service.summary()).toEqual({ state: 'unreadable', reason: `${join(dataDir, 'provisioning.json')}: its time of provisioning is missing or not an ISO time` });
    expect(warnings.map((w) => [w.code, w.detail])).toEqual([['provisioning.unreadable', `${join(dataDir, 'provisioning.json')}: its time of provisioning is missing or not an ISO time`]]);
    await expect(service.checkInitialPassword('x')).rejects.toMatchObject({ code: 'TIBOX_NOT_PROVISIONED' });
  });

  it('follows the file while it runs: provisioned, replaced, damaged, removed', async () => {
    await service.start(AbortSignal.timeout(5_000));
    await provision('TBX-00000042');
    await waitFor(() => expect(service.summary()).toMatchObject({ serial: 'TBX-00000042' }), 5_000, 20);
    expect(codes()).toEqual([]);
    await provision('TBX-00000043', true);
    await waitFor(() => expect(service.summary()).toMatchObject({ serial: 'TBX-00000043' }), 5_000, 20);
    await writeFile(join(dataDir, 'provisioning.json'), 'garbage');
    await waitFor(() => expect(codes()).toEqual(['provisioning.unreadable']), 5_000, 20);
    await rm(join(dataDir, 'provisioning.json'));
    await waitFor(() => expect(codes()).toEqual(['provisioning.missing']), 5_000, 20);
  });
});
