// `system.factoryReset` on a real config service and database: refused unless the box's serial
// number confirms it, changing nothing; done, the config is the defaults, the devices, the web UI's changed password and a pending change are gone and the profile
// removed, while every audit table keeps its rows (gemSpec_Kon TIP1-A_4820) and gains the reset's;
// a backup made before restores the same settings and devices afterwards.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BOX_KEY_FILE } from '../../../../src/agent/backup/boxKey.ts';
import { defaultConfig, WebuiAccountStore } from '../../../../src/agent/store/index.ts';
import type { TiboxError } from '../../../../src/core/errors.ts';
import { NOW, PVS, restoreBox, TERMINAL, type RestoreBox } from './restoreBox.ts';

const PASSPHRASE = 'Sommer im Wartezimmer 2026';
const boxes: RestoreBox[] = [];
afterEach(async () => {
  await Promise.all(boxes.splice(0).map((b) => b.stop()));
});

/** A box with the serial number given, or none for null. */
async function box(serial: string | null): Promise<RestoreBox> {
  const made = await restoreBox(serial ?? undefined);
  boxes.push(made);
  return made;
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'accepted', (error: unknown) => (error as TiboxError).code);
const count = (b: RestoreBox, table: string) => (b.db().prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** A box in use: practice data, a WAN setting, devices, a changed web UI password, a pending network change. */
async function usedBox(serial: string | null = 'TBX-00012345'): Promise<RestoreBox> {
  const b = await box(serial);
  b.commit({ practice: { name: 'Praxis Dr. Muster' }, wan: { mode: 'static', address: '192.168.178.2/24', gateway: '192.168.178.1', resolvers: ['192.168.178.1'] } });
  b.ctx.config.confirm('local-cli');
  b.setDevices([PVS, TERMINAL]);
  new WebuiAccountStore(b.db()).set({ name: 'admin', password: { algorithm: 'scrypt', cost: 16384, blockSize: 8, parallelization: 1, salt: 'c2FsdA==', hash: 'aGFzaA==' }, changedAt: NOW.toISOString() });
  b.commit({ interfaces: { lanFallback: '169.254.77.2/16' } });
  return b;
}

describe('system.factoryReset', () => {
  it("is refused without the box's serial number, and changes nothing", async () => {
    const b = await usedBox();
    const before = b.snapshot();
    expect(await codeOf(b.run('system.factoryReset', {}))).toBe('TIBOX_FACTORY_RESET_NOT_CONFIRMED');
    expect(await codeOf(b.run('system.factoryReset', { confirm: 'TBX-00099999' }))).toBe('TIBOX_FACTORY_RESET_NOT_CONFIRMED');
    expect(await codeOf(b.run('system.factoryReset', { confirm: true }))).toBe('TIBOX_FACTORY_RESET_NOT_CONFIRMED');
    expect(b.snapshot()).toBe(before);
    expect(b.told).toEqual({ replaced: [], profileRemoved: 0, functionTestForgotten: 0, resets: [] });
  });

  it('brings back the fresh box and keeps every audit table, the reset audited in it', async () => {
    const b = await usedBox();
    const audits = Object.fromEntries(['config_audit', 'device_audit', 'action_audit', 'webui_logins'].map((t) => [t, count(b, t)]));
    const { revision } = (await b.run('system.factoryReset', { confirm: 'tbx-00012345' })) as { revision: number };
    expect(b.ctx.config.current()).toEqual({ config: defaultConfig(), revision });
    expect(b.ctx.config.pending()).toBeNull();
    expect(b.devices()).toEqual([]);
    expect(count(b, 'webui_accounts')).toBe(0);
    expect(b.told).toEqual({ replaced: ['webui:admin'], profileRemoved: 1, functionTestForgotten: 1, resets: [{ revision, actor: 'webui:admin' }] });
    // Every earlier entry stays; the reset adds its own.
    expect(count(b, 'config_audit')).toBeGreaterThan(audits.config_audit as number);
    expect(count(b, 'device_audit')).toBe((audits.device_audit as number) + 2);
    expect(count(b, 'webui_logins')).toBe(audits.webui_logins);
    expect(b.db().prepare('SELECT actor, action, detail FROM action_audit ORDER BY id DESC LIMIT 2').all()).toEqual([
      { actor: 'webui:admin', action: 'system.factoryReset.profile', detail: JSON.stringify({ revision, profile: 'removed' }) },
      { actor: 'webui:admin', action: 'system.factoryReset', detail: JSON.stringify({ revision }) },
    ]);
  });

  it('is audited and announced before the profile is removed, and announced when its removal fails', async () => {
    const b = await usedBox();
    let fail: (error: Error) => void = () => undefined;
    b.removeProfile.with = () => new Promise((_resolve, reject) => (fail = reject));
    const reset = codeOf(b.run('system.factoryReset', { confirm: 'TBX-00012345' }));
    // The teardown is under way: a box that went down now has the reset in its audit already.
    await new Promise((resolve) => setImmediate(resolve));
    const { revision } = b.ctx.config.current();
    expect(b.db().prepare('SELECT action, detail FROM action_audit ORDER BY id DESC LIMIT 1').get()).toEqual({ action: 'system.factoryReset', detail: JSON.stringify({ revision }) });
    expect(b.told.resets).toEqual([{ revision, actor: 'webui:admin' }]);
    fail(new Error('charon did not answer'));
    expect(await reset).toBe('TIBOX_ACTION_FAILED');
    expect(b.told.resets).toHaveLength(1);
    expect(b.db().prepare('SELECT action, detail FROM action_audit ORDER BY id DESC LIMIT 1').get()).toEqual({
      action: 'system.factoryReset.profile', detail: JSON.stringify({ revision, profile: 'not removed: charon did not answer' }),
    });
  });

  it('takes RESET on a box without a serial number', async () => {
    const b = await usedBox(null);
    expect(await codeOf(b.run('system.factoryReset', { confirm: 'TBX-00012345' }))).toBe('TIBOX_FACTORY_RESET_NOT_CONFIRMED');
    expect(await codeOf(b.run('system.factoryReset', { confirm: 'RESET' }))).toBe('accepted');
  });

  it('keeps the signing key, so a backup made before restores the same settings and devices as this box', async () => {
    const b = await usedBox();
    b.ctx.config.confirm('local-cli');
    const config = b.ctx.config.current().config;
    const { file } = (await b.run('backup.create', { passphrase: PASSPHRASE })) as { file: string };
    await b.run('system.factoryReset', { confirm: 'TBX-00012345' });
    expect(existsSync(join(b.dataDir, BOX_KEY_FILE))).toBe(true);
    const preview = (await b.run('backup.inspect', { file, passphrase: PASSPHRASE })) as { otherBox?: unknown };
    expect(preview.otherBox).toBeUndefined();
    await b.run('backup.restore', { file, passphrase: PASSPHRASE });
    b.ctx.config.confirm('local-cli');
    expect(b.ctx.config.current().config).toEqual(config);
    expect(b.devices()).toEqual([PVS, TERMINAL]);
  });
});
