// The network settings, as a page and as JSON API routes: reading them with the pending change
// and the routing table, changing them (the agent applies a network change at once and rolls it
// back unless it is confirmed in time), and the confirmation and the rollback. A refusal shows
// the agent's reasons field by field and changes nothing; a success redirects (303) with a note.
import express, { type Request, type Response, type Router } from 'express';
import { apiError } from '../api/v1.ts';
import { ConfirmForm, ConfirmJson, NetworkForm, NetworkJson, readInput } from '../api/schemas.ts';
import { messagesFor } from '../i18n/index.ts';
import { NetworkPage, type NetworkFormValues } from '../pages/networkPage.ts';
import type { Outcome } from '../pages/profilePage.ts';
import { confirmElsewhere, networkChange, wanStateOf, type NetworkRequest, type NetworkSettings, type PendingView, type RouteView, type SubsystemsView } from '../status/networkView.ts';
import { takeNote, type RouteKit } from './kit.ts';

type Refused = { ok: false; status: number; code: string; text: string; fields?: readonly { path: string; message: string }[] };

export function networkRoutes(kit: RouteKit): { pages: Router; api: Router } {
  const pages = express.Router();
  const api = express.Router();

  const read = async (user: string) => {
    const [config, pending, routes, status] = await Promise.all([
      kit.ask(user, 'config.get').then((c) => (c as { config: NetworkSettings }).config, () => undefined),
      kit.ask(user, 'config.pending').then((p) => p as PendingView | null, () => undefined),
      kit.ask(user, 'network.routes').then((r) => r as RouteView[], () => undefined),
      kit.status().then((s) => s as SubsystemsView, () => undefined),
    ]);
    const settings = config ? { wan: config.wan, interfaces: config.interfaces } : undefined;
    return { settings, pending, routes, wanState: wanStateOf(status) };
  };

  const showPage = async (req: Request, res: Response, status: number, shown?: { outcome?: Outcome; form?: NetworkFormValues; refusals?: Refused['fields'] }) => {
    const session = kit.session(req, res);
    const view = await read(session.user);
    const outcome = shown?.outcome ?? takeNote(req);
    const confirmAt = view.pending && view.settings ? confirmElsewhere(view.pending, view.settings, req.hostname) : undefined;
    kit.render(
      res,
      status,
      NetworkPage({
        language: kit.language(req),
        fingerprint: kit.fingerprint,
        session,
        ...view,
        ...(confirmAt ? { confirmAt } : {}),
        ...(shown?.form ? { form: shown.form } : {}),
        ...(outcome ? { outcome } : {}),
        ...(shown?.refusals ? { refusals: shown.refusals } : {}),
      }),
    );
  };

  /** Asks the agent; a refusal in words (with the fields it names), anything else thrown on. */
  /** A refused config names the fields it refused, for the form to mark. */
  const askAgent = async <T>(req: Request, action: string, args?: unknown): Promise<{ ok: true; value: T } | Refused> => {
    const asked = await kit.askAgent<T>(req, action, args);
    if (asked.ok) return asked;
    const fields = asked.code === 'TIBOX_CONFIG_INVALID' ? fieldErrors(asked.details) : undefined;
    return { ok: false, status: asked.status, code: asked.code, text: asked.text, ...(fields ? { fields } : {}) };
  };

  const change = (req: Request, request: NetworkRequest, timeoutS: number | undefined) =>
    askAgent<{ revision: number; changes: readonly { path: string; old: unknown; new: unknown }[]; pending?: PendingView }>(req, 'config.commit', { change: networkChange(request), ...(timeoutS === undefined ? {} : { timeoutS }) });

  pages.get('/network', (req, res) => showPage(req, res, 200));
  pages.post('/network', async (req, res) => {
    const m = messagesFor(kit.language(req));
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = typedValues(body);
    const input = readInput(NetworkForm, body);
    if (!input.ok) return showPage(req, res, 400, { outcome: { kind: 'error', text: m.input[input.problem] }, form: typed });
    const { wanMode, wanAddress, wanGateway, wanResolvers, lanFallback, terminals, timeoutS } = input.value;
    const result = await change(req, { wan: { mode: wanMode, address: wanAddress, gateway: wanGateway, resolvers: wanResolvers }, lanFallback, terminals }, timeoutS);
    if (!result.ok) return showPage(req, res, result.status, { outcome: { kind: 'error', text: result.text }, form: typed, ...(result.fields ? { refusals: result.fields } : {}) });
    req.session.note = result.value.pending ? m.network.pendingNote(result.value.pending.remainingS) : m.network.unchanged;
    res.redirect(303, nextPage(result.value.changes, req.hostname));
  });
  pages.post('/network/confirm', async (req, res) => {
    const m = messagesFor(kit.language(req));
    const input = readInput(ConfirmForm, req.body);
    if (!input.ok) return showPage(req, res, 400, { outcome: { kind: 'error', text: m.input[input.problem] } });
    const result = await askAgent(req, 'config.confirm', { revision: input.value.revision });
    if (!result.ok) return showPage(req, res, result.status, { outcome: { kind: 'error', text: result.text } });
    req.session.note = m.network.confirmed;
    res.redirect(303, '/network');
  });
  pages.post('/network/rollback', async (req, res) => {
    const result = await askAgent(req, 'config.rollback');
    if (!result.ok) return showPage(req, res, result.status, { outcome: { kind: 'error', text: result.text } });
    req.session.note = messagesFor(kit.language(req)).network.rolledBack;
    res.redirect(303, '/network');
  });

  api.get('/network', async (req, res) => {
    res.json(await read(req.session.user ?? ''));
  });
  api.post('/network', async (req, res) => {
    const input = readInput(NetworkJson, req.body);
    if (!input.ok) return apiError(res, 400, input.problem, messagesFor(kit.language(req)).input[input.problem]);
    const { timeoutS, ...request } = input.value;
    const result = await change(req, request, timeoutS);
    if (!result.ok) return res.status(result.status).json({ error: { code: result.code, message: result.text, ...(result.fields ? { fields: result.fields } : {}) } });
    res.json(result.value);
  });
  api.post('/network/confirm', async (req, res) => {
    const input = readInput(ConfirmJson, req.body ?? {});
    if (!input.ok) return apiError(res, 400, input.problem, messagesFor(kit.language(req)).input[input.problem]);
    const result = await askAgent(req, 'config.confirm', input.value.revision === undefined ? {} : { revision: input.value.revision });
    if (!result.ok) return apiError(res, result.status, result.code, result.text);
    res.json(result.value);
  });
  api.post('/network/rollback', async (req, res) => {
    const result = await askAgent(req, 'config.rollback');
    if (!result.ok) return apiError(res, result.status, result.code, result.text);
    res.json(result.value);
  });
  return { pages, api };
}

/**
 * Where the browser goes after a change: the network page, at the box's new fixed address when
 * the change moved the address the page was opened at, which the box no longer answers at. The
 * session stays with the old address (its cookie is that host's), so the user logs in there anew,
 * and confirms from there.
 */
export function nextPage(changes: readonly { path: string; old: unknown; new: unknown }[], host: string): string {
  const moved = changes.find((c) => c.path === 'interfaces.lanFallback');
  const address = (value: unknown) => (typeof value === 'string' ? value.split('/')[0] : undefined);
  const to = address(moved?.new);
  return moved && to && address(moved.old) === host ? `https://${to}/network` : '/network';
}

/** The agent's field errors of a refused config change (its details: [{ path, message }]). */
function fieldErrors(details: unknown): { path: string; message: string }[] | undefined {
  if (!Array.isArray(details)) return undefined;
  return details.flatMap((d: unknown) => {
    const { path, message } = (d ?? {}) as { path?: unknown; message?: unknown };
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message }] : [];
  });
}

/** What was typed, shown again beside a refusal (each field cut to its form's length). */
function typedValues(body: Record<string, unknown>): NetworkFormValues {
  const text = (name: string, max: number) => (typeof body[name] === 'string' ? body[name].slice(0, max) : '');
  return {
    wanMode: body.wanMode === 'static' ? 'static' : 'dhcp',
    wanAddress: text('wanAddress', 18),
    wanGateway: text('wanGateway', 15),
    wanResolvers: text('wanResolvers', 200),
    lanFallback: text('lanFallback', 18),
    terminals: text('terminals', 200),
    timeoutS: text('timeoutS', 4),
  };
}
