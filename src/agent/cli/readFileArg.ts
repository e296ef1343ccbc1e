// Reads a file named on the command line. A failure says what is wrong with the path in words
// ("not found", "is a directory"), not as an errno code; a size limit is checked on the file's
// size before any byte is read, so an oversized file is refused without loading it; a pipe, whose
// size is unknown, is read no further than one byte past the limit.
import { open, type FileHandle } from 'node:fs/promises';
import { getSystemErrorMessage } from 'node:util';
import { TiboxError } from '../../core/index.ts';

// Where libuv's own text would mislead ("no such file or directory" for a missing parent
// directory, "not a directory" for a file used as one).
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'not found',
  ENOTDIR: 'a part of the path is not a directory',
};

function reason(error: unknown): string {
  const { code, errno } = error as NodeJS.ErrnoException;
  if (code !== undefined && REASONS[code] !== undefined) return REASONS[code];
  return errno === undefined ? String(error) : getSystemErrorMessage(errno);
}

function unreadable(path: string, why: string): TiboxError {
  return new TiboxError('TIBOX_CLI_FILE_UNREADABLE', { path, reason: why });
}

export interface SizeLimit {
  bytes: number;
  /** The error for a file of `size` bytes over the limit, in the words of what the file is. */
  refuse: (size: number) => Error;
}

export async function readFileArg(path: string, limit?: SizeLimit): Promise<Buffer> {
  const handle = await open(path).catch((error: unknown) => {
    throw unreadable(path, reason(error));
  });
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw unreadable(path, 'is a directory');
    if (limit && stats.isFile() && stats.size > limit.bytes) throw limit.refuse(stats.size);
    const read = limit ? readAtMost(handle, limit.bytes + 1) : handle.readFile();
    const bytes = await read.catch((error: unknown) => {
      throw unreadable(path, reason(error));
    });
    if (limit && bytes.length > limit.bytes) throw limit.refuse(bytes.length);
    return bytes;
  } finally {
    await handle.close();
  }
}

async function readAtMost(handle: FileHandle, most: number): Promise<Buffer> {
  const buffer = Buffer.alloc(most);
  let length = 0;
  while (length < most) {
    const { bytesRead } = await handle.read(buffer, length, most - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}
