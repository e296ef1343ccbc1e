// `tibox backup create|inspect|restore` and `tibox factory-reset` against the actions behind a real
// control socket: a backup written 0600, checked and restored, a passphrase read from a file, a
// wrong one refused in words, and a reset done only with the box's serial number.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/agent/cli/main.ts';
import { ControlApiError, ControlClient } from '../../../src/control/client.ts';
import { MAX_BACKUP_BYTES } from '../../../src/control/protocol.ts';
import { ControlServer } from '../../../src/control/server.ts';
import { groupFile, memoryLogger, SAMPLE_STATUS, tempDir } from './helpers.ts';
import { PVS, restoreBox, type RestoreBox } from '../agent/backup/restoreBox.ts';

const PASSPHRASE = 'Sommer im Wartezimmer 2026';

describe('tibox backup create|inspect|restore, tibox factory-reset', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: ControlServer;
  let socket: string;
  let box: RestoreBox;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    const { log } = memoryLogger();
    box = await restoreBox('TBX-00012345');
    socket = join(dir, 'control.sock');
    server = new ControlServer({ socketPath: socket, status: () => SAMPLE_STATUS, actions: box.ctx.actions, log, groupFile: await groupFile(dir, true) });
    await server.start(AbortSignal.timeout(5_000));
  });
  afterEach(async () => {
    await server.stop();
    await box.stop();
    await cleanup();
  });

  async function run(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main([...argv, '--socket', socket], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, now: () => new Date() });
    return { code, stdout, stderr };
  }

  it('writes a backup readable by root alone, and checks it with the passphrase from a file', async () => {
    const passphraseFile = join(dir, 'passphrase');
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`);
    const out = join(dir, 'praxis.tibox');
    const made = await run(['backup', 'create', out, '--passphrase-file', passphraseFile]);
    expect(made).toEqual({ code: 0, stdout: `Backup written to ${out}. Keep the passphrase apart from it: without it the backup cannot be opened.\n`, stderr: '' });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const checked = await run(['backup', 'inspect', out, '--passphrase-file', passphraseFile]);
    expect(checked).toEqual({ code: 0, stdout: 'Backup of tibox (TBX-00012345), made 2026-12-07T10:00:00.000Z.\nIt matches the settings and devices now.\n', stderr: '' });
  });

  it('refuses a wrong passphrase and a passphrase too short in words', async () => {
    const out = join(dir, 'praxis.tibox');
    const right = join(dir, 'right');
    writeFileSync(right, PASSPHRASE);
    await run(['backup', 'create', out, '--passphrase-file', right]);
    const wrong = join(dir, 'wrong');
    writeFileSync(wrong, 'Winter im Wartezimmer 2026');
    const refused = await run(['backup', 'inspect', out, '--passphrase-file', wrong]);
    expect([refused.code, refused.stdout, refused.stderr]).toEqual([1, '', 'tibox: the backup was refused: the passphrase does not open this backup\n']);
    const short = join(dir, 'short');
    writeFileSync(short, 'zu kurz');
    const tooShort = await run(['backup', 'create', join(dir, 'other.tibox'), '--passphrase-file', short]);
    expect([tooShort.code, tooShort.stderr]).toEqual([1, 'tibox: the passphrase cannot protect a backup: the passphrase must have at least 16 characters; it has 7\n']);
  });

  it('takes the first line of a passphrase file, and refuses a file larger than a passphrase can be', async () => {
    const out = join(dir, 'praxis.tibox');
    const lines = join(dir, 'lines');
    writeFileSync(lines, `${PASSPHRASE}\r\nsecond line, no part of it\n`);
    expect((await run(['backup', 'create', out, '--passphrase-file', lines])).code).toBe(0);
    const single = join(dir, 'single');
    writeFileSync(single, PASSPHRASE);
    expect((await run(['backup', 'inspect', out, '--passphrase-file', single])).code).toBe(0);
    const huge = join(dir, 'huge');
    writeFileSync(huge, 'x'.repeat(4097));
    const refused = await run(['backup', 'create', join(dir, 'other.tibox'), '--passphrase-file', huge]);
    expect([refused.code, refused.stderr]).toEqual([1, 'tibox: the passphrase cannot protect a backup: the passphrase file is larger than 4096 bytes; it should hold the passphrase on one line\n']);
  });

  it('restores a backup and says what it changed; refuses another box without --accept-other-box', async () => {
    const passphraseFile = join(dir, 'passphrase');
    writeFileSync(passphraseFile, PASSPHRASE);
    const out = join(dir, 'praxis.tibox');
    box.setDevices([PVS]);
    await run(['backup', 'create', out, '--passphrase-file', passphraseFile]);
    box.setDevices([]);
    const restored = await run(['backup', 'restore', out, '--passphrase-file', passphraseFile]);
    expect(restored).toEqual({ code: 0, stdout: 'Backup of tibox (TBX-00012345), made 2026-12-07T10:00:00.000Z.\n  devices added: PVS Empfang\nRestored: the settings were as in the backup already.\n', stderr: '' });
    expect(box.devices()).toEqual([PVS]);

    const other = await restoreBox('TBX-00099999');
    const otherFile = join(dir, 'other.tibox');
    writeFileSync(otherFile, Buffer.from(((await other.run('backup.create', { passphrase: PASSPHRASE })) as { file: string }).file, 'base64'));
    await other.stop();
    const refused = await run(['backup', 'restore', otherFile, '--passphrase-file', passphraseFile]);
    expect([refused.code, refused.stderr]).toEqual([1, 'tibox: the backup was made by another box, "tibox" (TBX-00099999), not by this one, "tibox" (TBX-00012345); restore it only when this box replaces that one, and say so\n']);
    expect((await run(['backup', 'restore', otherFile, '--passphrase-file', passphraseFile, '--accept-other-box'])).code).toBe(0);
    expect(box.devices()).toEqual([]);
  });

  it("resets the box only with its serial number", async () => {
    box.setDevices([PVS]);
    expect((await run(['factory-reset'])).code).toBe(2);
    const refused = await run(['factory-reset', '--confirm', 'TBX-1']);
    expect([refused.code, refused.stderr]).toEqual([1, 'tibox: the factory reset was not done: confirm it with TBX-00012345, the serial number of this box\n']);
    expect(box.devices()).toEqual([PVS]);
    const reset = await run(['factory-reset', '--confirm', 'TBX-00012345']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/^The box is reset to its factory state \(configuration revision \d+\)\. The web UI takes the initial password again\.\n$/);
    expect(box.devices()).toEqual([]);
  });

  it('carries the largest backup in one action request below the general request limit', async () => {
    // Refused as no backup by the agent, not as too large a request by the control server.
    const largest = Buffer.alloc(MAX_BACKUP_BYTES, 0x20).toString('base64');
    const client = new ControlClient(socket);
    const refused = await client.action('backup.restore', { file: largest, passphrase: PASSPHRASE }).catch((error: unknown) => error as ControlApiError);
    expect((refused as ControlApiError).code).toBe('TIBOX_BACKUP_MALFORMED');
  });
});
