// `tibox backup create|inspect` against the backup actions behind a real control socket: a backup
// written 0600 and checked again, a passphrase read from a file, and a wrong one refused in words.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/agent/cli/main.ts';
import { defaultConfig } from '../../../src/agent/store/index.ts';
import { wireBackup } from '../../../src/agent/wiring/backup.ts';
import type { AgentContext } from '../../../src/agent/wiring/context.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { ControlServer } from '../../../src/control/server.ts';
import { groupFile, memoryLogger, SAMPLE_STATUS, tempDir } from './helpers.ts';

const PASSPHRASE = 'Sommer im Wartezimmer 2026';

describe('tibox backup create|inspect', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: ControlServer;
  let socket: string;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    const { log } = memoryLogger();
    const actions = new ControlActions();
    const ctx = {
      actions,
      options: { dataDir: dir },
      now: () => new Date('2026-12-07T10:00:00.000Z'),
      audit: () => undefined,
      config: { current: () => ({ config: defaultConfig(), revision: 1 }) },
    } as unknown as AgentContext;
    wireBackup(ctx, { serial: () => 'TBX-00012345', devices: () => [] });
    socket = join(dir, 'control.sock');
    server = new ControlServer({ socketPath: socket, status: () => SAMPLE_STATUS, actions, log, groupFile: await groupFile(dir, true) });
    await server.start(AbortSignal.timeout(5_000));
  });
  afterEach(async () => {
    await server.stop();
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
});
