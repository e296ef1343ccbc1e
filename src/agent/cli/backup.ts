// `tibox backup create OUT` and `tibox backup inspect FILE`: a settings backup written to a file,
// and a backup checked against the box (what restoring it would change, and whether another box
// made it); `tibox backup restore FILE` is in backupRestore.ts. The passphrase comes from a file (its first line) or a prompt on the terminal; it
// never appears on the command line, where any user could read it.
import { writeFileAtomic } from '../../core/index.ts';
import { TiboxError } from '../../core/index.ts';
import { MAX_BACKUP_BYTES } from '../../control/protocol.ts';
import type { RestorePreview } from '../backup/restorePreview.ts';
import { EXIT_OK, JSON_OPTION, UsageError, type Command, type CommandContext } from './command.ts';
import { readFileArg, type SizeLimit } from './readFileArg.ts';

export const BACKUP_LIMIT: SizeLimit = {
  bytes: MAX_BACKUP_BYTES,
  refuse: (size) => new TiboxError('TIBOX_BACKUP_TOO_LARGE', { reason: `the file has ${size} bytes; a backup has at most ${MAX_BACKUP_BYTES}` }),
};

/** A passphrase has at most 256 characters of up to 4 bytes each; a larger file is not a passphrase file. */
const PASSPHRASE_FILE_LIMIT: SizeLimit = {
  bytes: 4096,
  refuse: () => new TiboxError('TIBOX_BACKUP_PASSPHRASE', { reason: 'the passphrase file is larger than 4096 bytes; it should hold the passphrase on one line' }),
};

export const PASSPHRASE_OPTION = {
  'passphrase-file': { type: 'string', value: 'F', description: 'Read the passphrase from the file F (its first line) instead of asking for it' },
} as const;

export async function passphraseOf({ values, io }: CommandContext): Promise<string> {
  const file = values['passphrase-file'];
  // The passphrase is the file's first line, without its line break; what follows is not read as part of it.
  if (typeof file === 'string') return (await readFileArg(file, PASSPHRASE_FILE_LIMIT)).toString('utf8').split(/\r?\n/, 1)[0] ?? '';
  if (!io.promptSecret) throw new UsageError('give the passphrase with --passphrase-file F, or run this on a terminal to be asked for it');
  return await io.promptSecret('Passphrase of the backup (at least 16 characters): ');
}

export const backupCreateCommand: Command = {
  words: ['backup', 'create'],
  synopsis: 'OUT [--passphrase-file F]',
  summary: 'Write a backup of the settings and the registered devices, encrypted with a passphrase and signed by the box, to the file OUT',
  options: PASSPHRASE_OPTION,
  maxPositionals: 1,
  example: ['backup', 'create', '/media/usb/praxis.tibox', '--passphrase-file', '/root/backup.passphrase'],
  async run(context) {
    const out = context.positionals[0];
    if (out === undefined) throw new UsageError('backup create needs the file OUT to write the backup to');
    const passphrase = await passphraseOf(context);
    const made = (await context.client().action('backup.create', { passphrase })) as { file: string };
    await writeFileAtomic(out, Buffer.from(made.file, 'base64'), { mode: 0o600 });
    context.io.stdout(`Backup written to ${out}. Keep the passphrase apart from it: without it the backup cannot be opened.\n`);
    return EXIT_OK;
  },
};

export const backupInspectCommand: Command = {
  words: ['backup', 'inspect'],
  synopsis: 'FILE [--passphrase-file F] [--json]',
  summary: 'Check a backup: which box made it, and what restoring it would change; changes nothing',
  options: { ...PASSPHRASE_OPTION, ...JSON_OPTION },
  maxPositionals: 1,
  example: ['backup', 'inspect', '/media/usb/praxis.tibox'],
  async run(context) {
    const path = context.positionals[0];
    if (path === undefined) throw new UsageError('backup inspect needs the backup FILE');
    const file = (await readFileArg(path, BACKUP_LIMIT)).toString('base64');
    const passphrase = await passphraseOf(context);
    const preview = (await context.client().action('backup.inspect', { file, passphrase })) as RestorePreview & { createdAt: string; box: { serial: string; name: string } };
    if (context.values.json) {
      context.io.stdout(JSON.stringify(preview, null, 2) + '\n');
      return EXIT_OK;
    }
    context.io.stdout(previewLines(preview).join('\n') + '\n');
    return EXIT_OK;
  },
};

/** What a backup holds against the box now, a line each, as inspect and restore print it. */
export function previewLines(preview: RestorePreview & { createdAt: string; box: { serial: string; name: string } }): string[] {
  const box = (b: { serial: string; name: string }) => `${b.name} (${b.serial})`;
  const { added, removed, changed } = preview.devices;
  return [
    `Backup of ${box(preview.box)}, made ${preview.createdAt}.`,
    ...(preview.otherBox ? [`Caution: another box made it (${box(preview.otherBox.backup)}), not this one (${box(preview.otherBox.thisBox)}).`] : []),
    ...preview.changes.map((c) => `  ${c.path}: ${JSON.stringify(c.now)} -> ${JSON.stringify(c.restored)}`),
    ...(added.length > 0 ? [`  devices added: ${added.join(', ')}`] : []),
    ...(removed.length > 0 ? [`  devices removed: ${removed.join(', ')}`] : []),
    ...(changed.length > 0 ? [`  devices changed: ${changed.join(', ')}`] : []),
    ...(preview.changes.length + added.length + removed.length + changed.length === 0 ? ['It matches the settings and devices now.'] : []),
  ];
}

export const backupCommands: readonly Command[] = [backupCreateCommand, backupInspectCommand];
