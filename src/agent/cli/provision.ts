// `tibox provision`: the factory step that gives a box its serial number and its initial web UI
// password. It runs on the box as root (or against the image's data partition while the image is
// built) and writes the provisioning file itself: no agent needs to run, and the agent only reads
// the file. The generated password is printed once, for the label; the box keeps only its hash.
import { DEFAULT_DATA_DIR } from '../options.ts';
import { provisionBox, type ProvisionResult } from '../provisioning/provision.ts';
import { EXIT_OK, UsageError, type Command } from './command.ts';
import { readFileArg } from './readFileArg.ts';

export const provisionCommand: Command = {
  words: ['provision'],
  synopsis: '--serial TBX-NNNNNNNN [--password-file F] [--force] [--data-dir DIR] [--json]',
  summary: 'Factory step: give the box its serial number and a new initial web UI password (as root)',
  options: {
    serial: { type: 'string', value: 'TBX-NNNNNNNN', description: "The box's serial number: TBX- and 8 digits, as on its label" },
    'password-file': { type: 'string', value: 'F', description: 'Take the initial password from the file F (its first line) instead of generating one' },
    force: { type: 'boolean', description: 'Replace an existing provisioning; the box then needs a new label' },
    'data-dir': { type: 'string', value: 'DIR', description: `The data partition's tibox directory (default ${DEFAULT_DATA_DIR})` },
    json: { type: 'boolean', description: 'Print the result as JSON, for the label printer and scripts' },
  },
  maxPositionals: 0,
  example: ['provision', '--serial', 'TBX-00012345'],
  async run({ io, values }) {
    const serial = values.serial;
    if (typeof serial !== 'string') throw new UsageError('provision needs the serial number: --serial TBX-NNNNNNNN', ['provision']);
    const passwordFile = values['password-file'];
    // A password file holds one line; its line break is not part of the password.
    const password = typeof passwordFile === 'string' ? (await readFileArg(passwordFile)).toString('utf8').replace(/\r?\n$/, '') : undefined;
    const result = await provisionBox({
      dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : DEFAULT_DATA_DIR,
      serial,
      force: values.force === true,
      now: io.now(),
      ...(password === undefined ? {} : { password }),
    });
    io.stdout(values.json ? JSON.stringify(result, null, 2) + '\n' : formatProvisioned(result, passwordFile));
    return EXIT_OK;
  },
};

export function formatProvisioned(result: ProvisionResult, passwordFile: string | boolean | undefined): string {
  const lines = [`Provisioned ${result.serial} at ${result.provisionedAt} in ${result.path}`];
  if (result.replaced !== undefined) lines.push(`It replaces ${result.replaced}.`);
  if (result.generatedPassword !== undefined) {
    lines.push('Initial web UI password, for the label (shown only now; the box keeps only its hash):', `  ${result.generatedPassword}`);
  } else {
    lines.push(`Initial web UI password: the one in ${String(passwordFile)}.`);
  }
  return lines.join('\n') + '\n';
}
