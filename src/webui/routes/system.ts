// The system page and its JSON API routes: the firmware, the firewall, the services that listen,
// the security log's download (streamed from the agent's control API to the browser, so its size
// is limited by neither side's memory nor a request limit) and the restart, which the page asks to
// be confirmed by a tick box; a settings backup made and downloaded, a backup checked against the
// box (the agent opens it and says what restoring it would change) and then restored, a backup of
// another box only with a tick naming both; and the factory reset, confirmed by the serial number
// typed, which ends the user's sessions.
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response, type Router } from 'express';
import * as v from 'valibot';
import { apiError } from '../api/v1.ts';
import { messagesFor } from '../i18n/index.ts';
import { agentRefusal } from '../pages/agentError.ts';
import type { Outcome } from '../pages/profilePage.ts';
import { SystemPage } from '../pages/systemPage.ts';
import { firewallOf, type BackupPreviewView, type ListeningView, type ProtocolEntryView, type SlotsView, type SystemStatusView } from '../status/systemView.ts';
import { MAX_BACKUP_BYTES } from '../../control/protocol.ts';
import { readBackupUpload } from '../upload.ts';
import { HeldBackups } from './heldBackups.ts';
import { takeNote, type RouteKit } from './kit.ts';

/** Where the app must not check the CSRF token before the route has read the body (a multipart upload). */
export const BACKUP_UPLOAD_PATHS: readonly string[] = ['/system/backup/inspect', '/api/v1/system/backup/inspect', '/api/v1/system/backup/restore'];

const MAX_BACKUP_KIB = MAX_BACKUP_BYTES / 1024;

/** The name under which the agent streams the security log. */
const SECURITY_LOG = 'security-log';

/** The restart's confirmation: the page's tick box, or `{ "confirm": true }` from the API. */
const RebootForm = v.object({ confirm: v.literal('yes') });
const RebootJson = v.strictObject({ confirm: v.literal(true) });
const BackupJson = v.strictObject({ passphrase: v.pipe(v.string(), v.maxLength(256)) });
const FactoryResetJson = v.strictObject({ confirm: v.pipe(v.string(), v.maxLength(64)) });

/** What a restore answers (the agent's backup.restore). */
interface RestoredView extends BackupPreviewView {
  revision: number;
  pending: { deadline: string } | null;
}

/** A form field as text, cut to `max` characters; '' when absent. */
const text = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : '');

export function systemRoutes(kit: RouteKit): { pages: Router; api: Router; held: HeldBackups } {
  const pages = express.Router();
  const api = express.Router();
  const held = new HeldBackups();

  const read = async (user: string) => {
    const [status, updates, ruleset, listening, protocols] = await Promise.all([
      kit.status().then((s) => s as SystemStatusView, () => undefined),
      kit.ask(user, 'update.status').then((u) => (u as SlotsView).system, () => undefined),
      kit.ask(user, 'firewall.print', {}).then((p) => (p as { ruleset: string }).ruleset, () => undefined),
      kit.ask(user, 'system.listening').then((l) => l as ListeningView[], () => undefined),
      kit.ask(user, 'protocol.list').then((p) => p as ProtocolEntryView[], () => undefined),
    ]);
    const provisioning = status?.provisioning;
    return { version: status?.version, slots: updates, firewall: firewallOf(status), ruleset, listening, protocols, serial: provisioning?.state === 'provisioned' ? provisioning.serial : undefined };
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

  /** Asks the agent to restart the box; a refusal in words. */
  const reboot = async (req: Request) => {
    const asked = await kit.askAgent(req, 'system.reboot');
    if (asked.ok) kit.log.warn({ user: req.session.user }, 'restart asked for from the web UI');
    return asked;
  };

  /** An upload of a backup with its passphrase (and for a restore its tick), read and checked; the agent is not asked yet. */
  const readUpload = async (req: Request, res: Response) => {
    const m = messagesFor(kit.language(req));
    const upload = await readBackupUpload(req, res);
    if (!upload.ok) return { ok: false as const, status: upload.reason === 'tooLarge' ? 413 : 400, code: upload.reason, text: upload.reason === 'tooLarge' ? m.system.tooLarge(MAX_BACKUP_KIB) : m.system.badUpload };
    // The token is checked once the body is read: a form sends it as a field of the upload.
    if (!kit.csrfValid(req)) return { ok: false as const, status: 403, code: 'csrf', text: m.errors.csrf };
    if (!upload.file || upload.file.length === 0) return { ok: false as const, status: 400, code: 'noFile', text: m.system.noFile };
    return { ok: true as const, file: upload.file, passphrase: text(upload.fields.passphrase, 257), acceptOtherBox: upload.fields.acceptOtherBox === 'true' };
  };

  /** Restores a backup; refusals in words. */
  const restore = async (req: Request, backup: { file: Buffer; passphrase: string; acceptOtherBox: boolean }) => {
    const restored = await kit.askAgent<RestoredView>(req, 'backup.restore', { file: backup.file.toString('base64'), passphrase: backup.passphrase, acceptOtherBox: backup.acceptOtherBox });
    if (restored.ok) kit.log.warn({ user: req.session.user, revision: restored.value.revision }, 'settings backup restored from the web UI');
    return restored;
  };

  /** Resets the box; on success every session of the user ends, since its password is the initial one again. */
  const factoryReset = async (req: Request, res: Response, confirm: string) => {
    const user = req.session.user;
    const reset = await kit.askAgent<{ revision: number }>(req, 'system.factoryReset', { confirm });
    if (!reset.ok) return reset;
    kit.log.warn({ user }, 'factory reset from the web UI');
    held.drop(req.session.id);
    await kit.endSessions(req, res);
    return reset;
  };

  pages.get('/system', (req, res) => showPage(req, res, 200, takeNote(req)));
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
    const upload = await readUpload(req, res);
    // A new check, whatever comes of it, ends the one before: only the backup last shown is restored.
    held.drop(req.session.id);
    if (!upload.ok) return upload.code === 'csrf' ? kit.refuse(req, res, 403, upload.text) : showPage(req, res, upload.status, { kind: 'error', text: upload.text });
    const preview = await kit.askAgent<BackupPreviewView>(req, 'backup.inspect', { file: upload.file.toString('base64'), passphrase: upload.passphrase });
    if (!preview.ok) return showPage(req, res, preview.status, { kind: 'error', text: preview.text });
    held.hold(req.session.id, { file: upload.file, passphrase: upload.passphrase, preview: preview.value });
    await showPage(req, res, 200, undefined, preview.value);
  });
  pages.post('/system/backup/restore', async (req, res) => {
    const m = messagesFor(kit.language(req));
    const backup = held.get(req.session.id);
    if (!backup) return showPage(req, res, 409, { kind: 'error', text: m.system.restoreNotHeld });
    const restored = await restore(req, { ...backup, acceptOtherBox: (req.body as Record<string, unknown> | undefined)?.acceptOtherBox === 'yes' });
    // Refused, the backup stays held and its preview shown again: a missing tick is put right at once.
    if (!restored.ok) return showPage(req, res, restored.status, { kind: 'error', text: restored.text }, backup.preview);
    held.drop(req.session.id);
    req.session.note = restored.value.pending ? m.system.restoredPending : m.system.restored;
    res.redirect(303, '/system');
  });
  pages.post('/system/factory-reset', async (req, res) => {
    const reset = await factoryReset(req, res, text((req.body as Record<string, unknown> | undefined)?.confirm, 64));
    if (!reset.ok) return showPage(req, res, reset.status, { kind: 'error', text: reset.text });
    res.redirect(303, '/login');
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

  // A protocol is a few kilobytes: it comes in the action's answer, not as a stream.
  pages.get('/system/protocols/:file', async (req, res) => {
    const m = messagesFor(kit.language(req));
    const id = /^([1-9][0-9]{0,8})\.pdf$/.exec(req.params.file ?? '')?.[1];
    const lang = req.query.lang ?? kit.language(req);
    if (!id || (lang !== 'de' && lang !== 'en')) return kit.refuse(req, res, 404, m.errors.notFound);
    const asked = await kit.askAgent<{ filename: string; pdf: string }>(req, 'protocol.get', { id: Number(id), lang, format: 'pdf' });
    if (!asked.ok) return kit.refuse(req, res, asked.status, asked.text);
    res.status(200).set({ 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${asked.value.filename}"`, 'Cache-Control': 'no-store' });
    res.send(Buffer.from(asked.value.pdf, 'base64'));
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
  api.post('/system/backup', async (req, res) => {
    const m = messagesFor(kit.language(req));
    if (!v.is(BackupJson, req.body)) return apiError(res, 400, 'badRequest', m.errors.badRequest);
    const made = await kit.askAgent<{ name: string; file: string }>(req, 'backup.create', { passphrase: req.body.passphrase });
    if (!made.ok) return apiError(res, made.status, made.code, made.text);
    res.set('Cache-Control', 'no-store').json(made.value);
  });
  api.post('/system/backup/inspect', async (req, res) => {
    const upload = await readUpload(req, res);
    if (!upload.ok) return apiError(res, upload.status, upload.code, upload.text);
    const preview = await kit.askAgent<BackupPreviewView>(req, 'backup.inspect', { file: upload.file.toString('base64'), passphrase: upload.passphrase });
    if (!preview.ok) return apiError(res, preview.status, preview.code, preview.text);
    res.json(preview.value);
  });
  api.post('/system/backup/restore', async (req, res) => {
    const upload = await readUpload(req, res);
    if (!upload.ok) return apiError(res, upload.status, upload.code, upload.text);
    const restored = await restore(req, upload);
    if (!restored.ok) return apiError(res, restored.status, restored.code, restored.text);
    res.json(restored.value);
  });
  api.post('/system/factory-reset', async (req, res) => {
    const m = messagesFor(kit.language(req));
    if (!v.is(FactoryResetJson, req.body)) return apiError(res, 400, 'badRequest', m.errors.badRequest);
    const reset = await factoryReset(req, res, req.body.confirm);
    if (!reset.ok) return apiError(res, reset.status, reset.code, reset.text);
    res.json(reset.value);
  });
  return { pages, api, held };
}
