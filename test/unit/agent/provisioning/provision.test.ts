// `tibox provision` in-process, as the factory runs it: on a data directory, with no agent.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../../src/agent/cli/main.ts';
import { verifyPassword } from '../../../../src/agent/provisioning/password.ts';
import { parseProvisioning } from '../../../../src/agent/provisioning/provisioningFile.ts';
import { tempDir } from '../../control/helpers.ts';

const NOW = new Date('2026-12-07T06:00:00.000Z');
let dir: string;
let cleanup: () => Promise<void>;
let dataDir: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  dataDir = join(dir, 'data', 'tibox');
});
afterEach(async () => {
  await cleanup();
});

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  // No TIBOX_SOCKET: the step must not need an agent.
  const code = await main(['provision', '--data-dir', dataDir, ...argv], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, now: () => NOW });
  return { code, stdout, stderr };
}

async function stored() {
  const parsed = parseProvisioning(await readFile(join(dataDir, 'provisioning.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.provisioning;
}

describe('tibox provision', () => {
  it('writes the serial number and a new password, prints the password once, and keeps only its hash, readable by root alone', async () => {
    const { code, stdout, stderr } = await run('--serial', 'TBX-00012345');
    expect([code, stderr]).toEqual([0, '']);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`Provisioned TBX-00012345 at 2026-12-07T06:00:00.000Z in ${join(dataDir, 'provisioning.json')}`);
    expect(lines[1]).toBe('Initial web UI password, for the label (shown only now; the box keeps only its hash):');
    const password = lines[2]?.trim() ?? '';
    expect(password).toMatch(/^[a-x2-9]{4}(-[a-x2-9]{4}){3}$/);
    const file = await readFile(join(dataDir, 'provisioning.json'), 'utf8');
    expect(file).not.toContain(password);
    const data = await stored();
    expect([data.serial, data.provisionedAt, data.format]).toEqual(['TBX-00012345', NOW.toISOString(), 1]);
    expect(await verifyPassword(data.initialPassword, password)).toBe(true);
    expect((await stat(join(dataDir, 'provisioning.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });

  it("takes a given password from a file, the lab's way, and does not print it", async () => {
    await writeFile(join(dir, 'password'), 'lab initial password\n');
    const { code, stdout } = await run('--serial', 'TBX-00000042', '--password-file', join(dir, 'password'), '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ serial: 'TBX-00000042', provisionedAt: NOW.toISOString(), path: join(dataDir, 'provisioning.json') });
    expect(await verifyPassword((await stored()).initialPassword, 'lab initial password')).toBe(true);
  });

  it('refuses to provision a box again unless forced, and leaves the first provisioning as it was', async () => {
    await run('--serial', 'TBX-00000001');
    const first = await readFile(join(dataDir, 'provisioning.json'), 'utf8');
    const again = await run('--serial', 'TBX-00000002');
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: 'tibox: the box is already provisioned (TBX-00000001, provisioned 2026-12-07T06:00:00.000Z); give --force to replace it, which needs a new label\n',
    });
    expect(await readFile(join(dataDir, 'provisioning.json'), 'utf8')).toBe(first);
    const forced = await run('--serial', 'TBX-00000002', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout.split('\n')[1]).toBe('It replaces TBX-00000001, provisioned 2026-12-07T06:00:00.000Z.');
    expect((await stored()).serial).toBe('TBX-00000002');
  });

  it('refuses to replace even an unreadable provisioning file unless forced', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'provisioning.json'), 'garbage');
    const { code, stderr } = await run('--serial', 'TBX-00000002');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^tibox: the box is already provisioned \(an unreadable file: .*it is not JSON/);
    expect((await run('--serial', 'TBX-00000002', '--force')).code).toBe(0);
  });

  it.each<[string, string[], number, string]>([
    ['a bad serial number', ['--serial', 'TBX-42'], 1, 'tibox: the serial number must be TBX- and 8 digits, such as TBX-00012345; got "TBX-42"\n'],
    ['no serial number', [], 2, "tibox: provision needs the serial number: --serial TBX-NNNNNNNN; see 'tibox provision --help'\n"],
  ])('refuses %s and writes nothing', async (_name, args, exit, message) => {
    expect(await run(...args)).toEqual({ code: exit, stdout: '', stderr: message });
    await expect(stat(join(dataDir, 'provisioning.json'))).rejects.toThrow('ENOENT');
  });

  it('refuses a short given password and writes nothing', async () => {
    await writeFile(join(dir, 'password'), 'short\n');
    expect(await run('--serial', 'TBX-00000042', '--password-file', join(dir, 'password'))).toEqual({
      code: 1, stdout: '', stderr: 'tibox: the given password must be at least 12 characters long\n',
    });
    await expect(stat(join(dataDir, 'provisioning.json'))).rejects.toThrow('ENOENT');
  });
});
