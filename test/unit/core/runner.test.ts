// The runner against real, harmless commands (true, false, sh, sleep, cat). Nothing here measures
// durations: a timeout or an abort is checked by the error it produces, never by the clock.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError, formatCommand, processRunner, startProcess } from '../../../src/core/runner.ts';
import { tempDir } from '../control/helpers.ts';

async function commandError(promise: Promise<unknown>): Promise<CommandError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CommandError);
  return error as CommandError;
}

describe('processRunner.run', () => {
  it('captures stdout and stderr of a successful command', async () => {
    expect(await processRunner.run('sh', ['-c', 'echo out; echo err >&2'])).toEqual({ stdout: 'out\n', stderr: 'err\n', code: 0 });
  });

  it('hands on stdout line by line as it comes, a last line without newline too, and still returns it whole', async () => {
    const lines: string[] = [];
    const result = await processRunner.run('sh', ['-c', 'printf " 20%% Checking bundle\\n"; sleep 0.05; printf "100%% Grüße done.\\nlast"'], { onStdoutLine: (line) => lines.push(line) });
    expect(lines).toEqual([' 20% Checking bundle', '100% Grüße done.', 'last']);
    expect(result.stdout).toBe(' 20% Checking bundle\n100% Grüße done.\nlast');
  });

  it('writes input to the command and closes its stdin', async () => {
    const input = 'erste Zeile\nzweite: äöü\n';
    expect((await processRunner.run('cat', [], { input })).stdout).toBe(input);
    expect((await processRunner.run('cat', [], { input: Buffer.from('bytes') })).stdout).toBe('bytes');
  });

  it('passes arguments as they are, without a shell in between', async () => {
    const tricky = `a b 'c' "d" $HOME; true`;
    expect((await processRunner.run('sh', ['-c', 'printf %s "$1"', 'sh', tricky])).stdout).toBe(tricky);
  });

  it('throws a CommandError with command, args, exit code and stderr on a non-zero exit', async () => {
    const args = ['-c', 'echo oops >&2; exit 3'];
    const error = await commandError(processRunner.run('sh', args));
    expect({ command: error.command, args: error.args, code: error.code, stderr: error.stderr, timedOut: error.timedOut }).toEqual({
      command: 'sh',
      args,
      code: 3,
      stderr: 'oops\n',
      timedOut: false,
    });
    expect(error.message).toBe(`sh -c 'echo oops >&2; exit 3' exited with 3: oops`);
  });

  it('accepts an exit code listed in okCodes, and only that one', async () => {
    expect(await processRunner.run('sh', ['-c', 'exit 1'], { okCodes: [1] })).toEqual({ stdout: '', stderr: '', code: 1 });
    expect((await commandError(processRunner.run('sh', ['-c', 'exit 2'], { okCodes: [1] }))).code).toBe(2);
    expect((await commandError(processRunner.run('false', []))).code).toBe(1);
  });

  it('kills a command that exceeds its timeout and reports timedOut', async () => {
    const error = await commandError(processRunner.run('sleep', ['5'], { timeoutMs: 100 }));
    expect([error.timedOut, error.code]).toEqual([true, null]);
    expect(error.message).toBe('sleep 5 timed out');
  });

  it('kills a command when its AbortSignal fires', async () => {
    const controller = new AbortController();
    const running = processRunner.run('sleep', ['30'], { signal: controller.signal });
    controller.abort();
    const error = await commandError(running);
    expect([error.timedOut, error.code]).toEqual([false, null]);
    expect(error.message).toBe('sleep 30 killed by SIGKILL');
  });

  it('never starts a command whose AbortSignal has already fired', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const marker = join(dir, 'ran');
      const error = await commandError(processRunner.run('sh', ['-c', 'echo ran > "$1"', 'sh', marker], { signal: AbortSignal.abort() }));
      expect([error.code, error.timedOut, error.stderr]).toEqual([null, false, 'aborted before it was started']);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await cleanup();
    }
  });

  it('rejects with a CommandError when the binary does not exist', async () => {
    const error = await commandError(processRunner.run('tibox-no-such-binary', ['--x']));
    expect([error.command, error.args, error.code, error.timedOut]).toEqual(['tibox-no-such-binary', ['--x'], null, false]);
    expect(error.stderr).toMatch(/ENOENT/);
  });

  it('runs the command under LC_ALL=C and adds the env option to its environment', async () => {
    expect((await processRunner.run('sh', ['-c', 'echo $LC_ALL'])).stdout).toBe('C\n');
    expect((await processRunner.run('sh', ['-c', 'echo $TIBOX_TEST_VAR'], { env: { TIBOX_TEST_VAR: 'x y' } })).stdout).toBe('x y\n');
  });
});

describe('formatCommand', () => {
  it.each([
    { args: ['link', 'show', 'dev', 'lan0'], want: 'ip link show dev lan0' },
    { args: ['-c', 'echo hi'], want: `ip -c 'echo hi'` },
    { args: ["it's"], want: `ip 'it'\\''s'` },
    { args: ['say "x"'], want: `ip 'say "x"'` },
    { args: [''], want: `ip ''` },
    { args: ['10.0.0.1/24', 'a=b,c:d@e%f+g'], want: 'ip 10.0.0.1/24 a=b,c:d@e%f+g' },
  ])('formats $args as $want', ({ args, want }) => {
    expect(formatCommand('ip', args)).toBe(want);
  });
});

describe('startProcess', () => {
  it('hands back the pid, and exited resolves with the exit code', async () => {
    const handle = startProcess('sh', ['-c', 'exit 7']);
    expect(Number.isInteger(handle.pid) && handle.pid > 0).toBe(true);
    expect(await handle.exited).toEqual({ code: 7, signal: null });
  });

  it('ends a long-running process with kill(SIGTERM) and reports the signal', async () => {
    const handle = startProcess('sleep', ['30']);
    handle.kill('SIGTERM');
    expect(await handle.exited).toEqual({ code: null, signal: 'SIGTERM' });
    // A second kill of a process that is gone is not an error.
    expect(() => handle.kill()).not.toThrow();
  });

  it('hands over stdout and stderr line by line, each to its own reader, all of it before exited settles', async () => {
    const out: string[] = [];
    const err: string[] = [];
    // Enough lines to take more than one read; the last one ends without a newline.
    const script = 'i=0; while [ $i -lt 2000 ]; do echo "err $i" >&2; i=$((i+1)); done; echo out; printf last >&2; exit 3';
    const handle = startProcess('sh', ['-c', script], { onStdoutLine: (line) => out.push(line), onStderrLine: (line) => err.push(line) });
    expect(await handle.exited).toEqual({ code: 3, signal: null });
    expect(out).toEqual(['out']);
    expect(err).toEqual([...Array.from({ length: 2000 }, (_, i) => `err ${i}`), 'last']);
  });

  it('settles exited although a child the process left behind still holds its output open', async () => {
    const err: string[] = [];
    const handle = startProcess('sh', ['-c', 'sleep 30 & echo gone >&2'], { onStderrLine: (line) => err.push(line) });
    try {
      expect(await handle.exited).toEqual({ code: 0, signal: null });
      expect(err).toEqual(['gone']);
    } finally {
      // The sleep is still in the process group.
      handle.kill('SIGKILL');
    }
  });
});
