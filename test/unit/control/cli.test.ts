import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliIo } from '../../../src/agent/cli/command.ts';
import { main } from '../../../src/agent/cli/main.ts';
import { PromptInterrupted } from '../../../src/agent/cli/secretPrompt.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { TiboxError } from '../../../src/core/errors.ts';
import { DEFAULT_CONTROL_SOCKET } from '../../../src/control/socketPath.ts';
import { DEFAULT_MAX_BYTES } from '../../../src/ipsec/profile/index.ts';
import { controlServerPerTest, SAMPLE_NOW, SAMPLE_STATUS } from './helpers.ts';

const bed = controlServerPerTest();

async function startAgent(actions = new ControlActions()): Promise<string> {
  return bed.start({ actions });
}

async function run(argv: string[], env: Record<string, string> = {}, promptSecret?: CliIo['promptSecret']) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env,
    now: () => SAMPLE_NOW,
    ...(promptSecret ? { promptSecret } : {}),
  });
  return { code, stdout, stderr };
}

describe('tibox CLI', () => {
  it('prints the human status from the socket given by --socket', async () => {
    const socket = await startAgent();
    const { code, stdout, stderr } = await run(['status', '--socket', socket]);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout.split('\n')[0]).toBe('tibox 1.4.2, up 2 h 5 min');
    expect(stdout).toContain('firewall   failed   3 min 30 s ago  nft -f - exited with 1');
  });

  it('prints German with TIBOX_LANG=de and takes the socket from TIBOX_SOCKET', async () => {
    const socket = await startAgent();
    const { code, stdout } = await run(['status'], { TIBOX_SOCKET: socket, TIBOX_LANG: 'de' });
    expect(code).toBe(0);
    expect(stdout).toContain('  KRITISCH  Die Datenbank stammt von einer neueren Firmware');
  });

  it('prints the AgentStatus as pretty JSON with --json', async () => {
    const socket = await startAgent();
    const { code, stdout } = await run([`--socket=${socket}`, 'status', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(SAMPLE_STATUS);
    expect(stdout).toBe(JSON.stringify(SAMPLE_STATUS, null, 2) + '\n');
  });

  it('exits 1 with one line on stderr when the agent is not running', async () => {
    const socket = join(bed.dir, 'absent.sock');
    const { code, stdout, stderr } = await run(['status'], { TIBOX_SOCKET: socket });
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe(`tibox: the tibox agent is not running (no control socket at ${socket})\n`);
  });

  it('prefers --socket over TIBOX_SOCKET', async () => {
    const socket = await startAgent();
    const { code } = await run(['status', '--socket', socket], { TIBOX_SOCKET: join(bed.dir, 'absent.sock') });
    expect(code).toBe(0);
  });

  it.each([
    [['frobnicate'], "unknown command 'frobnicate'; see 'tibox --help'"],
    [['devices', 'frob'], "unknown command 'devices frob'; see 'tibox devices --help'"],
    [['--yaml'], "unknown option '--yaml'; see 'tibox --help'"],
    [['status', '--yaml'], "unknown option '--yaml' for 'status'; see 'tibox status --help'"],
    [['status', '-y'], "unknown option '-y' for 'status'; see 'tibox status --help'"],
    [['profile', 'import', 'p.json', '--foo'], "unknown option '--foo' for 'profile import'; see 'tibox profile import --help'"],
    [['devices', '--foo'], "unknown option '--foo' for 'devices'; see 'tibox devices --help'"],
    [['status', 'extra'], "too many arguments for 'status': extra; see 'tibox status --help'"],
    [['status', '--socket'], "option '--socket' needs a value (PATH); see 'tibox status --help'"],
    [['status', '--socket', '--json'], "option '--socket' needs a value (PATH); see 'tibox status --help'"],
    [['status', '--json=yes'], "option '--json' takes no value; see 'tibox status --help'"],
    [['profile', 'import'], "profile import needs the profile FILE; see 'tibox profile import --help'"],
  ])('exits 2 on the usage error %j, in our words', async (argv, message) => {
    expect(await run(argv)).toEqual({ code: 2, stdout: '', stderr: `tibox: ${message}\n` });
  });

  it('takes an option value that starts with a dash when it is written with =', async () => {
    const { stderr } = await run(['status', '--socket=-odd.sock']);
    expect(stderr).toBe('tibox: the tibox agent is not running (no control socket at -odd.sock)\n');
  });

  it('exits 2 with the help on stderr when no command is given', async () => {
    const { code, stdout, stderr } = await run([]);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(/^Usage: tibox /);
  });

  it.each([[['help']], [['--help']], [['-h']], [['--socket', '/x', '--help']]])('prints the overview for %j', async (argv) => {
    const { code, stdout, stderr } = await run(argv);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^Usage: tibox \[--socket PATH\] COMMAND \[ARGUMENTS\] \[OPTIONS\]\n/);
    // Names are padded to the longest one, so the gap before a summary grows with the table.
    expect(stdout).toMatch(/\n  status {2,}Show version, uptime, subsystems and health warnings\n/);
    expect(stdout).toMatch(/\n  devices \[list\] {2,}List the registered PVS hosts and card terminals\n/);
    expect(stdout).toContain(DEFAULT_CONTROL_SOCKET);
  });
});

describe('tibox profile import, before anything reaches the agent', () => {
  // No agent listens on this socket: each refusal below comes from the CLI itself.
  const absent = () => ['--socket', join(bed.dir, 'absent.sock')];

  it.each([
    ['a missing file', () => join(bed.dir, 'missing.json'), 'not found'],
    ['a file under a missing directory', () => join(bed.dir, 'nowhere', 'profile.json'), 'not found'],
    ['a directory', () => bed.dir, 'is a directory'],
    ['a path through a file', () => '/dev/null/profile.json', 'a part of the path is not a directory'],
  ])('names %s in words', async (_what, path, reason) => {
    expect(await run(['profile', 'import', path(), ...absent()])).toEqual({ code: 1, stdout: '', stderr: `tibox: cannot read ${path()}: ${reason}\n` });
  });

  it('names a password file that is a directory in words', async () => {
    const profile = join(bed.dir, 'profile.json');
    await writeFile(profile, '{}');
    expect(await run(['profile', 'import', profile, '--password-file', bed.dir, ...absent()])).toEqual({
      code: 1,
      stdout: '',
      stderr: `tibox: cannot read ${bed.dir}: is a directory\n`,
    });
  });

  it("refuses a profile over the agent's size limit with the profile's own message, without sending it", async () => {
    const big = join(bed.dir, 'big.json');
    await writeFile(big, Buffer.alloc(DEFAULT_MAX_BYTES + 1, 0x20));
    expect(await run(['profile', 'import', big, ...absent()])).toEqual({
      code: 1,
      stdout: '',
      stderr: `tibox: the profile has ${DEFAULT_MAX_BYTES + 1} bytes, more than the limit of ${DEFAULT_MAX_BYTES} bytes\n`,
    });
  });

  it('sends a profile of exactly the limit to the agent', async () => {
    const edge = join(bed.dir, 'edge.json');
    await writeFile(edge, Buffer.alloc(DEFAULT_MAX_BYTES, 0x20));
    const { stderr } = await run(['profile', 'import', edge, ...absent()]);
    expect(stderr).toBe(`tibox: the tibox agent is not running (no control socket at ${join(bed.dir, 'absent.sock')})\n`);
  });
});

describe('tibox profile import of a profile whose PKCS#12 needs a password', () => {
  /** An agent whose profile.import wants a password and records the ones it was given. */
  async function agentAsking(): Promise<{ socket: string; passwords: unknown[] }> {
    const passwords: unknown[] = [];
    const actions = new ControlActions();
    actions.register('profile.import', (args) => {
      const { password } = args as { password?: string };
      passwords.push(password);
      throw new TiboxError('TIBOX_PROFILE_PASSWORD_REQUIRED', {});
    });
    return { socket: await startAgent(actions), passwords };
  }

  async function profileFile(): Promise<string> {
    const path = join(bed.dir, 'profile.json');
    await writeFile(path, '{}');
    return path;
  }

  it('names --password-file when there is no terminal to ask on', async () => {
    const { socket } = await agentAsking();
    expect(await run(['profile', 'import', await profileFile(), '--socket', socket])).toEqual({
      code: 1,
      stdout: '',
      stderr: "tibox: the profile's PKCS#12 identity needs a password; with no terminal to ask on, give it with --password-file FILE\n",
    });
  });

  it('exits quietly with 130 on Ctrl-C at the password prompt, sending nothing more', async () => {
    const { socket, passwords } = await agentAsking();
    const interrupted = () => Promise.reject(new PromptInterrupted());
    expect(await run(['profile', 'import', await profileFile(), '--socket', socket], {}, interrupted)).toEqual({ code: 130, stdout: '', stderr: '' });
    expect(passwords).toEqual([undefined]);
  });
});
