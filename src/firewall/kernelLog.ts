// The kernel's log as /dev/kmsg hands it out: each read one record, from the oldest the ring
// buffer still holds to the newest, then EAGAIN (opened without blocking). A record overwritten
// while reading (EPIPE) is skipped. Reading needs root, as the agent is.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

const KMSG = '/dev/kmsg';

/** A record is at most 8 KiB (the kernel's limit of a printk line and its dictionary). */
const RECORD_BYTES = 8192;

export async function readKernelLog(path = KMSG): Promise<string[]> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const buffer = Buffer.alloc(RECORD_BYTES);
  const records: string[] = [];
  try {
    for (;;) {
      let bytes: number;
      try {
        ({ bytesRead: bytes } = await handle.read(buffer, 0, buffer.length, null));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') break;
        if (code === 'EPIPE') continue;
        throw error;
      }
      if (bytes === 0) break;
      records.push(buffer.toString('utf8', 0, bytes));
    }
  } finally {
    await handle.close();
  }
  return records;
}
