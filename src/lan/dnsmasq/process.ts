// One dnsmasq process: started in the foreground on our own config (never the system's), ready
// once it has written its pid file, ended with SIGTERM and, if it lingers, SIGKILL.
import { readFile } from 'node:fs/promises';
import type { ProcessHandle, startProcess } from '../../core/index.ts';
import type { DnsmasqFiles } from './files.ts';
import { openLogFile } from './logFile.ts';

export type StartProcess = typeof startProcess;
export type Exit = Awaited<ProcessHandle['exited']>;

const LOG_TAIL_LINES = 5;

export interface DnsmasqOutput {
  /** Each line dnsmasq writes, after it is in the log file. */
  onLine: (line: string) => void;
  /** The log file could not be written; the lines still reach onLine. */
  onLogError: (error: Error) => void;
}

/**
 * Starts dnsmasq on the main config. Its output (log lines and start-up errors, both on stderr
 * with --log-facility=-) is read line by line: into the log file (logFile.ts), then to `output`.
 * Every line is in the file when `exited` settles. Throws if the process cannot be started at
 * all (no binary).
 */
export function launchDnsmasq(start: StartProcess, command: string, files: DnsmasqFiles, netns: string | undefined, output: DnsmasqOutput): ProcessHandle {
  const log = openLogFile(files.log, output.onLogError);
  const onLine = (line: string) => {
    log.write(line);
    output.onLine(line);
  };
  let handle: ProcessHandle;
  try {
    handle = start(command, ['--keep-in-foreground', `--conf-file=${files.config}`, '--log-facility=-'], {
      onStdoutLine: onLine,
      onStderrLine: onLine,
      ...(netns ? { netns } : {}),
    });
  } catch (error) {
    log.close();
    throw error;
  }
  void handle.exited.then(() => log.close()).catch((error: unknown) => output.onLogError(error as Error));
  return handle;
}

/**
 * Resolves once dnsmasq has written its own pid to the pid file: it does so after binding its
 * sockets and installing its signal handlers (a SIGHUP before that would end it). Rejects with
 * the end of its output if it exits first or is not ready within `timeoutMs`.
 */
export async function waitReady(handle: ProcessHandle, files: DnsmasqFiles, timeoutMs: number, pollMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await readFile(files.pid, 'utf8').catch(() => '')).trim() === String(handle.pid)) return;
    if (Date.now() > deadline) throw new Error(`no pid file after ${timeoutMs} ms${await logTail(files)}`);
    const exit = await Promise.race([handle.exited, new Promise<undefined>((r) => setTimeout(r, pollMs))]);
    if (exit) throw new Error(`${describeExit(exit)}${await logTail(files)}`);
  }
}

/** Ends the process: SIGTERM, then SIGKILL after `graceMs`. Resolves when it has gone. */
export async function terminate(handle: ProcessHandle, graceMs: number): Promise<Exit> {
  handle.kill('SIGTERM');
  const timer = setTimeout(() => handle.kill('SIGKILL'), graceMs);
  try {
    return await handle.exited;
  } finally {
    clearTimeout(timer);
  }
}

export function describeExit(exit: Exit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  return exit.code === null ? 'could not be run' : `exited with code ${exit.code}`;
}

/** The last lines dnsmasq wrote, as `: line; line` for a message, or nothing. */
export async function logTail(files: DnsmasqFiles): Promise<string> {
  const text = await readFile(files.log, 'utf8').catch(() => '');
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-LOG_TAIL_LINES);
  return lines.length > 0 ? `: ${lines.join('; ')}` : '';
}
