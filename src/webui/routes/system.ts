// The system page and its JSON API routes: the firmware, the firewall, the services that listen,
// the security log's download (streamed from the agent's control API to the browser, so its size
// is limited by neither side's memory nor a request limit) and the restart, which the page asks to
// be confirmed by a tick box; a settings backup made and downloaded, and a backup checked against
// the box (the agent opens it and says what restoring it would change).
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response, type Router } from 'express';
import * as v from 'valibot';
import { apiError } from '../api/v1.ts';
import { messagesFor } from '../i18n/index.ts';
import { agentRefusal } from '../pages/agentError.ts';
import type { Outcome } from '../pages/profilePage.ts';
import { SystemPage } from '../pages/systemPage.ts';
import { firewallOf, type BackupPreviewView, type ListeningView, type SlotsView, type SystemStatusView } from '../status/systemView.ts';
import { MAX_BACKUP_BYTES } from '../../control/protocol.ts';
import { readBackupUpload } from '../upload.ts';
import type { RouteKit } from './kit.ts';

/** Where the app must not check the CSRF token before the route has read the body (a multipart upload). */
export const BACKUP_UPLOAD_PATHS: readonly string[] = ['/system/backup/inspect'];

const MAX_BACKUP_KIB = MAX_BACKUP_BYTES / 1024;

/** The name under which the agent streams the security log. */
const SECURITY_LOG = 'security-log';

/** The restart's confirmation: the page's tick box, or `{ "confirm": true }` from the API. */
const RebootForm = v.object({ confirm: v.literal('yes') });
const RebootJson = v.strictObject({ confirm: v.literal(true) });

export function systemRoutes(kit: RouteKit): { pages: Router; api: Router } {
  const pages = express.Router();
  const api = express.Router();

  const read = async (user: string) => {
    const [status, updates, ruleset, listening] = await Promise.all([
      kit.status().then((s) => s as SystemStatusView, () => undefined),
      kit.ask(user, 'update.status').then((u) => (u as SlotsView).system, () => undefined),
      kit.ask(user, 'firewall.print', {}).then((p) => (p as { ruleset: string }).ruleset, () => undefined),
      kit.ask(user, 'system.listening').then((l) => l as ListeningView[], () => undefined),
    ]);
    return { version: status?.version, slots: updates, firewall: firewallOf(status), ruleset, listening };
  };

  const showPage = async (req: Request, res: Response, status: number, outcome?: Outcome, preview?: BackupPreviewView) => {
    const session = kit.session(req, res);
    const view = await read(session.user);
    kit.render(
      res,
      status,
      SystemPage({ language: kit.language(req), fingerprint: kit.fingerprint, session, ...view, host: req.hostname, ...(outcome ? { outcome } : {}), ...(preview ? { preview } : {}) }),
    );
  };

  /** Asks the agent; its refusal in words, anything else thrown on. */
  /** Asks the agent to restart the box; a refusal in words. */
  const reboot = async (req: Request) => {
    const asked = await kit.askAgent(req, 'system.reboot');
    if (asked.ok) kit.log.warn({ user: req.session.user }, 'restart asked for from the web UI');
    return asked;
  };

  pages.get('/system', (req, res) => showPage(req, res, 200));
  pages.post('/system/reboot', async (req, res) => {
    const m = messagesFor(kit.language(req));
    if (!v.is(RebootForm, req.body)) return showPage(req, res, 400, { kind: 'error', text: m.system.rebootNotConfirmed });
    const result = await reboot(req);
    if (!result.ok) return showPage(req, res, result.status, { kind: 'error', text: result.text });
    // No redirect: the page that would answer it goes down with the box.
    await showPage(req, res, 202, { kind: 'success', text: m.system.rebooting });
  });
  pages.post('/system/backup', async (req, res) => {
    const m = messagesFor(kit.language(req));
    const body = (req.body ?? {}) as Record<string, unknown>;
    const [passphrase, repeat] = [body.passphrase, body.passphraseRepeat].map((v) => (typeof v === 'string' ? v.slice(0, 257) : ''));
    if (passphrase !== repeat) return showPage(req, res, 422, { kind: 'error', text: m.system.passphraseMismatch });
    const made = await kit.askAgent<{ name: string; file: string }>(req, 'backup.create', { passphrase });
    if (!made.ok) return showPage(req, res, made.status, { kind: 'error', text: made.text });
    const name = /^[\w.-]+$/.test(made.value.name) ? made.value.name : 'tibox-backup.tibox';
    res.status(200).set({ 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' }).send(Buffer.from(made.value.file, 'base64'));
  });
  pages.post('/system/backup/inspect', async (req, res) => {
    const m = messagesFor(kit.language(req));
    const upload = await readBackupUpload(req, res);
    if (!upload.ok) return showPage(req, res, upload.reason === 'tooLarge' ? 413 : 400, { kind: 'error', text: upload.reason === 'tooLarge' ? m.system.tooLarge(MAX_BACKUP_KIB) : m.system.badUpload });
    // The token is checked once the body is read: a form sends it as a field of the upload.
    if (!kit.csrfValid(req)) return kit.refuse(req, res, 403, m.errors.csrf);
    if (!upload.file || upload.file.length === 0) return showPage(req, res, 400, { kind: 'error', text: m.system.noFile });
    const passphrase = typeof upload.fields.passphrase === 'string' ? upload.fields.passphrase.slice(0, 257) : '';
    const preview = await kit.askAgent<BackupPreviewView>(req, 'backup.inspect', { file: upload.file.toString('base64'), passphrase });
    if (!preview.ok) return showPage(req, res, preview.status, { kind: 'error', text: preview.text });
    await showPage(req, res, 200, undefined, preview.value);
  });
  pages.get('/system/security-log', async (req, res) => {
    if (!kit.download) return kit.refuse(req, res, 404, messagesFor(kit.language(req)).errors.notFound);
    let log;
    try {
      log = await kit.download(req.session.user ?? '', SECURITY_LOG);
    } catch (error) {
      const refusal = agentRefusal(messagesFor(kit.language(req)), error);
      if (!refusal) throw error;
      return kit.refuse(req, res, refusal.status, refusal.text);
    }
    const day = kit.now().toISOString().slice(0, 10);
    res.status(200).set({ 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': `attachment; filename="tibox-security-log-${day}.txt"`, 'Cache-Control': 'no-store' });
    // A transfer cut on either side ends the other: the browser never keeps a cut file as whole.
    await pipeline(log, res).catch((error: unknown) => kit.log.warn({ err: error }, 'security log download cut'));
  });

  api.get('/system', async (req, res) => {
    res.json(await read(req.session.user ?? ''));
  });
  api.post('/system/reboot', async (req, res) => {
    const m = messagesFor(kit.language(req));
    if (!v.is(RebootJson, req.body)) return apiError(res, 400, 'rebootNotConfirmed', m.system.rebootNotConfirmed);
    const result = await reboot(req);
    if (!result.ok) return apiError(res, result.status, result.code, result.text);
    res.status(202).json({ rebooting: true });
  });
  return { pages, api };
}
