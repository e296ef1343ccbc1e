// `tibox profile import FILE [--password-file F]` and `tibox profile show`. The CLI only reads
// the file and sends its bytes (base64) to the agent, which does all checking but the size; the
// password comes from a file or, when the agent says the profile needs one, from a prompt on the
// terminal.
import { ControlApiError } from '../../control/client.ts';
import { TiboxError } from '../../core/index.ts';
import { DEFAULT_MAX_BYTES, ProfileError } from '../../ipsec/profile/index.ts';
import { EXIT_OK, UsageError, type Command, type CommandContext } from './command.ts';
import { readFileArg, type SizeLimit } from './readFileArg.ts';

// The agent's own limit and refusal, checked here before the file is read and sent: a file over
// about 768 KiB would otherwise meet the control API's body limit, whose message names no profile.
const PROFILE_LIMIT: SizeLimit = {
  bytes: DEFAULT_MAX_BYTES,
  refuse: (size) => new ProfileError('TIBOX_PROFILE_TOO_LARGE', { size, limit: DEFAULT_MAX_BYTES }),
};

interface Summary {
  boxId: string;
  gateways: { kind: 'addresses'; addresses: string[] } | { kind: 'srv'; srv: string };
  gatewayIds: string[];
  tiSegment: string;
  certificate: { subject: string; subjectAltNames: string; notBefore: string; notAfter: string; fingerprint256: string };
}

export const profileImportCommand: Command = {
  words: ['profile', 'import'],
  synopsis: 'FILE [--password-file F] [--json]',
  summary: 'Import the VPN profile from the datacenter',
  options: {
    'password-file': { type: 'string', value: 'F', description: 'Read the PKCS#12 password from the file F (its first line) instead of asking for it' },
    json: { type: 'boolean', description: "Print the imported profile's summary as JSON, for scripts" },
  },
  maxPositionals: 1,
  example: ['profile', 'import', '/media/usb/box-0001.json', '--password-file', '/root/box-0001.password'],
  async run(context) {
    const { positionals, values, io } = context;
    const file = positionals[0];
    if (file === undefined) throw new UsageError('profile import needs the profile FILE');
    const profile = (await readFileArg(file, PROFILE_LIMIT)).toString('base64');
    const passwordFile = values['password-file'];
    // A password file holds one line; its line break is not part of the password.
    const password = typeof passwordFile === 'string' ? (await readFileArg(passwordFile)).toString('utf8').replace(/\r?\n$/, '') : undefined;
    let summary: unknown;
    try {
      summary = await context.client().action('profile.import', { profile, password });
    } catch (error) {
      const asked = error instanceof ControlApiError && error.code === 'TIBOX_PROFILE_PASSWORD_REQUIRED' && password === undefined;
      if (!asked) throw error;
      if (!io.promptSecret) throw new TiboxError('TIBOX_CLI_PASSWORD_FILE_NEEDED', {});
      const typed = await io.promptSecret('Password of the PKCS#12 identity: ');
      summary = await context.client().action('profile.import', { profile, password: typed });
    }
    printSummary(context, summary as Summary, 'Imported');
    return EXIT_OK;
  },
};

export const profileShowCommand: Command = {
  words: ['profile', 'show'],
  synopsis: '[--json]',
  summary: 'Show the current VPN profile (no key material)',
  options: { json: { type: 'boolean', description: 'Print the summary as JSON (null without a profile), for scripts' } },
  maxPositionals: 0,
  example: ['profile', 'show'],
  async run(context) {
    const summary = (await context.client().action('profile.show')) as Summary | null;
    if (summary === null && !context.values.json) context.io.stdout('No VPN profile imported.\n');
    else printSummary(context, summary, 'Current');
    return EXIT_OK;
  },
};

function printSummary({ io, values }: CommandContext, summary: Summary | null, heading: string): void {
  if (values.json || summary === null) {
    io.stdout(JSON.stringify(summary, null, 2) + '\n');
    return;
  }
  const gateways = summary.gateways.kind === 'srv' ? `SRV ${summary.gateways.srv}` : summary.gateways.addresses.join(', ');
  const c = summary.certificate;
  io.stdout(
    [
      `${heading} VPN profile for ${summary.boxId}`,
      `  gateways:     ${gateways}`,
      `  gateway ids:  ${summary.gatewayIds.join(', ')}`,
      `  TI segment:   ${summary.tiSegment}`,
      `  certificate:  ${c.subject.split('\n').join(', ')}`,
      `  names:        ${c.subjectAltNames || '(none)'}`,
      `  valid:        ${c.notBefore} to ${c.notAfter}`,
      `  SHA-256:      ${c.fingerprint256}`,
      '',
    ].join('\n'),
  );
}
