// The web UI's express app: strict security headers on every answer, the public status page, the
// stylesheet, the language switch, and a page in the visitor's language for anything else. It
// reads the agent's status over the control client and nothing else.
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { VNode } from 'preact';
import { STYLE_CSS } from './assets/style.ts';
import { DEFAULT_LANGUAGE, messagesFor, parseLanguage, type Language } from './i18n/index.ts';
import { ErrorPage } from './pages/errorPage.ts';
import { renderPage } from './pages/html.ts';
import { StatusPage } from './pages/statusPage.ts';
import type { AgentView } from './status/agentView.ts';
import { chainOf } from './status/chain.ts';
import type { Logger } from '../core/log.ts';

/** The cookie that keeps the visitor's language; `__Host-`: this host only, HTTPS only, path /. */
export const LANGUAGE_COOKIE = '__Host-lang';

export interface AppDeps {
  /** The agent's status, or a rejection when it does not answer. */
  status: () => Promise<AgentView>;
  /** The device certificate's SHA-256 fingerprint, shown on every page. */
  fingerprint: string;
  log: Logger;
  now?: () => Date;
}

export function createApp(deps: AppDeps): express.Express {
  const now = deps.now ?? (() => new Date());
  const app = express();
  app.disable('x-powered-by');
  // Whatever NODE_ENV says: express's last-resort handler never shows a stack trace.
  app.set('env', 'production');
  app.set('etag', false);
  app.use(securityHeaders());

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
    page(req, res, 200, StatusPage({ language: languageOf(req), fingerprint: deps.fingerprint, chain: chainOf(status), at: now().toISOString() }));
  });

  app.get('/assets/style.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('css').send(STYLE_CSS);
  });

  // A preference of this browser, not a change on the box; still only from this box's own pages.
  app.post('/language', sameOrigin(errorPage), express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 4 }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const language = parseLanguage(body.language) ?? DEFAULT_LANGUAGE;
    res.cookie(LANGUAGE_COOKIE, language, { path: '/', secure: true, httpOnly: true, sameSite: 'strict', maxAge: 365 * 24 * 3600 * 1000 });
    res.redirect(303, localPath(body.return));
  });

  app.use((req, res) => errorPage(req, res, 404, (m) => m.errors.notFound));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      errorPage(req, res, status, (m) => m.errors.notFound);
      return;
    }
    deps.log.error({ err: error, path: req.path }, 'web UI request failed');
    errorPage(req, res, 500, (m) => m.errors.internal);
  });
  return app;
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
 * every POST by current browsers) must be this host, or Sec-Fetch-Site must say same-origin.
 */
function sameOrigin(refuse: (req: Request, res: Response, status: number, text: (m: ReturnType<typeof messagesFor>) => string) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    const ok = origin !== undefined ? origin === `https://${req.headers.host ?? ''}` : site === undefined || site === 'same-origin';
    if (ok) next();
    else refuse(req, res, 403, (m) => m.errors.badOrigin);
  };
}
