// Configuration backups as control actions: `backup.create` seals the config and the registered
// devices with the caller's passphrase and the box's signing key, and `backup.inspect` opens a
// backup and shows what restoring it would change, naming both boxes when it comes from another.
// Neither changes the box's settings; a backup made is audited (never its passphrase). Each derives
// a key at 32 MiB: one runs at a time, and a caller past a few waiting is refused as busy.
import { createPublicKey } from 'node:crypto';
import { TiboxError } from '../../core/index.ts';
import { openBackup, sealBackup, type BackupProblem } from '../backup/backupFile.ts';
import { boxSigningKey } from '../backup/boxKey.ts';
import { OneAtATime } from '../backup/oneAtATime.ts';
import { backupDevice, isBackupDevice, restorePreview, type BackupDevice, type RestorePreview } from '../backup/restorePreview.ts';
import { SCHEMA_MAJOR, validateConfig } from '../store/index.ts';
import type { AgentContext } from './context.ts';

export interface BackupDeps {
  /** The box's serial number, or undefined before the factory step. */
  serial: () => string | undefined;
  devices: () => readonly BackupDevice[];
}

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

  ctx.actions.register('backup.inspect', async (args): Promise<RestorePreview & { createdAt: string; box: { serial: string; name: string } }> => {
    const { passphrase, file } = readArgs(args, ['passphrase', 'file']);
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
    return { createdAt: header.createdAt, box: header.box, ...preview };
  });
}

/** The named text arguments, each required; a backup file comes as base64. */
function readArgs<K extends string>(args: unknown, names: readonly K[]): Record<K, string> {
  const given = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
  const unknown = Object.keys(given).find((key) => !names.includes(key as K));
  if (unknown !== undefined) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `unknown argument "${unknown}"` });
  for (const name of names) if (typeof given[name] !== 'string') throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `expected "${name}" as text` });
  return given as Record<K, string>;
}
