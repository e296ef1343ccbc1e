// Downloading an artifact to a file, resumable. Bytes go to `<file>.part`; a download that breaks
// off keeps them, and the next attempt asks only for the rest (HTTP Range) and hashes what it
// already has first. Only a complete file whose size and sha256 match what the server announced
// is renamed to `<file>` (after fsync): a truncated or altered artifact never takes that name.
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import type { CallOptions, DdiConnection } from './connection.ts';
import type { Artifact } from './deploymentBase.ts';
import { DdiConnectionError, DdiHashMismatchError, DdiHttpError, DdiTimeoutError, DdiTruncatedError } from './errors.ts';

export interface DownloadProgress {
  /** Bytes on disk, resumed ones included. */
  have: number;
  size: number;
  /** Bytes that were already there when this attempt started. */
  resumedFrom: number;
}

export interface DownloadOptions extends CallOptions {
  onProgress?: (progress: DownloadProgress) => void;
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const piece of createReadStream(path) as AsyncIterable<Buffer>) hash.update(piece);
}

export function partFile(file: string): string {
  return `${file}.part`;
}

/**
 * One attempt to bring `artifact` to `file`. Resolves once the file is complete and checked;
 * rejects with DdiTruncatedError (the part kept to resume from), DdiHashMismatchError (the part
 * removed), DdiHttpError, DdiConnectionError or DdiAbortedError (the part kept).
 */
export async function downloadArtifact(connection: DdiConnection, artifact: Artifact, file: string, options: DownloadOptions = {}): Promise<void> {
  const part = partFile(file);
  const what = `download of ${artifact.filename}`;
  // Kept from an earlier run (the agent restarted after the download): taken when it still checks out.
  if (existsSync(file)) {
    const hash = createHash('sha256');
    await hashFile(file, hash);
    if (statSync(file).size === artifact.size && hash.digest('hex') === artifact.sha256) return;
    rmSync(file);
  }
  let have = existsSync(part) ? statSync(part).size : 0;
  // More than announced cannot be the artifact: start over.
  if (have > artifact.size) {
    rmSync(part);
    have = 0;
  }
  const resumedFrom = have;
  const hash = createHash('sha256');
  if (have > 0) await hashFile(part, hash);

  let restart = false;
  if (have < artifact.size) {
    const fd = openSync(part, 'a', 0o600);
    try {
      const onHead = (res: { statusCode?: number | undefined; headers: Record<string, string | string[] | undefined> }): boolean => {
        const status = res.statusCode ?? 0;
        if (status === 200 && have > 0) {
          // The server ignored the Range and sends everything: drop the part and take it whole.
          restart = true;
          return false;
        }
        if (status === 206) {
          const start = /^bytes (\d+)-/.exec(String(res.headers['content-range']))?.[1];
          if (Number(start) !== have) throw new DdiHttpError(what, status, undefined, `resumed at byte ${String(start)}, not ${have}`);
        } else if (status !== 200) {
          throw new DdiHttpError(what, status, undefined, '');
        }
        return true;
      };
      const onData = (piece: Buffer): void => {
        if (have + piece.length > artifact.size) throw new DdiHttpError(what, 200, undefined, `more than the ${artifact.size} bytes announced`);
        writeSync(fd, piece);
        hash.update(piece);
        have += piece.length;
        options.onProgress?.({ have, size: artifact.size, resumedFrom });
      };
      const range: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
      await connection.stream(what, artifact.download, { ...options, headers: { ...options.headers, ...range } }, onHead, onData);
    } catch (error) {
      if ((error instanceof DdiConnectionError || error instanceof DdiTimeoutError) && have < artifact.size) throw new DdiTruncatedError(artifact.filename, have, artifact.size, error);
      throw error;
    } finally {
      fsyncSync(fd);
      closeSync(fd);
    }
  }
  if (restart) {
    rmSync(part);
    return downloadArtifact(connection, artifact, file, options);
  }
  if (have < artifact.size) throw new DdiTruncatedError(artifact.filename, have, artifact.size);
  const actual = hash.digest('hex');
  if (actual !== artifact.sha256) {
    rmSync(part, { force: true });
    throw new DdiHashMismatchError(artifact.filename, artifact.sha256, actual);
  }
  renameSync(part, file);
}
