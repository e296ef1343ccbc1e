// dnsmasq's log file as the agent reads it. dnsmasq runs as its own service and writes its log
// itself (log-facility); the agent reads the lines it appends from where the file ends when the
// agent starts (what is already there was read, or missed, by an earlier agent). It reads when the
// kernel says the log's directory changed (inotify), and on a slow timer in case that says nothing:
// an idle box then costs no wake-up twice a second, and a line is still read within moments.
// log-dhcp writes some twenty lines for each DHCP packet and the run directory lives in memory,
// so past a size limit the agent rotates the file: renamed to the rotated name (replacing the one
// before), a new empty file with the same owner put in its place (dnsmasq, no longer root by then,
// could not create it), and dnsmasq told to reopen its log (SIGUSR2). The rest of the old file is
// read before the tail moves on to the new one, so rotation loses no line.
import { closeSync, fchownSync, fstatSync, openSync, readSync, renameSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

const LOG_MAX_BYTES = 1024 * 1024;
/** The safety net: a change the kernel did not report is read this late at most. */
const POLL_MS = 5_000;
/** A DHCP exchange writes its lines in a burst: one read after it. */
const SETTLE_MS = 20;
/** After our own rotation, how long dnsmasq may go on writing to the old file before it reopens. */
const REOPEN_SETTLE_MS = 1_000;

export interface LogTailOptions {
  path: string;
  rotatedPath: string;
  onLine: (line: string) => void;
  /** Tells dnsmasq to reopen its log file. */
  reopen: () => Promise<void>;
  /** The file could not be read or rotated this time, or its directory not watched; the next poll tries again. */
  onError: (error: Error) => void;
  maxBytes?: number;
  pollMs?: number;
  now?: () => number;
}

interface OpenFile {
  fd: number;
  ino: number;
  offset: number;
  decoder: StringDecoder;
  partial: string;
}

export class LogTail {
  private readonly options: LogTailOptions;
  private file: OpenFile | undefined;
  /** Only the file there at start() is read from its end; any later one is new, read from 0. */
  private fromEnd = true;
  private rotatedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  /** The watch failed and said so: it is tried again on each poll, and reported once. */
  private watchFailed = false;
  private polling = false;

  constructor(options: LogTailOptions) {
    this.options = options;
  }

  start(): void {
    this.fromEnd = true;
    try {
      this.open();
    } catch (error) {
      this.options.onError(error as Error);
    }
    this.fromEnd = false;
    this.timer = setInterval(() => this.pollNow(), this.options.pollMs ?? POLL_MS);
    this.watchDirectory();
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.settle);
    this.timer = undefined;
    this.settle = undefined;
    this.watcher?.close();
    this.watcher = undefined;
    this.close();
  }

  /** One look at the file: new lines out, and a rotation or a move to a new file where due. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await this.step();
    } finally {
      this.polling = false;
    }
  }

  /** A poll shortly, once for a burst of changes; `replace` re-arms one already waiting. */
  private pollSoon(delayMs = SETTLE_MS, replace = false): void {
    if (!this.timer) return;
    if (this.settle && !replace) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.pollNow();
    }, delayMs);
    this.settle.unref();
  }

  private pollNow(): void {
    if (!this.watcher) this.watchDirectory();
    this.poll().catch((error: unknown) => this.options.onError(error as Error));
  }

  /** Polls on changes to the log file or a new one in its place; without a watch, the timer reads alone. */
  private watchDirectory(): void {
    const name = basename(this.options.path);
    try {
      const watcher = watch(dirname(this.options.path), (_event, changed) => {
        if (changed === null || changed === name) this.pollSoon();
      });
      watcher.on('error', (error) => {
        watcher.close();
        if (this.watcher === watcher) this.watcher = undefined;
        this.watchFailure(error);
      });
      this.watcher = watcher;
      this.watchFailed = false;
    } catch (error) {
      this.watchFailure(error as Error);
    }
  }

  private watchFailure(error: Error): void {
    if (!this.watchFailed) this.options.onError(error);
    this.watchFailed = true;
  }

  private async step(): Promise<void> {
    const file = this.file ?? this.open();
    if (!file) return;
    this.read(file);
    const now = (this.options.now ?? Date.now)();
    const current = statIno(this.options.path);
    // A file removed and not replaced: dnsmasq still writes to it until it starts again.
    if (current !== undefined && current !== file.ino) {
      // Replaced (our rotation, or dnsmasq made a new one after the file was removed): once dnsmasq
      // has surely let go of the old one, its last lines are read and the tail moves on.
      if (this.rotatedAt !== undefined && now - this.rotatedAt < REOPEN_SETTLE_MS) return;
      this.read(file);
      this.close();
      this.rotatedAt = undefined;
      const next = this.open();
      if (next) this.read(next);
      return;
    }
    const size = fstatSync(file.fd).size;
    if (size < file.offset) {
      // Emptied from outside: read it again from the start (one refilled past where the tail was
      // within a poll looks like one that grew; dnsmasq itself never empties it).
      file.offset = 0;
      this.read(file);
    }
    if (file.offset >= (this.options.maxBytes ?? LOG_MAX_BYTES) && this.rotatedAt === undefined) await this.rotate(file, now);
  }

  private async rotate(file: OpenFile, now: number): Promise<void> {
    const { path, rotatedPath } = this.options;
    const owner = fstatSync(file.fd);
    renameSync(path, rotatedPath);
    const fd = openSync(path, 'a', owner.mode & 0o777);
    try {
      fchownSync(fd, owner.uid, owner.gid);
    } finally {
      closeSync(fd);
    }
    this.rotatedAt = now;
    await this.options.reopen();
    // The old file's last lines are read once dnsmasq has surely let go of it: the rename's own
    // change notice would poll too early and find it still in use.
    this.pollSoon(REOPEN_SETTLE_MS, true);
  }

  private open(): OpenFile | undefined {
    let fd: number;
    try {
      fd = openSync(this.options.path, 'r');
    } catch (error) {
      // Not written yet: dnsmasq has not started since its config was written.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const stat = fstatSync(fd);
    this.file = { fd, ino: stat.ino, offset: this.fromEnd ? stat.size : 0, decoder: new StringDecoder('utf8'), partial: '' };
    this.fromEnd = false;
    return this.file;
  }

  private read(file: OpenFile): void {
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const count = readSync(file.fd, buffer, 0, buffer.length, file.offset);
      if (count === 0) return;
      file.offset += count;
      const lines = (file.partial + file.decoder.write(buffer.subarray(0, count))).split('\n');
      file.partial = lines.pop() ?? '';
      for (const line of lines) this.options.onLine(line);
    }
  }

  private close(): void {
    if (!this.file) return;
    closeSync(this.file.fd);
    this.file = undefined;
  }
}

function statIno(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}
