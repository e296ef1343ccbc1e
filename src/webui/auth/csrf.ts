// CSRF protection for every state-changing request (csrf-csrf, the double-submit pattern bound to
// the session): a token in each form (`_csrf`) and the `X-CSRF-Token` header for the JSON API,
// checked against a `__Host-` cookie and the session's id; GET changes nothing.
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { doubleCsrf } from 'csrf-csrf';

export const CSRF_COOKIE = '__Host-tibox-csrf';
export const CSRF_FIELD = '_csrf';

export function createCsrf() {
  const secret = randomBytes(32).toString('hex');
  return doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req: Request) => req.session.id,
    cookieName: CSRF_COOKIE,
    cookieOptions: { sameSite: 'strict', path: '/', secure: true, httpOnly: true },
    getCsrfTokenFromRequest: (req: Request) => {
      const body = req.body as Record<string, unknown> | undefined;
      const field = body?.[CSRF_FIELD];
      return typeof field === 'string' ? field : req.headers['x-csrf-token'];
    },
  });
}
