// The function test, as a page and as JSON API routes. The page's button starts a run through the
// agent's check.run (CheckRuns) and returns at once to a page that says the test is running and
// loads itself again until it is done; the result shown is the agent's last (check.last). The API
// runs the test and answers its result when it is done, or the last result and whether one runs.
import express, { type Request, type Response, type Router } from 'express';
import { apiError } from '../api/v1.ts';
import { CheckForm, CheckJson, readInput } from '../api/schemas.ts';
import type { CheckRuns } from '../check/checkRuns.ts';
import { messagesFor } from '../i18n/index.ts';
import { CheckPage } from '../pages/checkPage.ts';
import type { CheckResultView } from '../status/checkView.ts';
import type { RouteKit } from './kit.ts';

/** What the page and the wizard's last step show of the function test. */
export interface CheckState {
  /** Null before the first run; undefined where the agent did not answer. */
  result: CheckResultView | null | undefined;
  running: boolean;
  failed: boolean;
}

export interface CheckRoutes {
  pages: Router;
  api: Router;
  state: (req: Request) => Promise<CheckState>;
}

export function checkRoutes(kit: RouteKit, runs: CheckRuns): CheckRoutes {
  const pages = express.Router();
  const api = express.Router();

  const state = async (req: Request): Promise<CheckState> => {
    const last = await kit.askAgent<CheckResultView | null>(req, 'check.last');
    return { result: last.ok ? last.value : undefined, running: runs.running(), failed: runs.failure() !== undefined };
  };

  const showPage = async (req: Request, res: Response) => {
    const session = kit.session(req, res);
    kit.render(res, 200, CheckPage({ language: kit.language(req), fingerprint: kit.fingerprint, session, ...(await state(req)) }));
  };

  pages.get('/check', showPage);
  pages.post('/check', (req, res) => {
    const input = readInput(CheckForm, req.body);
    if (!input.ok) return kit.refuse(req, res, 400, messagesFor(kit.language(req)).input[input.problem]);
    // The run goes on without this request; its result is the agent's to keep (CheckRuns).
    void runs.start(req.session.user ?? '').catch(() => undefined);
    res.redirect(303, input.value.return);
  });

  api.get('/check', async (req, res) => {
    const last = await kit.askAgent<CheckResultView | null>(req, 'check.last');
    if (!last.ok) return apiError(res, last.status, last.code, last.text);
    res.json({ running: runs.running(), last: last.value });
  });
  api.post('/check', async (req, res) => {
    const m = messagesFor(kit.language(req));
    const input = readInput(CheckJson, req.body ?? {});
    if (!input.ok) return apiError(res, 400, input.problem, m.input[input.problem]);
    try {
      res.json(await runs.start(req.session.user ?? ''));
    } catch (error) {
      kit.log.warn({ err: error }, 'function test not run for the API');
      apiError(res, 503, 'agentDown', m.api.agentDown);
    }
  });

  return { pages, api, state };
}
