// What the routes behind the login share, handed over by the app (app.ts): the agent, the
// visitor's language and session, rendering, and the CSRF check for the routes that read their
// body themselves (uploads).
import type { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import type { VNode } from 'preact';
import { ControlApiError } from '../../control/client.ts';
import type { Logger } from '../../core/log.ts';
import { messagesFor, type Language } from '../i18n/index.ts';
import { agentRefusal } from '../pages/agentError.ts';
import type { Outcome } from '../pages/profilePage.ts';
import type { OverviewStatus } from '../status/agentView.ts';

/** The agent's answer to an action, or its refusal in the visitor's language with what came with it. */
export type Asked<T> = { ok: true; value: T } | { ok: false; status: number; code: string; text: string; details: unknown };

export interface RouteKit {
  /** A named action of the agent, asked for web UI user `user`. */
  ask: (user: string, action: string, args?: unknown) => Promise<unknown>;
  /** A named action asked for the request's user; a refusal is answered in words, anything else thrown. */
  askAgent: <T = unknown>(req: Request, action: string, args?: unknown) => Promise<Asked<T>>;
  status: () => Promise<OverviewStatus>;
  fingerprint: string;
  log: Logger;
  now: () => Date;
  language: (req: Request) => Language;
  /** The logged-in user and a fresh CSRF token for the page's forms (the routes run behind requireLogin). */
  session: (req: Request, res: Response) => { user: string; csrf: string };
  render: (res: Response, status: number, root: VNode) => void;
  /** An error page in the visitor's language. */
  refuse: (req: Request, res: Response, status: number, text: string) => void;
  /** Checks the request's CSRF token; false when it is missing or not this session's. */
  csrfValid: (req: Request) => boolean;
  /** Ends every session of the request's user, this one too, and clears its cookie (after a factory reset). */
  endSessions: (req: Request, res: Response) => Promise<void>;
  /** A file the agent streams (its control API's downloads), for web UI user `user`; absent where no agent socket serves them. */
  download?: (user: string, name: string) => Promise<Readable>;
}

/** A success note left by the post that redirected here (303), shown once. */
export function takeNote(req: Request): Outcome | undefined {
  const note = req.session.note;
  delete req.session.note;
  return note ? { kind: 'success', text: note } : undefined;
}

/** RouteKit.askAgent over `ask`: the refusal translated for the page and logged with who was refused. */
export function askAgentWith(ask: RouteKit['ask'], language: RouteKit['language'], log: Logger): RouteKit['askAgent'] {
  return async <T>(req: Request, action: string, args?: unknown): Promise<Asked<T>> => {
    const user = req.session.user ?? '';
    try {
      return { ok: true, value: (await ask(user, action, args)) as T };
    } catch (error) {
      const refusal = agentRefusal(messagesFor(language(req)), error);
      if (!refusal) throw error;
      log.warn({ user, action, code: refusal.code }, 'action refused by the agent');
      return { ok: false, ...refusal, details: error instanceof ControlApiError ? error.details : undefined };
    }
  };
}
