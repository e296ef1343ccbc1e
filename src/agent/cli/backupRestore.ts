// `tibox backup restore FILE`: the settings and the registered devices of a backup put in place,
// after the same checks as inspect. A backup another box made (a replacement box) is restored
// only with --accept-other-box; a restore that changes network settings awaits confirmation as
// any network change does (`tibox config confirm`).
import type { Restored } from '../wiring/backup.ts';
import { EXIT_OK, JSON_OPTION, UsageError, type Command } from './command.ts';
import { BACKUP_LIMIT, PASSPHRASE_OPTION, passphraseOf, previewLines } from './backup.ts';
import { readFileArg } from './readFileArg.ts';

export const backupRestoreCommand: Command = {
  words: ['backup', 'restore'],
  synopsis: 'FILE [--passphrase-file F] [--accept-other-box] [--json]',
  summary: 'Restore the settings and the registered devices of a backup; network changes in it await confirmation',
  options: {
    ...PASSPHRASE_OPTION,
    'accept-other-box': { type: 'boolean', description: 'Restore a backup another box made: this box replaces that one' },
    ...JSON_OPTION,
  },
  maxPositionals: 1,
  example: ['backup', 'restore', '/media/usb/praxis.tibox', '--passphrase-file', '/root/backup.passphrase'],
  async run(context) {
    const path = context.positionals[0];
    if (path === undefined) throw new UsageError('backup restore needs the backup FILE');
    const file = (await readFileArg(path, BACKUP_LIMIT)).toString('base64');
    const passphrase = await passphraseOf(context);
    const acceptOtherBox = context.values['accept-other-box'] === true;
    const restored = (await context.client().action('backup.restore', { file, passphrase, acceptOtherBox })) as Restored;
    if (context.values.json) {
      context.io.stdout(JSON.stringify(restored, null, 2) + '\n');
      return EXIT_OK;
    }
    const lines = [
      ...previewLines(restored),
      restored.changes.length > 0 ? `Restored: the settings are configuration revision ${restored.revision}.` : 'Restored: the settings were as in the backup already.',
      ...(restored.pending ? [`The network settings changed: confirm them by ${restored.pending.deadline} with \`tibox config confirm\`, or they return by themselves.`] : []),
    ];
    context.io.stdout(lines.join('\n') + '\n');
    return EXIT_OK;
  },
};
