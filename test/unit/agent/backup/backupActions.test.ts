// The backup actions with the box's own key in a data directory made here: a backup made and
// inspected shows no change; after a change it shows that change and the device lost; a backup of
// another box names both; each bad input is refused by its code, and nothing is changed or audited.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BOX_KEY_FILE } from '../../../../src/agent/backup/boxKey.ts';
import { defaultConfig, type Config } from '../../../../src/agent/store/index.ts';
import { wireBackup } from '../../../../src/agent/wiring/backup.ts';
import type { AgentContext } from '../../../../src/agent/wiring/context.ts';
import { ControlActions } from '../../../../src/core/controlActions.ts';
import type { TiboxError } from '../../../../src/core/errors.ts';

const PASSPHRASE = 'Sommer im Wartezimmer 2026';
const PVS = { kind: 'pvs' as const, name: 'PVS Empfang', address: '10.77.12.10', mac: '02:00:00:00:00:10', cetpPorts: [8010] };
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function box(serial: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tibox-backup-'));
  dirs.push(dataDir);
  const state = { config: defaultConfig() as Config, devices: [PVS] as (typeof PVS)[] };
  const actions = new ControlActions();
  const audited: { actor: string; action: string; detail: unknown }[] = [];
  const ctx = {
    actions,
    options: { dataDir },
    now: () => new Date('2026-12-07T10:00:00.000Z'),
    audit: (actor: string, action: string, detail: unknown) => audited.push({ actor, action, detail }),
    config: { current: () => ({ config: state.config, revision: 1 }) },
  } as unknown as AgentContext;
  wireBackup(ctx, { serial: () => serial, devices: () => state.devices, checkDevices: (set) => Promise.resolve([...set]), devicesReplaced: () => undefined });
  const run = (action: string, args: unknown) => actions.run(action, args, { actor: 'webui:admin' });
  return { dataDir, state, audited, run };
}
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'accepted', (error: unknown) => (error as TiboxError).code);

describe('the backup actions', () => {
  const here = box('TBX-00012345');

  it('makes a backup with the box key kept 0600, audits it without the passphrase, and inspecting it shows no change', async () => {
    const made = (await here.run('backup.create', { passphrase: PASSPHRASE })) as { name: string; file: string };
    expect(made.name).toBe('tibox-backup-TBX-00012345-2026-12-07.tibox');
    expect(statSync(join(here.dataDir, BOX_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(here.audited).toEqual([{ actor: 'webui:admin', action: 'backup.create', detail: { box: 'TBX-00012345', bytes: Buffer.from(made.file, 'base64').length } }]);
    expect(JSON.stringify(here.audited)).not.toContain(PASSPHRASE);
    const preview = await here.run('backup.inspect', { file: made.file, passphrase: PASSPHRASE });
    expect(preview).toEqual({ createdAt: '2026-12-07T10:00:00.000Z', box: { serial: 'TBX-00012345', name: 'tibox' }, changes: [], devices: { added: [], removed: [], changed: [] } });

    here.state.config = { ...here.state.config, practice: { ...here.state.config.practice, name: 'Praxis Dr. Muster' } };
    here.state.devices = [];
    expect(await here.run('backup.inspect', { file: made.file, passphrase: PASSPHRASE })).toMatchObject({
      changes: [{ path: 'practice.name', now: 'Praxis Dr. Muster', restored: '' }],
      devices: { added: ['PVS Empfang'], removed: [], changed: [] },
    });
  });

  it('names both boxes for a backup another box made', async () => {
    const other = box('TBX-00099999');
    const made = (await other.run('backup.create', { passphrase: PASSPHRASE })) as { file: string };
    expect(await here.run('backup.inspect', { file: made.file, passphrase: PASSPHRASE })).toMatchObject({
      otherBox: { backup: { serial: 'TBX-00099999', name: 'tibox' }, thisBox: { serial: 'TBX-00012345', name: 'tibox' } },
    });
  });

  it('refuses a short passphrase, a wrong one, a malformed, truncated, oversized or changed file by its code', async () => {
    const audited = here.audited.length;
    expect(await codeOf(here.run('backup.create', { passphrase: 'zu kurz' }))).toBe('TIBOX_BACKUP_PASSPHRASE');
    const { file } = (await here.run('backup.create', { passphrase: PASSPHRASE })) as { file: string };
    const bytes = Buffer.from(file, 'base64');
    const inspect = (b: Buffer, passphrase = PASSPHRASE) => codeOf(here.run('backup.inspect', { file: b.toString('base64'), passphrase }));
    expect(await inspect(bytes, 'Winter im Wartezimmer 2026')).toBe('TIBOX_BACKUP_WRONG_PASSPHRASE');
    expect(await inspect(Buffer.from('not a backup'))).toBe('TIBOX_BACKUP_MALFORMED');
    expect(await inspect(bytes.subarray(0, bytes.length / 2))).toBe('TIBOX_BACKUP_MALFORMED');
    expect(await inspect(Buffer.alloc(600 * 1024, 0x20))).toBe('TIBOX_BACKUP_TOO_LARGE');
    expect(await inspect(Buffer.from(bytes.toString().replace('"ciphertext":"', '"ciphertext":"AAAA')))).toBe('TIBOX_BACKUP_BAD_SIGNATURE');
    expect(await codeOf(here.run('backup.inspect', { file, passphrase: PASSPHRASE, restore: true }))).toBe('TIBOX_BAD_REQUEST');
    expect(here.audited.length).toBe(audited + 1);
  });

  it('derives one key at a time, and refuses a backup asked for past four at once as busy', async () => {
    const many = box('TBX-00054321');
    const asked = Array.from({ length: 5 }, () => codeOf(many.run('backup.create', { passphrase: PASSPHRASE })));
    expect(await Promise.all(asked)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'TIBOX_BACKUP_BUSY']);
    expect(many.audited).toHaveLength(4);
  });
});
