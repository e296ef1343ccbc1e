// The updater subsystem: no client without a management identity, one client per desired state
// (the same state again changes nothing), a new one when the endpoint or identity changes.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { Updater, type RemoteManagement, type UpdateStatus } from '../../../src/updater/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tibox-updater-'));
const log = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never;
// Nothing listens on port 1: each poll fails at once, which is all these tests need.
const desired = (port = 1): RemoteManagement => ({ url: `https://127.0.0.1:${port}`, certificate: 'cert', privateKey: 'key', controllerId: 'box-0001', caCertificates: ['ca'] });

let updater: Updater;
afterEach(async () => {
  await updater?.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configured = (status: UpdateStatus) => {
  if (!status.configured) throw new Error(`not configured: ${status.reason}`);
  return status;
};

describe('Updater', () => {
  it('runs no client without a management identity, and says why', async () => {
    updater = new Updater({ dataDir: dir, attributes: () => new Map(), log });
    await updater.start();
    await updater.apply(null);
    expect(updater.updateStatus()).toEqual({ configured: false, reason: 'the VPN profile carries no management identity (profile format version 2 brings one)' });
    expect(updater.status()).toMatchObject({ name: 'updater', state: 'running' });
  });

  it('starts polling for a management identity, keeps the client for the same one, replaces it for another', async () => {
    updater = new Updater({ dataDir: dir, attributes: () => new Map(), log });
    await updater.start();
    await updater.apply(desired());
    await vi.waitFor(() => expect(configured(updater.updateStatus()).failures).toBe(1));
    expect(configured(updater.updateStatus())).toMatchObject({ controllerId: 'box-0001', base: 'https://127.0.0.1:1/DEFAULT/controller/v1/box-0001', lastPoll: { ok: false } });
    await updater.apply(desired());
    expect(configured(updater.updateStatus()).failures).toBe(1);
    await updater.apply(desired(2));
    expect(configured(updater.updateStatus()).base).toBe('https://127.0.0.1:2/DEFAULT/controller/v1/box-0001');
    await updater.apply(null);
    expect(updater.updateStatus().configured).toBe(false);
  });

  it('answers update.status on the control API, and stops its client with stop()', async () => {
    updater = new Updater({ dataDir: dir, attributes: () => new Map(), log });
    const actions = new ControlActions();
    updater.registerActions(actions);
    await updater.start();
    await updater.apply(desired());
    expect(await actions.run('update.status', {}, { actor: 'test' })).toMatchObject({ configured: true, controllerId: 'box-0001' });
    await updater.stop();
    expect(updater.updateStatus().configured).toBe(false);
    expect(updater.status().state).toBe('stopped');
  });
});
