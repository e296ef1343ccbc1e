// The devices, as pages and as JSON API routes: the list with what the box found, register,
// rename, remove, and one device with its setup commands, reachability history and "why
// blocked". Input is read through its schema first (api/schemas.ts) and refused in words without
// asking the agent; the agent's own refusals are named by code. A form refused is shown again
// with what was typed; a success redirects (303) with a note.
import express, { type Request, type Response, type Router } from 'express';
import { messagesFor, type Messages } from '../i18n/index.ts';
import { apiError } from '../api/v1.ts';
import { DeviceId, readInput, RegistrationForm, RegistrationJson, RenameForm, RenameJson } from '../api/schemas.ts';
import { agentRefusal } from '../pages/agentError.ts';
import { DevicePage } from '../pages/devicePage.ts';
import { DevicesPage, type RegistrationValues } from '../pages/devicesPage.ts';
import type { Outcome } from '../pages/profilePage.ts';
import type { CandidateView, DeviceView, NeighbourView, SetupView, TransitionView, WhyView } from '../status/deviceView.ts';
import { takeNote, type RouteKit } from './kit.ts';

type Refused = { ok: false; status: number; code: string; text: string };
type Done<T> = { ok: true; value: T } | Refused;

export function deviceRoutes(kit: RouteKit): { pages: Router; api: Router } {
  const pages = express.Router();
  const api = express.Router();
  const userOf = (req: Request) => req.session.user ?? '';
  const messages = (req: Request) => messagesFor(kit.language(req));

  /** Asks the agent; its refusal becomes words, anything else (a bug) goes to the app's error handler. */
  const act = async <T>(req: Request, action: string, args: unknown): Promise<Done<T>> => {
    try {
      return { ok: true, value: (await kit.ask(userOf(req), action, args)) as T };
    } catch (error) {
      const refusal = agentRefusal(messages(req), error);
      if (!refusal) throw error;
      kit.log.warn({ user: userOf(req), action, code: refusal.code }, 'device change refused');
      return { ok: false, ...refusal };
    }
  };
  const optional = <T>(req: Request, action: string, args?: unknown): Promise<T | undefined> => kit.ask(userOf(req), action, args).then((v) => v as T, () => undefined);
  const inputRefusal = (m: Messages, problem: keyof Messages['input'], status: number): Refused => ({ ok: false, status, code: problem, text: m.input[problem] });

  const listPage = async (req: Request, res: Response, status: number, form: RegistrationValues, outcome?: Outcome) => {
    const [devices, terminals, neighbours] = await Promise.all([
      optional<DeviceView[]>(req, 'devices.list'),
      optional<CandidateView[]>(req, 'devices.terminals'),
      optional<NeighbourView[]>(req, 'devices.neighbours'),
    ]);
    const shown = outcome ?? takeNote(req);
    kit.render(res, status, DevicesPage({ language: kit.language(req), fingerprint: kit.fingerprint, session: kit.session(req, res), devices, terminals, neighbours, form, ...(shown ? { outcome: shown } : {}) }));
  };

  const devicePage = async (req: Request, res: Response, id: number, status: number, extra: { newName?: string; outcome?: Outcome } = {}) => {
    const device = await act<DeviceView>(req, 'devices.show', { device: id });
    if (!device.ok) return kit.refuse(req, res, device.status, device.text);
    const [setup, history, why] = await Promise.all([
      device.value.kind === 'pvs' ? optional<SetupView>(req, 'devices.setupCommands', { device: id }) : Promise.resolve(undefined),
      device.value.kind === 'terminal' ? optional<TransitionView[]>(req, 'devices.reachability', { device: id, limit: 20 }) : Promise.resolve(undefined),
      optional<WhyView>(req, 'firewall.why', { device: String(id), limit: 20 }),
    ]);
    const outcome = extra.outcome ?? takeNote(req);
    kit.render(res, status, DevicePage({ language: kit.language(req), fingerprint: kit.fingerprint, session: kit.session(req, res), device: device.value, setup, history, why, ...(extra.newName === undefined ? {} : { newName: extra.newName }), ...(outcome ? { outcome } : {}) }));
  };

  /** The device's number from the path, or a page that says there is none. */
  const idOf = (req: Request): number | undefined => {
    const id = readInput(DeviceId, req.params.id);
    return id.ok ? id.value : undefined;
  };

  pages.get('/devices', (req, res) => {
    // A link from a found terminal or host fills the form in; the values are only shown, escaped.
    const query = req.query as Record<string, unknown>;
    const text = (key: string) => (typeof query[key] === 'string' ? (query[key] as string).slice(0, 64) : undefined);
    const form: RegistrationValues = {};
    for (const key of ['kind', 'mac', 'address'] as const) {
      const value = text(key);
      if (value !== undefined) form[key] = value;
    }
    return listPage(req, res, 200, form);
  });
  pages.post('/devices', async (req, res) => {
    const m = messages(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = typedValues(body);
    const input = readInput(RegistrationForm, body);
    if (!input.ok) return listPage(req, res, 422, typed, { kind: 'error', text: m.input[input.problem] });
    const done = await act<DeviceView>(req, 'devices.register', input.value);
    if (!done.ok) return listPage(req, res, done.status, typed, { kind: 'error', text: done.text });
    req.session.note = m.devices.registeredOk(done.value.name);
    res.redirect(303, `/devices/${done.value.id}`);
  });
  pages.get('/devices/:id', (req, res) => {
    const id = idOf(req);
    if (id === undefined) return kit.refuse(req, res, 404, messages(req).input.device);
    return devicePage(req, res, id, 200);
  });
  pages.post('/devices/:id/rename', async (req, res) => {
    const m = messages(req);
    const id = idOf(req);
    if (id === undefined) return kit.refuse(req, res, 404, m.input.device);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = typeof body.name === 'string' ? body.name.slice(0, 64) : '';
    const input = readInput(RenameForm, body);
    if (!input.ok) return devicePage(req, res, id, 422, { newName: typed, outcome: { kind: 'error', text: m.input[input.problem] } });
    const done = await act<DeviceView>(req, 'devices.change', { device: id, name: input.value.name });
    if (!done.ok) return devicePage(req, res, id, done.status, { newName: typed, outcome: { kind: 'error', text: done.text } });
    req.session.note = m.devices.renamedOk(done.value.name);
    res.redirect(303, `/devices/${id}`);
  });
  pages.post('/devices/:id/remove', async (req, res) => {
    const m = messages(req);
    const id = idOf(req);
    if (id === undefined) return kit.refuse(req, res, 404, m.input.device);
    const done = await act<DeviceView>(req, 'devices.remove', { device: id });
    if (!done.ok) return kit.refuse(req, res, done.status, done.text);
    req.session.note = m.devices.removedOk(done.value.name);
    res.redirect(303, '/devices');
  });

  api.get('/devices', async (req, res) => {
    const [devices, terminals, neighbours] = await Promise.all([kit.ask(userOf(req), 'devices.list'), kit.ask(userOf(req), 'devices.terminals'), kit.ask(userOf(req), 'devices.neighbours')]);
    res.json({ devices, terminals, neighbours });
  });
  api.post('/devices', async (req, res) => {
    const input = readInput(RegistrationJson, req.body);
    const done = input.ok ? await act<DeviceView>(req, 'devices.register', input.value) : inputRefusal(messages(req), input.problem, 400);
    if (!done.ok) return apiError(res, done.status, done.code, done.text);
    res.status(201).json(done.value);
  });
  api.get('/devices/:id', async (req, res) => {
    const id = idOf(req);
    if (id === undefined) return apiError(res, 404, 'device', messages(req).input.device);
    const device = await act<DeviceView>(req, 'devices.show', { device: id });
    if (!device.ok) return apiError(res, device.status, device.code, device.text);
    const [setup, reachability, why] = await Promise.all([
      device.value.kind === 'pvs' ? optional<SetupView>(req, 'devices.setupCommands', { device: id }) : Promise.resolve(undefined),
      device.value.kind === 'terminal' ? optional<TransitionView[]>(req, 'devices.reachability', { device: id, limit: 50 }) : Promise.resolve(undefined),
      optional<WhyView>(req, 'firewall.why', { device: String(id), limit: 20 }),
    ]);
    res.json({ device: device.value, setup: setup ?? null, reachability: reachability ?? null, why: why ?? null });
  });
  api.patch('/devices/:id', async (req, res) => {
    const id = idOf(req);
    if (id === undefined) return apiError(res, 404, 'device', messages(req).input.device);
    const input = readInput(RenameJson, req.body);
    const done = input.ok ? await act<DeviceView>(req, 'devices.change', { device: id, name: input.value.name }) : inputRefusal(messages(req), input.problem, 400);
    if (!done.ok) return apiError(res, done.status, done.code, done.text);
    res.json(done.value);
  });
  api.delete('/devices/:id', async (req, res) => {
    const id = idOf(req);
    if (id === undefined) return apiError(res, 404, 'device', messages(req).input.device);
    const done = await act<DeviceView>(req, 'devices.remove', { device: id });
    if (!done.ok) return apiError(res, done.status, done.code, done.text);
    res.json(done.value);
  });
  return { pages, api };
}

/** What the form had, to show again after a refusal (shortened: a 10 kB name is not worth echoing). */
function typedValues(body: Record<string, unknown>): RegistrationValues {
  const values: RegistrationValues = {};
  for (const key of ['kind', 'name', 'address', 'mac', 'cetpPorts'] as const) {
    const value = body[key];
    if (typeof value === 'string') values[key] = value.slice(0, 64);
  }
  return values;
}
