// A dnsmasq that an earlier agent left behind. dnsmasq runs in its own process group, so when the
// agent crashes it keeps running, and its sockets would make our own start fail. Only a process
// whose pid is in our pid file and whose command line names our config file is touched.
import { readFile } from 'node:fs/promises';
import type { DnsmasqFiles } from './files.ts';

/** Ends the leftover, if any (SIGTERM, then SIGKILL after `graceMs`); returns its pid. */
export async function endLeftover(files: DnsmasqFiles, graceMs: number, pollMs = 20): Promise<number | undefined> {
  const pid = Number((await readFile(files.pid, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.split('\0').includes(`--conf-file=${files.config}`)) return undefined;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid)) {
    if (Date.now() > deadline) signal(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return pid;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone in the meantime.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
