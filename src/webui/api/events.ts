// GET /api/v1/events: server-sent events for the overview. Each open stream is a listener of the
// process's one LiveOverview; an 'overview' event carries the overview as JSON and its live part
// rendered in the session's language (what the page's script puts in place). The stream ends when
// the session does (logout, password change, or 10 minutes without a request: an open stream
// does not keep a session alive), checked at each event and at each keep-alive comment.
import type { Request, Response } from 'express';
import type { Store } from 'express-session';
import type { Language } from '../i18n/index.ts';
import type { LiveOverview } from '../live/liveOverview.ts';
import { renderFragment } from '../pages/html.ts';
import { OverviewLive } from '../pages/overviewPage.ts';
import type { Overview } from '../status/overview.ts';

/** A comment this often keeps proxies and the browser from taking an idle stream for a dead one. */
export const KEEPALIVE_MS = 25_000;

export interface EventsDeps {
  live: Pick<LiveOverview, 'subscribe'>;
  store: Store;
  language: (req: Request) => Language;
  now: () => Date;
}

export function serveEvents(deps: EventsDeps) {
  // Each overview is rendered once per language, however many streams show it.
  const rendered = new WeakMap<Overview, Map<Language, string>>();
  const htmlOf = (overview: Overview, language: Language): string => {
    let byLanguage = rendered.get(overview);
    if (!byLanguage) rendered.set(overview, (byLanguage = new Map()));
    let text = byLanguage.get(language);
    if (text === undefined) byLanguage.set(language, (text = renderFragment(OverviewLive({ language, overview, at: deps.now().toISOString() }))));
    return text;
  };
  return (req: Request, res: Response): void => {
    const language = deps.language(req);
    const sessionId = req.sessionID;
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    let open = true;
    let unsubscribe = (): void => undefined;
    const end = () => {
      if (!open) return;
      open = false;
      unsubscribe();
      clearInterval(keepalive);
      res.end();
    };
    /** Writes only while the session lives; a session gone ends the stream. */
    const whileLoggedIn = (text: () => string) =>
      deps.store.get(sessionId, (error, data) => {
        if (!open) return;
        if (error || !data?.user || data.mustChange) end();
        else res.write(text());
      });
    const keepalive = setInterval(() => whileLoggedIn(() => ': keep-alive\n\n'), KEEPALIVE_MS);
    unsubscribe = deps.live.subscribe((overview) => whileLoggedIn(() => `event: overview\ndata: ${JSON.stringify({ overview, html: htmlOf(overview, language) })}\n\n`));
    req.once('close', end);
  };
}
