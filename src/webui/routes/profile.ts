// The VPN profile and the tunnel, as pages and as JSON API routes: the profile's details, its
// import (a multipart upload, read and checked for its CSRF token here: the app's own check runs
// before a body is read), and the tunnel's support actions. Every refusal says why in the page's
// language and changes nothing; a success on a page redirects (303) to the page with a note.
import express, { type Request, type Response, type Router } from 'express';
import { messagesFor } from '../i18n/index.ts';
import { apiError } from '../api/v1.ts';
import { readInput, ProfilePassword, TunnelAction } from '../api/schemas.ts';
import { agentRefusal } from '../pages/agentError.ts';
import { ProfilePage, type Outcome } from '../pages/profilePage.ts';
import type { ProfileView } from '../status/profileView.ts';
import { MAX_PROFILE_BYTES, readProfileUpload } from '../upload.ts';
import { takeNote, type RouteKit } from './kit.ts';

const MAX_KIB = MAX_PROFILE_BYTES / 1024;

/** Where the app must not check the CSRF token before the route has read the body. */
export const UPLOAD_PATHS: readonly string[] = ['/profile', '/api/v1/profile'];

type ImportResult = { ok: true; profile: ProfileView } | { ok: false; status: number; code: string; text: string };

export function profileRoutes(kit: RouteKit): { pages: Router; api: Router } {
  const pages = express.Router();
  const api = express.Router();

  const showPage = async (req: Request, res: Response, status: number, outcome?: Outcome) => {
    const session = kit.session(req, res);
    const [profile, overview] = await Promise.all([
      kit.ask(session.user, 'profile.show').then((p) => p as ProfileView | null, () => undefined),
      kit.status().catch(() => undefined),
    ]);
    const shown = outcome ?? takeNote(req);
    kit.render(res, status, ProfilePage({ language: kit.language(req), fingerprint: kit.fingerprint, session, profile, tunnel: overview?.tunnel, maxKiB: MAX_KIB, now: kit.now(), ...(shown ? { outcome: shown } : {}) }));
  };

  /** Reads the upload, checks the token, asks the agent; the same for the page and the API. */
  const importProfile = async (req: Request, res: Response): Promise<ImportResult | 'csrf'> => {
    const m = messagesFor(kit.language(req));
    const upload = await readProfileUpload(req, res);
    // An upload that could not be read changes nothing, whatever token it may have carried.
    if (!upload.ok) return upload.reason === 'tooLarge' ? { ok: false, status: 413, code: 'tooLarge', text: m.profile.tooLarge(MAX_KIB) } : { ok: false, status: 400, code: 'badUpload', text: m.profile.badUpload };
    // The token is checked once the body is read: a form sends it as a field of the upload.
    if (!kit.csrfValid(req)) return 'csrf';
    if (!upload.file || upload.file.length === 0) return { ok: false, status: 400, code: 'noFile', text: m.profile.noFile };
    const password = readInput(ProfilePassword, upload.fields.password);
    if (!password.ok) return { ok: false, status: 400, code: password.problem, text: m.input[password.problem] };
    const user = req.session.user ?? '';
    try {
      const profile = (await kit.ask(user, 'profile.import', { profile: upload.file.toString('base64'), ...(password.value ? { password: password.value } : {}) })) as ProfileView;
      kit.log.info({ user, fingerprint256: profile.certificate.fingerprint256 }, 'VPN profile imported from the web UI');
      return { ok: true, profile };
    } catch (error) {
      const refusal = agentRefusal(m, error);
      if (!refusal) throw error;
      kit.log.warn({ user, code: refusal.code }, 'VPN profile import refused');
      return { ok: false, status: refusal.status, code: refusal.code, text: refusal.text };
    }
  };

  const tunnelAction = async (req: Request, action: unknown): Promise<{ ok: true; action: 'up' | 'down' | 'restart'; result: unknown } | { ok: false; status: number; code: string; text: string }> => {
    const m = messagesFor(kit.language(req));
    const which = readInput(TunnelAction, action);
    if (!which.ok) return { ok: false, status: 404, code: which.problem, text: m.input[which.problem] };
    try {
      return { ok: true, action: which.value, result: await kit.ask(req.session.user ?? '', `tunnel.${which.value}`) };
    } catch (error) {
      const refusal = agentRefusal(m, error);
      if (!refusal) throw error;
      return { ok: false, status: refusal.status, code: refusal.code, text: refusal.text };
    }
  };

  pages.get('/profile', (req, res) => showPage(req, res, 200));
  pages.post('/profile', async (req, res) => {
    const result = await importProfile(req, res);
    if (result === 'csrf') return kit.refuse(req, res, 403, messagesFor(kit.language(req)).errors.csrf);
    if (!result.ok) return showPage(req, res, result.status, { kind: 'error', text: result.text });
    req.session.note = messagesFor(kit.language(req)).profile.imported;
    res.redirect(303, '/profile');
  });
  pages.post('/tunnel/:action', async (req, res) => {
    const result = await tunnelAction(req, req.params.action);
    if (!result.ok) return showPage(req, res, result.status, { kind: 'error', text: result.text });
    req.session.note = messagesFor(kit.language(req)).tunnel.done[result.action];
    res.redirect(303, '/profile');
  });

  api.get('/profile', async (req, res) => {
    res.json({ profile: (await kit.ask(req.session.user ?? '', 'profile.show')) as ProfileView | null });
  });
  api.post('/profile', async (req, res) => {
    const result = await importProfile(req, res);
    if (result === 'csrf') return apiError(res, 403, 'csrf', messagesFor(kit.language(req)).api.csrf);
    if (!result.ok) return apiError(res, result.status, result.code, result.text);
    res.json({ profile: result.profile });
  });
  api.get('/tunnel', async (req, res) => {
    res.json(await kit.ask(req.session.user ?? '', 'tunnel.status'));
  });
  api.post('/tunnel/:action', async (req, res) => {
    const result = await tunnelAction(req, req.params.action);
    if (!result.ok) return apiError(res, result.status, result.code, result.text);
    res.json(result.result);
  });
  return { pages, api };
}
