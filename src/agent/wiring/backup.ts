// Configuration backups as control actions: `backup.create` seals the config and the registered
// devices with the caller's passphrase and the box's signing key, `backup.inspect` opens a backup
// and shows what restoring it would change, naming both boxes when it comes from another, and
// `backup.restore` opens it the same way and puts its config and devices in place in one
// transaction. A restore of another box's backup needs `acceptOtherBox`. The config goes through
// the config service's commit like any change: a restore that changes network settings is a
// pending change that returns by itself unless confirmed (docs/pending.md), so a backup that cuts
// the box off its network undoes itself. Made and restored backups are audited (never the
// passphrase). Each derives a key at 32 MiB: one runs at a time, and a caller past a few waiting is
// refused as busy.
import { createPublicKey } from 'node:crypto';
import { TiboxError } from '../../core/index.ts';
import { openBackup, sealBackup, type BackupProblem } from '../backup/backupFile.ts';
import { boxSigningKey } from '../backup/boxKey.ts';
import { OneAtATime } from '../backup/oneAtATime.ts';
import { backupDevice, isBackupDevice, restorePreview, type BackupDevice, type RestorePreview } from '../backup/restorePreview.ts';
import type { DeviceFields } from '../../lan/inventory/index.ts';
import { ActionAuditStore, DeviceStore, SCHEMA_MAJOR, validateConfig, type Config, type Db } from '../store/index.ts';
import type { PendingSummary } from '../pending/pendingChange.ts';
import type { AgentContext } from './context.ts';

export interface BackupDeps {
  /** The box's serial number, or undefined before the factory step. */
  serial: () => string | undefined;
  devices: () => readonly BackupDevice[];
  /** The devices of a backup in canonical form if they may replace the registered ones, else their first problem (a DeviceError). */
  checkDevices: (set: readonly DeviceFields[]) => Promise<DeviceFields[]>;
  /** The registered devices were replaced as a whole: the inventory tells the data path and the web UI. */
  devicesReplaced: (actor: string) => void;
}

type Inspected = RestorePreview & { createdAt: string; box: { serial: string; name: string } };

/** What a restore answers: the preview it applied, the config's new revision, and the pending network change it made, if any. */
export type Restored = Inspected & { revision: number; pending: PendingSummary | null };

const CODES = {
  tooLarge: 'TIBOX_BACKUP_TOO_LARGE',
  malformed: 'TIBOX_BACKUP_MALFORMED',
  badSignature: 'TIBOX_BACKUP_BAD_SIGNATURE',
  newerFormat: 'TIBOX_BACKUP_NEWER',
  newerSchema: 'TIBOX_BACKUP_NEWER',
  wrongPassphrase: 'TIBOX_BACKUP_WRONG_PASSPHRASE',
  passphrase: 'TIBOX_BACKUP_PASSPHRASE',
} as const satisfies Record<BackupProblem, string>;

/** One running and three waiting: more at once is no administrator's doing. */
const MOST_AT_ONCE = 4;

export function wireBackup(ctx: AgentContext, deps: BackupDeps): void {
  const derivations = new OneAtATime(MOST_AT_ONCE, () => new TiboxError('TIBOX_BACKUP_BUSY', {}));
  const thisBox = () => ({ serial: deps.serial() ?? 'unknown', name: ctx.config.current().config.box.name });
  const signer = () => createPublicKey(boxSigningKey(ctx.options.dataDir)).export({ type: 'spki', format: 'der' }).toString('base64');

  ctx.actions.register('backup.create', async (args, { actor }) => {
    const { passphrase } = readArgs(args, ['passphrase']);
    const box = thisBox();
    let file: Buffer;
    try {
      const content = { config: ctx.config.current().config, devices: deps.devices().map(backupDevice) };
      const signingKey = boxSigningKey(ctx.options.dataDir);
      file = await derivations.run(() => sealBackup(content, { passphrase, box, signingKey, schemaMajor: SCHEMA_MAJOR, now: ctx.now() }));
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('the passphrase')) throw new TiboxError('TIBOX_BACKUP_PASSPHRASE', { reason: error.message });
      throw error;
    }
    ctx.audit(actor, 'backup.create', { box: box.serial, bytes: file.length });
    return { name: `tibox-backup-${box.serial}-${ctx.now().toISOString().slice(0, 10)}.tibox`, file: file.toString('base64') };
  });

  /** The backup opened and checked as any input, its content ready to restore, and what restoring it would change. */
  const open = async (file: string, passphrase: string): Promise<{ inspected: Inspected; config: Config; devices: BackupDevice[] }> => {
    const opened = await derivations.run(() => openBackup(Buffer.from(file, 'base64'), { passphrase, schemaMajor: SCHEMA_MAJOR }));
    if (!opened.ok) throw new TiboxError(CODES[opened.problem], { reason: opened.reason });
    const { header, content } = opened;
    // Signed by a box, yet checked as any input: a config this firmware would refuse, or a device
    // that is none, makes the backup unusable here.
    const config = validateConfig(content.config);
    if (!config.ok) throw new TiboxError('TIBOX_BACKUP_MALFORMED', { reason: `its config is not valid here (${config.errors.map((e) => `${e.path} ${e.message}`).join('; ')})` });
    const devices = content.devices;
    if (!devices.every(isBackupDevice)) throw new TiboxError('TIBOX_BACKUP_MALFORMED', { reason: 'a device in it has not the form of one' });
    const preview = restorePreview({
      current: { config: ctx.config.current().config, devices: deps.devices() },
      restored: { config: config.config, devices },
      backupBox: { ...header.box, signer: header.signer },
      thisBox: { ...thisBox(), signer: signer() },
    });
    return { inspected: { createdAt: header.createdAt, box: header.box, ...preview }, config: config.config, devices: devices.map(backupDevice) };
  };

  ctx.actions.register('backup.inspect', async (args): Promise<Inspected> => {
    const { passphrase, file } = readArgs(args, ['passphrase', 'file']);
    return (await open(file, passphrase)).inspected;
  });

  ctx.actions.register('backup.restore', async (args, { actor }): Promise<Restored> => {
    const { acceptOtherBox, ...given } = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
    if (acceptOtherBox !== undefined && typeof acceptOtherBox !== 'boolean') throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'expected "acceptOtherBox" as true or false' });
    const { passphrase, file } = readArgs(given, ['passphrase', 'file']);
    const { inspected, config, devices } = await open(file, passphrase);
    const { otherBox } = inspected;
    if (otherBox && acceptOtherBox !== true) throw new TiboxError('TIBOX_BACKUP_OTHER_BOX', { backup: named(otherBox.backup), thisBox: named(otherBox.thisBox) });
    // Checked as registrations are: a device that could not be registered here is not restored either.
    const checked = await deps.checkDevices(devices);
    const at = ctx.now().toISOString();
    // Decided in the transaction against the devices as they are then, not as the preview saw them:
    // a reset or another restore may have come while the devices were checked. Devices the backup
    // holds as they are stay as they are: no new ids, no audit entries of nothing.
    let devicesReplaced = false;
    const alongside = (db: Db, { revision }: { revision: number }) => {
      const store = new DeviceStore(db);
      devicesReplaced = !sameDevices(store.list(), checked);
      if (devicesReplaced) store.replaceAll(actor, at, checked);
      // Audited with the change or not at all: a committed restore is never reported as failed.
      new ActionAuditStore(db).record({ at, actor, action: 'backup.restore', detail: { box: inspected.box.serial, createdAt: inspected.createdAt, otherBox: otherBox !== undefined, revision } });
    };
    const committed = ctx.config.commit(config, actor, { alongside });
    if (devicesReplaced) deps.devicesReplaced(actor);
    return { ...inspected, revision: committed.revision, pending: committed.pending ?? null };
  });
}

/** The same devices, whatever their order: each compared in its canonical form. */
function sameDevices(current: readonly BackupDevice[], checked: readonly BackupDevice[]): boolean {
  const text = (set: readonly BackupDevice[]) => set.map((device) => JSON.stringify(backupDevice(device))).sort();
  const [a, b] = [text(current), text(checked)];
  return a.length === b.length && a.every((device, i) => device === b[i]);
}

const named = (box: { serial: string; name: string }) => `"${box.name}" (${box.serial})`;

/** The named text arguments, each required; a backup file comes as base64. */
function readArgs<K extends string>(args: unknown, names: readonly K[]): Record<K, string> {
  const given = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
  const unknown = Object.keys(given).find((key) => !names.includes(key as K));
  if (unknown !== undefined) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `unknown argument "${unknown}"` });
  for (const name of names) if (typeof given[name] !== 'string') throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `expected "${name}" as text` });
  return given as Record<K, string>;
}
