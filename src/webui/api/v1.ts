// The JSON API, /api/v1/…, behind the same login as the pages: the session cookie, and for every
// state change the X-CSRF-Token header (checked for the whole app in app.ts). Requests are read
// through one schema each (valibot) before anything is asked of the agent; answers are JSON, and
// so are refusals: { error: { code, message } } in the session's language. docs/webui.md lists
// the routes.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Store } from 'express-session';
import { messagesFor, type Language } from '../i18n/index.ts';
import type { LiveOverview } from '../live/liveOverview.ts';
import type { Overview } from '../status/overview.ts';
import { serveEvents } from './events.ts';

export interface ApiDeps {
  /** The overview, read fresh from the agent for `user`. */
  overview: (user: string) => Promise<Overview>;
  live: Pick<LiveOverview, 'subscribe'>;
  store: Store;
  language: (req: Request) => Language;
  now: () => Date;
  /** The routes of the pages' subjects (profile, tunnel, devices). */
  routes: readonly Router[];
}

export function apiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  router.use(requireApiLogin(deps.language));
  router.get('/overview', async (req, res) => {
    res.json(await deps.overview(req.session.user ?? ''));
  });
  router.get('/events', serveEvents(deps));
  for (const routes of deps.routes) router.use(routes);
  return router;
}

/** A refusal of the API: its status, a stable code and the message in the session's language. */
export function apiError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** Only a logged-in user whose password is no longer the initial one may use the API. */
function requireApiLogin(language: (req: Request) => Language) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const m = messagesFor(language(req)).api;
    if (!req.session.user) apiError(res, 401, 'notLoggedIn', m.notLoggedIn);
    else if (req.session.mustChange) apiError(res, 403, 'passwordChangeRequired', m.passwordChangeRequired);
    else next();
  };
}
