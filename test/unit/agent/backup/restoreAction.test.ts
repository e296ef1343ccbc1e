// `backup.restore` on a real config service and database: a backup of this box puts its config and
// devices back in one transaction and is audited; one that changes the WAN awaits confirmation as
// any network change; another box's backup needs acceptOtherBox and is refused naming both boxes
// without it; every bad input is refused by its code and leaves every table as it was.
import { afterEach, describe, expect, it } from 'vitest';
import { sealBackup } from '../../../../src/agent/backup/backupFile.ts';
import { boxSigningKey } from '../../../../src/agent/backup/boxKey.ts';
import { SCHEMA_MAJOR } from '../../../../src/agent/store/index.ts';
import type { Restored } from '../../../../src/agent/wiring/backup.ts';
import type { TiboxError } from '../../../../src/core/errors.ts';
import { NOW, PVS, restoreBox, TERMINAL, type RestoreBox } from './restoreBox.ts';

const PASSPHRASE = 'Sommer im Wartezimmer 2026';
const boxes: RestoreBox[] = [];
afterEach(async () => {
  await Promise.all(boxes.splice(0).map((b) => b.stop()));
});

async function box(serial = 'TBX-00012345'): Promise<RestoreBox> {
  const made = await restoreBox(serial);
  boxes.push(made);
  return made;
}

const refusal = (promise: Promise<unknown>) => promise.then(() => ({ code: 'accepted', message: '' }), (error: unknown) => ({ code: (error as TiboxError).code, message: (error as TiboxError).message }));

async function backupOf(b: RestoreBox): Promise<string> {
  return ((await b.run('backup.create', { passphrase: PASSPHRASE })) as { file: string }).file;
}

describe('backup.restore', () => {
  it('puts the config and the devices of a backup of this box back, tells the inventory and audits it', async () => {
    const here = await box();
    here.commit({ practice: { name: 'Praxis Dr. Muster' } });
    here.setDevices([PVS, TERMINAL]);
    const file = await backupOf(here);
    here.commit({ practice: { name: 'Praxis Neu' } });
    here.setDevices([{ ...PVS, cetpPorts: [8011] }]);

    const restored = (await here.run('backup.restore', { file, passphrase: PASSPHRASE })) as Restored;
    expect(restored).toMatchObject({ changes: [{ path: 'practice.name', now: 'Praxis Neu', restored: 'Praxis Dr. Muster' }], devices: { added: ['ORGA Empfang'], removed: [], changed: ['PVS Empfang'] }, pending: null });
    expect(here.ctx.config.current()).toMatchObject({ revision: restored.revision, config: { practice: { name: 'Praxis Dr. Muster' } } });
    expect(here.devices()).toEqual([PVS, TERMINAL]);
    expect(here.told.replaced).toEqual(['webui:admin']);
    const audit = here.db().prepare("SELECT actor, detail FROM action_audit WHERE action = 'backup.restore'").all();
    expect(audit).toEqual([{ actor: 'webui:admin', detail: JSON.stringify({ box: 'TBX-00012345', createdAt: NOW.toISOString(), otherBox: false, revision: restored.revision }) }]);
    expect(JSON.stringify(here.db().prepare('SELECT * FROM action_audit').all())).not.toContain(PASSPHRASE);
  });

  it('restores a changed WAN setting as a pending network change that returns unless confirmed', async () => {
    const here = await box();
    here.commit({ wan: { mode: 'static', address: '192.168.178.2/24', gateway: '192.168.178.1', resolvers: ['192.168.178.1'] } });
    here.ctx.config.confirm('local-cli');
    const file = await backupOf(here);
    here.commit({ wan: { mode: 'dhcp' } });
    here.ctx.config.confirm('local-cli');

    const restored = (await here.run('backup.restore', { file, passphrase: PASSPHRASE })) as Restored;
    expect(restored.pending).toMatchObject({ revision: restored.revision, paths: ['wan.mode'] });
    expect(here.ctx.config.current().config.wan.mode).toBe('static');
    here.ctx.config.rollback('local-cli');
    expect(here.ctx.config.current().config.wan.mode).toBe('dhcp');
  });

  it("refuses another box's backup naming both boxes unless accepted, then restores it", async () => {
    const here = await box();
    const old = await box('TBX-00099999');
    old.commit({ box: { name: 'Alte Box' }, practice: { name: 'Praxis Dr. Muster' } });
    old.setDevices([PVS]);
    const file = await backupOf(old);
    const before = here.snapshot();
    expect(await refusal(here.run('backup.restore', { file, passphrase: PASSPHRASE }))).toEqual({
      code: 'TIBOX_BACKUP_OTHER_BOX',
      message: 'the backup was made by another box, "Alte Box" (TBX-00099999), not by this one, "tibox" (TBX-00012345); restore it only when this box replaces that one, and say so',
    });
    expect(await refusal(here.run('backup.restore', { file, passphrase: PASSPHRASE, acceptOtherBox: false }))).toMatchObject({ code: 'TIBOX_BACKUP_OTHER_BOX' });
    expect(here.snapshot()).toBe(before);
    await here.run('backup.restore', { file, passphrase: PASSPHRASE, acceptOtherBox: true });
    expect(here.ctx.config.current().config).toMatchObject({ box: { name: 'Alte Box' }, practice: { name: 'Praxis Dr. Muster' } });
    expect(here.devices()).toEqual([PVS]);
  });

  it('refuses every bad input by its code and changes no table', async () => {
    const here = await box();
    here.commit({ practice: { name: 'Praxis Dr. Muster' } });
    here.setDevices([PVS]);
    const file = await backupOf(here);
    const bytes = Buffer.from(file, 'base64');
    const signingKey = boxSigningKey(here.dataDir);
    const sealed = async (content: { config: unknown; devices: unknown[] }, schemaMajor = SCHEMA_MAJOR) =>
      (await sealBackup(content, { passphrase: PASSPHRASE, box: { serial: 'TBX-00012345', name: 'tibox' }, signingKey, schemaMajor, now: NOW })).toString('base64');
    const config = here.ctx.config.current().config;
    here.commit({ practice: { name: 'Praxis Neu' } });
    here.setDevices([TERMINAL]);
    const before = here.snapshot();

    const cases: [string, Record<string, unknown>, string][] = [
      ['a wrong passphrase', { file, passphrase: 'Winter im Wartezimmer 2026' }, 'TIBOX_BACKUP_WRONG_PASSPHRASE'],
      ['a passphrase too short', { file, passphrase: 'zu kurz' }, 'TIBOX_BACKUP_PASSPHRASE'],
      ['no backup at all', { file: Buffer.from('not a backup').toString('base64'), passphrase: PASSPHRASE }, 'TIBOX_BACKUP_MALFORMED'],
      ['a truncated file', { file: bytes.subarray(0, bytes.length / 2).toString('base64'), passphrase: PASSPHRASE }, 'TIBOX_BACKUP_MALFORMED'],
      ['an oversized file', { file: Buffer.alloc(600 * 1024, 0x20).toString('base64'), passphrase: PASSPHRASE }, 'TIBOX_BACKUP_TOO_LARGE'],
      ['a changed file', { file: Buffer.from(bytes.toString().replace('"ciphertext":"', '"ciphertext":"AAAA')).toString('base64'), passphrase: PASSPHRASE }, 'TIBOX_BACKUP_BAD_SIGNATURE'],
      ['a newer config schema', { file: await sealed({ config, devices: [] }, SCHEMA_MAJOR + 1), passphrase: PASSPHRASE }, 'TIBOX_BACKUP_NEWER'],
      ['a config refused here', { file: await sealed({ config: { ...config, wan: { mode: 'static' } }, devices: [] }), passphrase: PASSPHRASE }, 'TIBOX_BACKUP_MALFORMED'],
      ['a device of no known kind', { file: await sealed({ config, devices: [{ ...PVS, kind: 'router' }] }), passphrase: PASSPHRASE }, 'TIBOX_BACKUP_MALFORMED'],
      ["a device with the box's MAC", { file: await sealed({ config, devices: [{ ...PVS, mac: '02:00:00:00:00:01' }] }), passphrase: PASSPHRASE }, 'TIBOX_DEVICE_BOX_MAC'],
      ['two devices of one name', { file: await sealed({ config, devices: [PVS, { ...TERMINAL, name: PVS.name }] }), passphrase: PASSPHRASE }, 'TIBOX_DEVICE_DUPLICATE'],
      ['an acceptOtherBox not a boolean', { file, passphrase: PASSPHRASE, acceptOtherBox: 'yes' }, 'TIBOX_BAD_REQUEST'],
      ['an unknown argument', { file, passphrase: PASSPHRASE, force: true }, 'TIBOX_BAD_REQUEST'],
    ];
    const codes: [string, string][] = [];
    for (const [what, args] of cases) codes.push([what, (await refusal(here.run('backup.restore', args))).code]);
    expect(codes).toEqual(cases.map(([what, , code]) => [what, code]));
    expect(here.snapshot()).toBe(before);
    expect(here.told.replaced).toEqual([]);
  });

  it('puts the devices back when a factory reset came while they were checked', async () => {
    const here = await box();
    here.setDevices([PVS, TERMINAL]);
    const file = await backupOf(here);
    // The preview sees the devices as in the backup; the reset then removes them before the commit.
    here.whileDevicesChecked.with = async () => {
      here.whileDevicesChecked.with = () => Promise.resolve();
      await here.run('system.factoryReset', { confirm: 'TBX-00012345' });
    };
    here.told.replaced.length = 0;
    await here.run('backup.restore', { file, passphrase: PASSPHRASE });
    expect(here.devices()).toEqual([PVS, TERMINAL]);
    expect(here.told.replaced).toEqual(['webui:admin', 'webui:admin']);
  });

  it('writes its audit entry with the change, so an entry not written leaves every table as it was', async () => {
    const here = await box();
    here.setDevices([PVS]);
    const file = await backupOf(here);
    here.commit({ practice: { name: 'Praxis Neu' } });
    here.setDevices([TERMINAL]);
    // The audit table refuses its row, as a failing disk would.
    here.db().exec("CREATE TRIGGER no_audit BEFORE INSERT ON action_audit BEGIN SELECT RAISE(ABORT, 'no room'); END");
    const before = here.snapshot();
    expect((await refusal(here.run('backup.restore', { file, passphrase: PASSPHRASE }))).message).toContain('no room');
    expect(here.snapshot()).toBe(before);
  });

  it('refuses a restore while a network change awaits confirmation, and changes nothing', async () => {
    const here = await box();
    const file = await backupOf(here);
    here.commit({ interfaces: { lanFallback: '169.254.77.2/16' } });
    here.setDevices([PVS]);
    const before = here.snapshot();
    expect(await refusal(here.run('backup.restore', { file, passphrase: PASSPHRASE }))).toMatchObject({ code: 'TIBOX_CONFIG_CHANGE_PENDING' });
    expect(here.snapshot()).toBe(before);
  });
});
