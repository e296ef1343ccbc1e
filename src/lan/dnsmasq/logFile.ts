// dnsmasq's output as the agent keeps it: one file, begun afresh at each start so it holds only
// this run, and again whenever it would pass a size limit: log-dhcp writes some twenty lines for
// each DHCP packet dnsmasq answers, and the run directory lives in memory. Written line by line as
// the lines come in; a failed write (a full file system) is reported once and ends the writing,
// never the agent.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

const LOG_FILE_MAX_BYTES = 1024 * 1024;

export interface LogFile {
  write(line: string): void;
  /** Lines written after this are dropped. */
  close(): void;
}

/** Opens (and empties) the file; throws if it cannot be opened. */
export function openLogFile(path: string, onError: (error: Error) => void, maxBytes = LOG_FILE_MAX_BYTES): LogFile {
  const fd = openSync(path, 'w', 0o640);
  let size = 0;
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  return {
    write(line) {
      if (!open) return;
      const bytes = Buffer.from(`${line}\n`);
      try {
        if (size > 0 && size + bytes.length > maxBytes) {
          ftruncateSync(fd, 0);
          size = 0;
        }
        size += writeSync(fd, bytes, 0, bytes.length, size);
      } catch (error) {
        close();
        onError(error as Error);
      }
    },
    close,
  };
}
