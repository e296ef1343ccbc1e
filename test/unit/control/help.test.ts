// The help made from the command table: the overview, each group's and each command's, all
// within 100 columns, each command's with its options and an example that parses as given.
import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../src/agent/cli/args.ts';
import { COMMANDS, TABLE } from '../../../src/agent/cli/commands.ts';
import { HELP_WIDTH } from '../../../src/agent/cli/help.ts';
import { main } from '../../../src/agent/cli/main.ts';
import { columns } from '../../../src/agent/cli/textWidth.ts';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, now: () => new Date() });
  return { code, stdout, stderr };
}

const TOPICS = [[], ...TABLE.groups.map((g) => [g.word]), ...COMMANDS.map((c) => [...c.words])];

describe('tibox help', () => {
  it.each(TOPICS)('keeps every line of the help for %j within the width', async (...words) => {
    const { code, stdout, stderr } = await run([...words, '--help']);
    expect([code, stderr]).toEqual([0, '']);
    const tooWide = stdout.split('\n').filter((line) => columns(line) > HELP_WIDTH);
    expect(tooWide).toEqual([]);
  });

  it.each(COMMANDS.map((c) => [c.words.join(' '), c] as const))("documents '%s' with usage, every option and an example", async (_name, command) => {
    const { stdout } = await run([...command.words, '--help']);
    expect(stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: tibox ${command.words.join(' ')}( |$)`));
    for (const option of Object.keys(command.options)) expect(stdout).toMatch(new RegExp(`\\n  --${option}\\b.* {2}\\S`));
    expect(stdout).toContain(`\nExample:\n  tibox ${command.example.slice(0, command.words.length).join(' ')}`);
  });

  it.each(COMMANDS.map((c) => [c.words.join(' '), c] as const))("gives '%s' an example that parses as that command", (_name, command) => {
    const line = parseLine(command.example, TABLE);
    expect(line.command).toBe(command);
    expect(line.group).toBeUndefined();
  });

  it('prints the same help for `tibox help COMMAND` as for `tibox COMMAND --help`', async () => {
    expect(await run(['help', 'devices', 'register'])).toEqual(await run(['devices', 'register', '--help']));
    expect(await run(['help', 'devices'])).toEqual(await run(['devices', '--help']));
    expect(await run(['help', 'devices', 'frob'])).toEqual({ code: 2, stdout: '', stderr: "tibox: unknown command 'devices frob'; see 'tibox devices --help'\n" });
  });

  it('shows the help when asked, even beside an option the command does not know', async () => {
    const { code, stdout } = await run(['profile', 'import', '--frob', '--help']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('Usage: tibox profile import FILE [--password-file F] [--json]');
  });

  it('prints a command help as usage, summary, options and an example', async () => {
    const { stdout } = await run(['profile', 'import', '--help']);
    expect(stdout).toBe(
      [
        'Usage: tibox profile import FILE [--password-file F] [--json]',
        '',
        'Import the VPN profile from the datacenter.',
        '',
        'Options:',
        '  --password-file F  Read the PKCS#12 password from the file F (its first line) instead of asking',
        '                     for it',
        "  --json             Print the imported profile's summary as JSON, for scripts",
        "  --socket PATH      The agent's control socket (else $TIBOX_SOCKET, else /run/tibox/control.sock)",
        '  -h, --help         Show this help',
        '',
        'Example:',
        '  tibox profile import /media/usb/box-0001.json --password-file /root/box-0001.password',
        '',
      ].join('\n'),
    );
  });

  it("lists a group's commands and names the one its word alone runs", async () => {
    const { stdout } = await run(['tunnel', '--help']);
    expect(stdout).toBe(
      [
        'Usage: tibox tunnel [COMMAND] [ARGUMENTS] [OPTIONS]',
        '',
        'The IPsec tunnel into the TI.',
        "'tibox tunnel' alone runs 'tibox tunnel status'.",
        '',
        'Commands:',
        '  status   Show the tunnel: state, gateway, traffic, last error, history',
        '  up       Bring the tunnel up (after `tunnel down`)',
        '  down     Take the tunnel down and keep it down; TI traffic is blocked meanwhile',
        '  restart  Build the tunnel anew',
        '',
        "Run 'tibox tunnel COMMAND --help' for a command's options and an example.",
        '',
      ].join('\n'),
    );
  });

  it('continues an example too long for one line with a backslash', async () => {
    const { stdout } = await run(['devices', 'register', '--help']);
    expect(stdout.split('\nExample:\n')[1]).toBe(
      "  tibox devices register pvs 'PVS reception' --address 10.77.12.10 --mac 00:1a:2b:3c:4d:5e \\\n    --cetp-ports 4000\n",
    );
  });

  it.each(TABLE.groups.map((g) => [g.word, g] as const))("runs the group's default for '%s' alone", (_word, group) => {
    expect(parseLine([group.word], TABLE)).toMatchObject({ command: group.default, group, help: false, positionals: [] });
  });

  it("gives the group's default its own options with values: 'protocol --id 3 --lang en'", () => {
    const line = parseLine(['protocol', '--id', '3', '--lang', 'en'], TABLE);
    expect(line).toMatchObject({ command: { words: ['protocol', 'get'] }, values: { id: '3', lang: 'en' }, positionals: [] });
    expect(parseLine(['protocol', 'list'], TABLE).command?.words).toEqual(['protocol', 'list']);
  });
});
