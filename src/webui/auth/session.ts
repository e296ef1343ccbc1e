// Sessions: a 256-bit random id in a `__Host-` cookie (Secure, HttpOnly, SameSite=Strict, path /,
// this host only), kept server-side in the web UI's memory, ended after 10 minutes without a
// request (the cookie's and the store's clock both roll with each request), by logout, and for
// every other session of the user when the password changes. A new id at login and at a password
// change, so an id known before is worth nothing after.
import { randomBytes } from 'node:crypto';
import session, { MemoryStore, type SessionData } from 'express-session';

export const SESSION_COOKIE = '__Host-tibox-session';
export const IDLE_TIMEOUT_MS = 10 * 60_000;

declare module 'express-session' {
  interface SessionData {
    /** The logged-in user; absent before login. */
    user?: string;
    /** The password is still the initial one. */
    mustChange?: boolean;
    /** What the login log said at this login: on the forced password page, then once on the next page. */
    loginNews?: { failedSince: number; previousLogin: string | null };
    /** Marks a session made for the login form's CSRF token. */
    visitor?: boolean;
    /** A success to show once on the page a post redirected to. */
    note?: string;
  }
}

export function createSessions(store: MemoryStore = new MemoryStore()) {
  const middleware = session({
    name: SESSION_COOKIE,
    secret: randomBytes(32).toString('hex'),
    store,
    genid: () => randomBytes(32).toString('base64url'),
    resave: false,
    rolling: true,
    saveUninitialized: false,
    unset: 'destroy',
    cookie: { path: '/', secure: true, httpOnly: true, sameSite: 'strict', maxAge: IDLE_TIMEOUT_MS },
  });
  /** Ends every session of `user` but `keep`. */
  const endOthers = (user: string, keep: string): Promise<void> =>
    new Promise((resolve, reject) => {
      store.all((error, all) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const sessions = (all ?? {}) as Record<string, SessionData>;
        for (const [id, data] of Object.entries(sessions)) if (id !== keep && data.user === user) store.destroy(id);
        resolve();
      });
    });
  /** Ends every session of every user: the box was reset, and no login of before counts. */
  const endAll = (): Promise<void> =>
    new Promise((resolve, reject) => store.clear((error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve())));
  return { middleware, store, endOthers, endAll };
}
