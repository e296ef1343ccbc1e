// Reads an upload (multipart/form-data: a profile and its optional password, or a backup and its
// passphrase) into memory within tight limits, so a large or malformed upload costs little and is
// refused in words before anything is asked of the agent. The agent checks the file's own size
// limit again.
import type { Request, Response } from 'express';
import multer from 'multer';
import { MAX_BACKUP_BYTES } from '../control/protocol.ts';

/** The agent's limit for a profile file (src/ipsec/profile/envelope.ts). */
export const MAX_PROFILE_BYTES = 256 * 1024;

export type UploadResult = { ok: true; file: Buffer | undefined; fields: Record<string, unknown> } | { ok: false; reason: 'tooLarge' | 'malformed' };

/** A reader of one file in field `field` of at most `maxBytes`, beside a few short fields. */
function uploadOf(field: string, maxBytes: number): (req: Request, res: Response) => Promise<UploadResult> {
  const single = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 1024, parts: 5, headerPairs: 20 },
  }).single(field);
  return (req, res) => read(single, req, res);
}

export const readProfileUpload = uploadOf('profile', MAX_PROFILE_BYTES);
export const readBackupUpload = uploadOf('backup', MAX_BACKUP_BYTES);

function read(single: ReturnType<ReturnType<typeof multer>['single']>, req: Request, res: Response): Promise<UploadResult> {
  return new Promise((resolve) => {
    single(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError) resolve({ ok: false, reason: error.code === 'LIMIT_FILE_SIZE' ? 'tooLarge' : 'malformed' });
      // busboy's own refusals (a broken boundary, a truncated body) are no MulterError.
      else if (error) resolve({ ok: false, reason: 'malformed' });
      else resolve({ ok: true, file: req.file?.buffer, fields: (req.body ?? {}) as Record<string, unknown> });
    });
  });
}
