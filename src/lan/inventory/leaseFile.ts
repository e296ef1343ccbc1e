// Reads dnsmasq's lease file at start and whenever it changed since the last look (size or
// modification time), and hands its current leases on. dnsmasq rewrites the file in place, so the
// file is polled rather than watched; a missing file (dnsmasq not started yet) is no error.
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '../../core/index.ts';
import { parseDnsmasqLeases, type DhcpSighting } from './dhcp.ts';

export const LEASE_POLL_MS = 10_000;
/** A lease file for a few terminal ports is a few KiB; anything far larger is not read. */
const MAX_BYTES = 1 << 20;

export interface LeaseFileDeps {
  path: string;
  onLeases: (leases: DhcpSighting[]) => void;
  log: Logger;
  now: () => Date;
  intervalMs?: number;
}

export class LeaseFileWatcher {
  private readonly deps: LeaseFileDeps;
  private timer: NodeJS.Timeout | undefined;
  private seen = '';

  constructor(deps: LeaseFileDeps) {
    this.deps = deps;
  }

  start(): void {
    const { path, log } = this.deps;
    const tick = () => {
      void this.check()
        .catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: error, path }, 'dnsmasq lease file unreadable');
        })
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.deps.intervalMs ?? LEASE_POLL_MS);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    const { path, log } = this.deps;
    const info = await stat(path);
    const mark = `${info.size}:${info.mtimeMs}`;
    if (mark === this.seen) return;
    this.seen = mark;
    if (info.size > MAX_BYTES) {
      log.warn({ path, size: info.size }, 'dnsmasq lease file too large; not read');
      return;
    }
    this.deps.onLeases(parseDnsmasqLeases(await readFile(path, 'utf8'), this.deps.now()));
  }
}
