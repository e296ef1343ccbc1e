// Reads a profile upload (multipart/form-data: the file and its optional password) into memory
// within tight limits, so a large or malformed upload costs little and is refused in words
// before anything is asked of the agent. The agent checks the profile's own size limit again.
import type { Request, Response } from 'express';
import multer from 'multer';

/** The agent's limit for a profile file (src/ipsec/profile/envelope.ts). */
export const MAX_PROFILE_BYTES = 256 * 1024;

export type UploadResult = { ok: true; file: Buffer | undefined; fields: Record<string, unknown> } | { ok: false; reason: 'tooLarge' | 'malformed' };

const single = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_PROFILE_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 5, headerPairs: 20 },
}).single('profile');

export function readProfileUpload(req: Request, res: Response): Promise<UploadResult> {
  return new Promise((resolve) => {
    single(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError) resolve({ ok: false, reason: error.code === 'LIMIT_FILE_SIZE' ? 'tooLarge' : 'malformed' });
      // busboy's own refusals (a broken boundary, a truncated body) are no MulterError.
      else if (error) resolve({ ok: false, reason: 'malformed' });
      else resolve({ ok: true, file: req.file?.buffer, fields: (req.body ?? {}) as Record<string, unknown> });
    });
  });
}
