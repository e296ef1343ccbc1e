// The web UI's express app: strict security headers on every answer, sessions and CSRF checks,
// the public status page, login and the password change (forced while the password is the
// initial one), logout, the pages behind the login (overview, VPN profile, devices, network,
// system), the JSON API (api/v1.ts), our stylesheet and script, the language switch, and a page in
// the visitor's language for anything else. It asks the agent for named actions only.
import type { Readable } from 'node:stream';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { VNode } from 'preact';
import { ControlApiError } from '../control/client.ts';
import { WEBUI_USER_NAME } from '../control/protocol.ts';
import { ICON_SVG } from './assets/icon.ts';
import { APP_JS } from './assets/script.ts';
import { STYLE_CSS } from './assets/style.ts';
import { apiError, apiRouter } from './api/v1.ts';
import type { LiveOverview } from './live/liveOverview.ts';
import { OverviewPage } from './pages/overviewPage.ts';
import { askAgentWith, type RouteKit } from './routes/kit.ts';
import { checkRoutes } from './routes/check.ts';
import { deviceRoutes } from './routes/devices.ts';
import { networkRoutes } from './routes/network.ts';
import { BACKUP_UPLOAD_PATHS, systemRoutes } from './routes/system.ts';
import { profileRoutes, UPLOAD_PATHS } from './routes/profile.ts';
import { WIZARD_UPLOAD_PATHS, wizardRoutes } from './routes/wizard.ts';
import type { OverviewStatus } from './status/agentView.ts';
import type { DeviceView, NeighbourView } from './status/deviceView.ts';
import type { Overview } from './status/overview.ts';
import { readChanges, readOverview } from './status/readOverview.ts';
import type { Accounts } from './auth/accounts.ts';
import { createCsrf } from './auth/csrf.ts';
import { ConcurrencyLimit, LimitBusyError } from './auth/concurrencyLimit.ts';
import { CheckRuns } from './check/checkRuns.ts';
import type { CheckResultView } from './status/checkView.ts';
import { STRENGTH_CHECKS, strengthOf, type Strength } from './auth/passwordStrength.ts';
import { createSessions, SESSION_COOKIE } from './auth/session.ts';
import { loginSlowDown } from './auth/slowDown.ts';
import { LoginPage } from './pages/loginPage.ts';
import { PasswordPage, type PasswordOutcome } from './pages/passwordPage.ts';
import { DEFAULT_LANGUAGE, messagesFor, parseLanguage, type Language } from './i18n/index.ts';
import { ErrorPage } from './pages/errorPage.ts';
import { renderPage } from './pages/html.ts';
import { StatusPage } from './pages/statusPage.ts';
import { chainOf } from './status/chain.ts';
import type { Logger } from '../core/log.ts';

/** Our own files every page loads, served also while the password must be changed first. */
const ASSETS = ['/assets/style.css', '/assets/app.js', '/assets/icon.svg', '/favicon.ico'];

/** How many of the last changes the overview lists. */
const LAST_CHANGES = 8;

/** The cookie that keeps the visitor's language; `__Host-`: this host only, HTTPS only, path /. */
export const LANGUAGE_COOKIE = '__Host-lang';

export interface AppDeps {
  /** The agent's status, or a rejection when it does not answer. */
  status: () => Promise<OverviewStatus>;
  /** A named action of the agent, asked for web UI user `user`; rejects as the control client does. */
  ask: (user: string, action: string, args?: unknown) => Promise<unknown>;
  /** A file the agent streams (the security log), for web UI user `user`. */
  download?: (user: string, name: string) => Promise<Readable>;
  /** The overview kept current for the live pages, and the agent's announcement of a factory reset. */
  live: Pick<LiveOverview, 'subscribe' | 'onReset'>;
  /** The device certificate's SHA-256 fingerprint, shown on every page. */
  fingerprint: string;
  accounts: Accounts;
  log: Logger;
  now?: () => Date;
  /** The bound on password checks running and waiting at once; STRENGTH_CHECKS unless given. */
  strengthChecks?: ConcurrencyLimit;
}

export function createApp(deps: AppDeps): express.Express {
  const now = deps.now ?? (() => new Date());
  const app = express();
  app.disable('x-powered-by');
  // Whatever NODE_ENV says: express's last-resort handler never shows a stack trace.
  app.set('env', 'production');
  app.set('etag', false);
  app.use(securityHeaders());
  const sessions = createSessions();
  const csrf = createCsrf();
  const strengthChecks = deps.strengthChecks ?? new ConcurrencyLimit(STRENGTH_CHECKS);
  app.use(cookieParser());
  app.use(sessions.middleware);
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));
  app.use(express.json({ limit: '16kb', strict: true }));
  // The language switch changes nothing on the box and has its own origin check: a visitor
  // without a session may use it. Uploads check the token themselves once they have read the
  // body that carries it.
  app.use((req, res, next) => (req.path === '/language' || (req.method === 'POST' && [...UPLOAD_PATHS, ...WIZARD_UPLOAD_PATHS, ...BACKUP_UPLOAD_PATHS].includes(req.path)) ? next() : csrf.doubleCsrfProtection(req, res, next)));
  const token = (req: Request, res: Response) => csrf.generateCsrfToken(req, res, { overwrite: true });
  const sessionOf = (req: Request, res: Response) => (req.session.user ? { user: req.session.user, csrf: token(req, res) } : undefined);
  // While the password is the initial one, the password page is the only page.
  app.use((req, res, next) => {
    if (req.session.mustChange && req.method === 'GET' && !['/password', ...ASSETS].includes(req.path) && !req.path.startsWith('/api/')) res.redirect(303, '/password');
    else next();
  });

  const page = (req: Request, res: Response, status: number, root: VNode) => {
    res.status(status).set('Cache-Control', 'no-store').type('html').send(renderPage(root));
  };
  const errorPage = (req: Request, res: Response, status: number, text: (m: ReturnType<typeof messagesFor>) => string) => {
    const language = languageOf(req);
    page(req, res, status, ErrorPage({ language, fingerprint: deps.fingerprint, text: text(messagesFor(language)) }));
  };

  app.get('/', async (req, res) => {
    const status = await deps.status().catch((error: unknown) => {
      deps.log.warn({ err: error }, 'agent status not read for the status page');
      return undefined;
    });
    const session = sessionOf(req, res);
    const news = req.session.loginNews;
    delete req.session.loginNews;
    page(req, res, 200, StatusPage({ language: languageOf(req), fingerprint: deps.fingerprint, chain: chainOf(status), at: now().toISOString(), ...(session ? { session } : {}), ...(news ? { news } : {}) }));
  });

  const overviewFor = (user: string): Promise<Overview> =>
    readOverview(
      {
        status: deps.status,
        devices: async () => (await deps.ask(user, 'devices.list')) as DeviceView[],
        neighbours: async () => (await deps.ask(user, 'devices.neighbours')) as NeighbourView[],
      },
      deps.log,
    );

  app.get('/overview', requireLogin(errorPage), async (req, res) => {
    const session = sessionOf(req, res);
    if (!session) return;
    const news = req.session.loginNews;
    delete req.session.loginNews;
    const [overview, changes, setupStep] = await Promise.all([overviewFor(session.user), readChanges((action, args) => deps.ask(session.user, action, args), LAST_CHANGES, deps.log), wizard.firstIncomplete(req)]);
    page(req, res, 200, OverviewPage({ language: languageOf(req), fingerprint: deps.fingerprint, session, overview, changes, at: now().toISOString(), ...(news ? { news } : {}), ...(setupStep && setupStep !== 'done' ? { setupStep } : {}) }));
  });

  const kit: RouteKit = {
    ask: deps.ask,
    askAgent: askAgentWith(deps.ask, languageOf, deps.log),
    status: deps.status,
    fingerprint: deps.fingerprint,
    log: deps.log,
    now,
    language: languageOf,
    session: (req, res) => ({ user: req.session.user ?? '', csrf: token(req, res) }),
    render: (res, status, root) => page(res.req, res, status, root),
    refuse: (req, res, status, text) => errorPage(req, res, status, () => text),
    csrfValid: (req) => csrf.validateRequest(req),
    endSessions: async (req, res) => {
      const user = req.session.user;
      if (user) await sessions.endOthers(user, req.session.id);
      await new Promise<void>((resolve, reject) => req.session.destroy((error: unknown) => (error ? reject(error as Error) : resolve())));
      res.clearCookie(SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
    },
    ...(deps.download ? { download: deps.download } : {}),
  };
  const profile = profileRoutes(kit);
  const devices = deviceRoutes(kit);
  const check = checkRoutes(kit, new CheckRuns({ run: async (user) => (await deps.ask(user, 'check.run')) as CheckResultView, log: deps.log }));
  const wizard = wizardRoutes(kit, check.state);
  const network = networkRoutes(kit);
  const system = systemRoutes(kit);
  // A reset however asked for (the CLI, the control API, this UI even when its profile step
  // failed) puts the initial password back: no session of before keeps its access.
  deps.live.onReset(() => {
    system.held.dropAll();
    sessions.endAll().then(
      () => deps.log.warn('factory reset: every web UI session ended'),
      (error: unknown) => deps.log.error({ err: error }, 'factory reset: web UI sessions not ended'),
    );
  });
  app.use('/api/v1', apiRouter({ overview: overviewFor, live: deps.live, store: sessions.store, language: languageOf, now, routes: [profile.api, devices.api, network.api, system.api, check.api] }));
  app.use(['/profile', '/tunnel', '/devices', '/wizard', '/network', '/system', '/check'], requireLogin(errorPage), (req, res, next) => {
    // The label's password opens the password page only: no change is taken before it is replaced.
    if (req.session.mustChange) errorPage(req, res, 403, (m) => m.api.passwordChangeRequired);
    else next();
  });
  app.use(profile.pages, devices.pages, wizard.pages, network.pages, system.pages, check.pages);

  app.get('/login', (req, res) => {
    if (req.session.user) {
      res.redirect(303, '/overview');
      return;
    }
    // A session for the form's CSRF token; login replaces it with a new one.
    req.session.visitor = true;
    page(req, res, 200, LoginPage({ language: languageOf(req), fingerprint: deps.fingerprint, csrf: token(req, res), failed: false, user: 'admin' }));
  });

  app.post('/login', ...loginSlowDown(), async (req, res) => {
    const user = field(req, 'user', 32);
    const password = field(req, 'password', 128);
    const source = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const result = WEBUI_USER_NAME.test(user) && password !== '' ? await deps.accounts.login(user, password, source) : undefined;
    if (!result?.ok) {
      deps.log.warn({ user: user.slice(0, 32), source: req.socket.remoteAddress }, 'web UI login failed');
      page(req, res, 401, LoginPage({ language: languageOf(req), fingerprint: deps.fingerprint, csrf: token(req, res), failed: true, user }));
      return;
    }
    await regenerate(req);
    req.session.user = user;
    req.session.mustChange = result.mustChange;
    req.session.loginNews = { failedSince: result.failedSince ?? 0, previousLogin: result.previousLogin ?? null };
    deps.log.info({ user, source: req.socket.remoteAddress, mustChange: result.mustChange }, 'web UI login');
    // A box not set up yet lands in the setup wizard, at the step where it stands.
    const setupStep = result.mustChange ? undefined : await wizard.firstIncomplete(req);
    res.redirect(303, result.mustChange ? '/password' : setupStep === undefined || setupStep === 'done' ? '/overview' : '/wizard');
  });

  app.post('/logout', (req, res, next) => {
    const user = req.session.user;
    system.held.drop(req.session.id);
    req.session.destroy((error: unknown) => {
      if (error) return next(error);
      if (user) deps.log.info({ user }, 'web UI logout');
      res.clearCookie(SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
      res.redirect(303, '/');
    });
  });

  const passwordPage = (req: Request, res: Response, status: number, outcome?: PasswordOutcome) => {
    const user = req.session.user ?? '';
    const news = req.session.loginNews;
    page(req, res, status, PasswordPage({ language: languageOf(req), fingerprint: deps.fingerprint, user, csrf: token(req, res), forced: req.session.mustChange === true, ...(news ? { news } : {}), ...(outcome ? { outcome } : {}) }));
  };
  app.get('/password', requireLogin(errorPage), (req, res) => passwordPage(req, res, 200));
  app.post('/password', requireLogin(errorPage), async (req, res) => {
    const user = req.session.user ?? '';
    const forced = req.session.mustChange === true;
    const [oldPassword, newPassword, repeat] = [field(req, 'oldPassword', 256), field(req, 'newPassword', 256), field(req, 'repeatPassword', 256)];
    if (newPassword !== repeat) return passwordPage(req, res, 422, { kind: 'refused', reason: 'mismatch' });
    let strength: Strength;
    try {
      strength = await strengthOf(newPassword, strengthChecks);
    } catch (error) {
      if (!(error instanceof LimitBusyError)) throw error;
      deps.log.warn({ user }, 'password check refused: too many checks at once');
      res.set('Retry-After', '5');
      return passwordPage(req, res, 503, { kind: 'refused', reason: 'busy' });
    }
    if (!strength.acceptable) return passwordPage(req, res, 422, { kind: 'refused', reason: strength.problem ?? 'tooGuessable', score: strength.score });
    try {
      await deps.accounts.changePassword(user, oldPassword, newPassword);
    } catch (error) {
      if (!(error instanceof ControlApiError)) throw error;
      const wrongOld = error.code === 'TIBOX_WEBUI_WRONG_PASSWORD';
      return passwordPage(req, res, wrongOld ? 403 : 422, { kind: 'refused', reason: wrongOld ? 'wrongOld' : 'refused' });
    }
    // A new session id, and every other session of the user ends (TR.D.10). The login's news
    // not yet shown (the forced change came first) stays for the page the user goes to next.
    const news = req.session.loginNews;
    await regenerate(req);
    req.session.user = user;
    req.session.mustChange = false;
    if (news) req.session.loginNews = news;
    await sessions.endOthers(user, req.session.id);
    deps.log.info({ user }, 'web UI password changed');
    passwordPage(req, res, 200, { kind: 'changed', ...(forced ? { next: '/wizard' } : {}) });
  });

  app.get('/assets/style.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('css').send(STYLE_CSS);
  });
  app.get('/assets/app.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('js').send(APP_JS);
  });
  // Every page links the icon; /favicon.ico is where a browser looks by itself all the same.
  app.get(['/assets/icon.svg', '/favicon.ico'], (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').type('svg').send(ICON_SVG);
  });

  // A preference of this browser, not a change on the box; still only from this box's own pages.
  app.post('/language', sameOrigin(errorPage), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const language = parseLanguage(body.language) ?? DEFAULT_LANGUAGE;
    res.cookie(LANGUAGE_COOKIE, language, { path: '/', secure: true, httpOnly: true, sameSite: 'strict', maxAge: 365 * 24 * 3600 * 1000 });
    res.redirect(303, localPath(body.return));
  });

  const isApi = (req: Request) => req.path.startsWith('/api/');
  app.use((req, res) => (isApi(req) ? apiError(res, 404, 'notFound', messagesFor(languageOf(req)).api.notFound) : errorPage(req, res, 404, (m) => m.errors.notFound)));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const api = messagesFor(languageOf(req)).api;
    if (error === csrf.invalidCsrfTokenError) {
      deps.log.warn({ path: req.path, source: req.socket.remoteAddress }, 'request without a valid CSRF token refused');
      if (isApi(req)) apiError(res, 403, 'csrf', api.csrf);
      else errorPage(req, res, 403, (m) => m.errors.csrf);
      return;
    }
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // A body too large or not parseable (express's parsers): refused before anything is asked.
      const text = (m: ReturnType<typeof messagesFor>) => (status === 413 ? m.errors.tooLarge : status === 400 ? m.errors.badRequest : m.errors.notFound);
      if (isApi(req)) apiError(res, status, status === 413 ? 'tooLarge' : 'badRequest', text(messagesFor(languageOf(req))));
      else errorPage(req, res, status, text);
      return;
    }
    deps.log.error({ err: error, path: req.path }, 'web UI request failed');
    if (isApi(req)) apiError(res, 500, 'internal', api.internal);
    else errorPage(req, res, 500, (m) => m.errors.internal);
  });
  return app;
}

/** Pages behind the login: a visitor without a session goes to the login page; a post is refused in words. */
function requireLogin(refuse: (req: Request, res: Response, status: number, text: (m: ReturnType<typeof messagesFor>) => string) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.session.user) next();
    else if (req.method === 'GET') res.redirect(303, '/login');
    else refuse(req, res, 403, (m) => m.errors.notLoggedIn);
  };
}

/** A form field as a string of at most `max` characters ('' when absent or not a string). */
function field(req: Request, name: string, max: number): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve())));
}

/**
 * CSP `default-src 'self'` with no inline script or style, no framing, no referrer, no sniffing,
 * HSTS, and this origin alone for resources, windows and forms.
 */
function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: true,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 365 * 24 * 3600, includeSubDomains: false },
    xFrameOptions: { action: 'deny' },
  });
}

/** The visitor's language: the cookie's, else German. */
export function languageOf(req: Request): Language {
  const match = /(?:^|;\s*)__Host-lang=([a-z]{2})(?:;|$)/.exec(req.headers.cookie ?? '');
  return parseLanguage(match?.[1]) ?? DEFAULT_LANGUAGE;
}

/** A path of this web UI to return to; anything else (another host, `//host`, a scheme) gives '/'. */
export function localPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.length > 200) return '/';
  return /^[\x21-\x7e]*$/.test(value) ? value : '/';
}

/**
 * Refuses a form post that a browser says came from another site: the Origin header (sent with
 * every POST by current browsers) must be this host, or Sec-Fetch-Site must say same-origin. Our
 * own pages' referrer policy (no-referrer) makes a browser send `Origin: null` even from this
 * host's own page: then Sec-Fetch-Site alone tells, and must be there.
 */
function sameOrigin(refuse: (req: Request, res: Response, status: number, text: (m: ReturnType<typeof messagesFor>) => string) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    const ok =
      origin === 'null' ? site === 'same-origin'
      : origin !== undefined ? origin === `https://${req.headers.host ?? ''}`
      : site === undefined || site === 'same-origin';
    if (ok) next();
    else refuse(req, res, 403, (m) => m.errors.badOrigin);
  };
}
