// The one place in tibox that starts processes. Every command is an argument array, never a
// shell string; runs under LC_ALL=C so output parsers see stable text; has a timeout; and a
// failure throws a CommandError that carries the command line, exit status and stderr.
// Adapters depend on the Runner interface so tests can hand them a fake OS.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface RunOptions {
  /** Milliseconds before the command is killed (SIGKILL) and the call fails. Default 10 s. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string | Buffer;
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** Exit codes that count as success besides 0 (e.g. `nft -c` is not one; `ip` never needs it). */
  okCodes?: readonly number[];
  /** Each line of stdout as it comes (a long command's progress), before the whole is returned. */
  onStdoutLine?: (line: string) => void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Runner {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const STDERR_KEPT = 4_000;

export class CommandError extends Error {
  readonly command: string;
  readonly args: readonly string[];
  readonly code: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(command: string, args: readonly string[], code: number | null, stderr: string, timedOut: boolean, signal: string | null) {
    const status = timedOut ? 'timed out' : code === null ? `killed by ${signal ?? 'signal'}` : `exited with ${code}`;
    const tail = stderr.trim() ? `: ${stderr.trim().slice(-STDERR_KEPT)}` : '';
    super(`${formatCommand(command, args)} ${status}${tail}`);
    this.name = 'CommandError';
    this.command = command;
    this.args = args;
    this.code = code;
    this.stderr = stderr;
    this.timedOut = timedOut;
  }
}

/** A command line as a person would type it, for messages only; never executed. */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}

function withNetns(command: string, args: readonly string[], netns: string | undefined): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, command, ...args]] : [command, [...args]];
}

function childEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  // LC_ALL last: parsers of command output rely on untranslated text, whatever a caller passes.
  return { ...process.env, ...extra, LC_ALL: 'C' };
}

export const processRunner: Runner = {
  run(command, args, options = {}) {
    const [cmd, argv] = withNetns(command, args, options.netns);
    return new Promise((resolve, reject) => {
      // An abort listener never fires for a signal that has already fired: refuse to start at all.
      if (options.signal?.aborted) {
        reject(new CommandError(command, args, null, 'aborted before it was started', false, null));
        return;
      }
      const child = spawn(cmd, argv, { env: childEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const onAbort = () => child.kill('SIGKILL');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const lines = options.onStdoutLine && lineSplitter(options.onStdoutLine);
      child.stdout.on('data', (b: Buffer) => {
        out.push(b);
        lines?.push(b);
      });
      child.stderr.on('data', (b: Buffer) => err.push(b));
      // A command that does not read stdin may close it early; that is not our failure.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
      child.on('error', (e) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        reject(new CommandError(command, args, null, e.message, false, null));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        lines?.end();
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        if (code !== null && !timedOut && (code === 0 || options.okCodes?.includes(code))) {
          resolve({ stdout, stderr, code });
        } else {
          reject(new CommandError(command, args, code, stderr, timedOut, signal));
        }
      });
    });
  },
};

/** Hands on whole lines of a byte stream; a character split between chunks stays whole. */
function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const emit = (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
  return {
    push: (chunk) => emit(decoder.write(chunk)),
    end: () => {
      emit(decoder.end());
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}

export interface ProcessHandle {
  readonly pid: number;
  /** Settles when the process has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

export interface StartOptions {
  netns?: string;
  env?: Record<string, string>;
  /** Where stdout and stderr go: a file descriptor opened by the caller, or dropped. */
  outputFd?: number;
  /** Receives stdout line by line instead of outputFd; for probes that stream results. */
  onStdoutLine?: (line: string) => void;
  /** Receives stderr line by line instead of outputFd; for daemons that log there (dnsmasq). */
  onStderrLine?: (line: string) => void;
}

/**
 * How long `exited` waits, after the process has gone, for the end of its output read line by
 * line: a child it left behind (dnsmasq's TCP workers) may hold the pipe open for minutes.
 */
const OUTPUT_GRACE_MS = 1_000;

/**
 * Starts a long-running process (a lab daemon, a stand-in server) and hands back its handle.
 * The caller owns its lifetime; it runs in its own process group so a kill reaches its children.
 * Output read line by line has been handed over in full when `exited` settles (unless a child
 * left behind holds the pipe open past OUTPUT_GRACE_MS); a last line without a newline, too.
 */
export function startProcess(command: string, args: readonly string[], options: StartOptions = {}): ProcessHandle {
  const [cmd, argv] = withNetns(command, args, options.netns);
  const output = options.outputFd ?? 'ignore';
  const { onStdoutLine, onStderrLine } = options;
  const child = spawn(cmd, argv, {
    env: childEnv(options.env),
    stdio: ['ignore', onStdoutLine ? 'pipe' : output, onStderrLine ? 'pipe' : output],
    detached: true,
  });
  if (onStdoutLine && child.stdout) readLines(child.stdout, onStdoutLine);
  if (onStderrLine && child.stderr) readLines(child.stderr, onStderrLine);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    let grace: NodeJS.Timeout | undefined;
    // 'close' comes after 'exit' once every pipe has ended, so after the last line.
    child.on('exit', (code, signal) => (grace = setTimeout(() => resolve({ code, signal }), OUTPUT_GRACE_MS)));
    child.on('close', (code, signal) => {
      clearTimeout(grace);
      resolve({ code, signal });
    });
    child.on('error', () => resolve({ code: null, signal: null }));
  });
  if (child.pid === undefined) throw new CommandError(command, args, null, 'could not be started', false, null);
  const pid = child.pid;
  return {
    pid,
    exited,
    kill(signal = 'SIGTERM') {
      try {
        process.kill(-pid, signal);
      } catch {
        // Already gone: nothing to do.
      }
    },
  };
}

function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending !== '') onLine(pending);
  });
}
