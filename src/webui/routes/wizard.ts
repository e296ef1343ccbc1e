// The first-run wizard's pages: /wizard goes to the first step not complete, /wizard/<step> shows
// a step with the step list, and each step's form asks the agent for the same named actions the
// other pages use (config.commit with its pending network change, profile.import,
// devices.register). Where the box stands is read from the agent on every page, so a step left
// halfway is found again; a refusal shows the step again with why, and nothing changed.
import express, { type Request, type Response, type Router } from 'express';
import type { VNode } from 'preact';
import { messagesFor } from '../i18n/index.ts';
import { readInput, ProfilePassword, RegistrationForm } from '../api/schemas.ts';
import type { Outcome } from '../pages/profilePage.ts';
import { DevicesStep } from '../pages/wizard/devicesStep.ts';
import { RUNNING_REFRESH_S } from '../pages/checkPage.ts';
import { DoneStep } from '../pages/wizard/doneStep.ts';
import { fieldTexts } from '../pages/wizard/fieldTexts.ts';
import { PasswordStep } from '../pages/wizard/passwordStep.ts';
import { PracticeStep } from '../pages/wizard/practiceStep.ts';
import { ProfileStep } from '../pages/wizard/profileStep.ts';
import { SegmentStep } from '../pages/wizard/segmentStep.ts';
import { WanStep, wanValues, type WanValues } from '../pages/wizard/wanStep.ts';
import { stepPath, WizardFrame } from '../pages/wizard/wizardFrame.ts';
import type { CandidateView, DeviceView, NeighbourView, SetupView } from '../status/deviceView.ts';
import { MAX_PROFILE_BYTES, readProfileUpload } from '../upload.ts';
import { offersOf } from '../wizard/offers.ts';
import { readSetup, type Setup } from '../wizard/readSetup.ts';
import { firstIncomplete, parseStep, stepAfter, type WizardStep } from '../wizard/steps.ts';
import { PLAN_FINDING_CODES, PRACTICE_FIELDS, type FieldTextView, type PlanFindingView, type PracticeField } from '../wizard/views.ts';
import type { CheckState } from './check.ts';
import { takeNote, type RouteKit } from './kit.ts';

/** Where the app must not check the CSRF token before the route has read the body (an upload). */
export const WIZARD_UPLOAD_PATHS: readonly string[] = ['/wizard/profile'];

/** The health warnings the WAN step shows: the WAN's own and a WAN port in the practice LAN. */
const WAN_WARNING = (code: string) => code.startsWith('wan.') || code === 'lan.wanInLan';

/** What a refused form leaves for the page it shows again. */
interface StepExtra {
  outcome?: Outcome | undefined;
  wan?: WanValues;
  practice?: Record<PracticeField, string>;
  refused?: readonly string[];
  collisions?: readonly PlanFindingView[];
  check?: CheckState;
}

export interface WizardRoutes {
  pages: Router;
  /** The first step not complete for the logged-in user's box; undefined when the agent does not answer. */
  firstIncomplete: (req: Request) => Promise<WizardStep | undefined>;
}

/** The function test's state for the last step (routes/check.ts). */
export type CheckStateOf = (req: Request) => Promise<CheckState>;

export function wizardRoutes(kit: RouteKit, checkState: CheckStateOf): WizardRoutes {
  const pages = express.Router();
  const userOf = (req: Request) => req.session.user ?? '';
  const messages = (req: Request) => messagesFor(kit.language(req));
  const setupOf = (req: Request): Promise<Setup> => readSetup({ ask: (action, args) => kit.ask(userOf(req), action, args), status: kit.status }, req.session.mustChange !== true);
  const optional = <T>(req: Request, action: string, args?: unknown): Promise<T | undefined> => kit.ask(userOf(req), action, args).then((v) => v as T, () => undefined);

  /** The step's own part of the page. */
  const body = async (req: Request, step: WizardStep, setup: Setup, csrf: string, extra: StepExtra): Promise<VNode> => {
    const language = kit.language(req);
    const texts = async () => fieldTexts((await optional<FieldTextView[]>(req, 'config.describe')) ?? []);
    switch (step) {
      case 'password':
        return PasswordStep({ language });
      case 'wan':
        return WanStep({
          language,
          csrf,
          values: extra.wan ?? wanValues(setup.config),
          pending: setup.pending,
          warnings: setup.health.filter((w) => WAN_WARNING(w.code)),
          texts: await texts(),
          refused: extra.refused ?? [],
        });
      case 'profile':
        return ProfileStep({ language, csrf, profile: setup.profile, maxKiB: MAX_PROFILE_BYTES / 1024, collisions: extra.collisions });
      case 'segment':
        return SegmentStep({ language, profile: setup.profile, plan: setup.plan });
      case 'devices': {
        const halves = setup.plan.halves;
        if (!halves) return DevicesStep({ language, csrf, segment: false, devices: setup.devices, offers: [], setups: [] });
        const pvs = setup.devices.filter((d) => d.kind === 'pvs');
        const [terminals, neighbours, setups] = await Promise.all([
          optional<CandidateView[]>(req, 'devices.terminals'),
          optional<NeighbourView[]>(req, 'devices.neighbours'),
          Promise.all(pvs.map(async (device) => ({ device, setup: await optional<SetupView>(req, 'devices.setupCommands', { device: device.id }) }))),
        ]);
        const offers = offersOf({ halves, lanPort: setup.config.interfaces.lan, devices: setup.devices, terminals: terminals ?? [], neighbours: neighbours ?? [] });
        return DevicesStep({ language, csrf, segment: true, devices: setup.devices, offers, setups });
      }
      case 'practice':
        return PracticeStep({ language, csrf, values: extra.practice ?? setup.config.practice, texts: await texts(), refused: extra.refused ?? [] });
      case 'done':
        return DoneStep({ language, csrf, facts: setup.facts, check: extra.check ?? (await checkState(req)) });
    }
  };

  const show = async (req: Request, res: Response, step: WizardStep, status: number, extra: StepExtra = {}) => {
    let setup: Setup;
    try {
      setup = await setupOf(req);
    } catch (error) {
      kit.log.warn({ err: error }, 'setup not read for the wizard');
      return kit.refuse(req, res, 503, messages(req).wizard.agentDown);
    }
    const session = kit.session(req, res);
    const news = req.session.loginNews;
    delete req.session.loginNews;
    const outcome = extra.outcome ?? takeNote(req);
    // The last step runs the function test: its page loads itself again while the test runs.
    const check = step === 'done' ? await checkState(req) : undefined;
    const children = await body(req, step, setup, session.csrf, { ...extra, ...(check ? { check } : {}) });
    const refreshS = check?.running ? RUNNING_REFRESH_S : undefined;
    kit.render(res, status, WizardFrame({ language: kit.language(req), fingerprint: kit.fingerprint, session, step, facts: setup.facts, outcome, news, refreshS, children }));
  };

  /** Asks the agent; its refusal, as words and its details, or the answer. Anything else (a bug) goes on. */
  pages.get('/wizard', async (req, res) => {
    try {
      res.redirect(303, stepPath(firstIncomplete((await setupOf(req)).facts)));
    } catch (error) {
      kit.log.warn({ err: error }, 'setup not read for the wizard');
      kit.refuse(req, res, 503, messages(req).wizard.agentDown);
    }
  });
  pages.get('/wizard/:step', (req, res) => {
    const step = parseStep(req.params.step);
    if (!step) return kit.refuse(req, res, 404, messages(req).errors.notFound);
    return show(req, res, step, 200);
  });

  pages.post('/wizard/wan', async (req, res) => {
    const m = messages(req);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof form[key] === 'string' ? (form[key] as string).trim().slice(0, 64) : '');
    const values: WanValues = { mode: text('mode') === 'static' ? 'static' : 'dhcp', address: text('address'), gateway: text('gateway'), resolvers: text('resolvers') };
    const resolvers = values.resolvers.split(/[\s,]+/).filter((r) => r !== '');
    // DHCP keeps the fixed values stored for a later switch; only resolvers given replace the router's.
    const change = values.mode === 'dhcp' ? { mode: 'dhcp', resolvers } : { mode: 'static', address: values.address, gateway: values.gateway, resolvers };
    const done = await kit.askAgent<{ changes: unknown[]; pending?: unknown }>(req, 'config.commit', { change: { wan: change } });
    if (!done.ok) {
      const refused = done.code === 'TIBOX_CONFIG_INVALID' && Array.isArray(done.details) ? refusedPaths(done.details) : [];
      return show(req, res, 'wan', done.status, { wan: values, refused, outcome: { kind: 'error', text: refused.length > 0 ? m.agentRefused : done.text } });
    }
    req.session.note = done.value.pending ? m.wizard.wan.saved : m.wizard.wan.unchanged;
    res.redirect(303, stepPath('wan'));
  });
  pages.post('/wizard/wan/confirm', async (req, res) => {
    const m = messages(req);
    const revision = Number((req.body as Record<string, unknown> | undefined)?.revision);
    const done = await kit.askAgent(req, 'config.confirm', Number.isInteger(revision) && revision > 0 ? { revision } : {});
    if (!done.ok) return show(req, res, 'wan', done.status, { outcome: { kind: 'error', text: done.text } });
    req.session.note = m.wizard.wan.confirmed;
    res.redirect(303, stepPath('wan'));
  });
  pages.post('/wizard/wan/rollback', async (req, res) => {
    const m = messages(req);
    const done = await kit.askAgent(req, 'config.rollback');
    if (!done.ok) return show(req, res, 'wan', done.status, { outcome: { kind: 'error', text: done.text } });
    req.session.note = m.wizard.wan.rolledBack;
    res.redirect(303, stepPath('wan'));
  });

  pages.post('/wizard/profile', async (req, res) => {
    const m = messages(req);
    const upload = await readProfileUpload(req, res);
    // An upload that could not be read changes nothing, whatever token it may have carried.
    if (!upload.ok) return show(req, res, 'profile', upload.reason === 'tooLarge' ? 413 : 400, { outcome: { kind: 'error', text: upload.reason === 'tooLarge' ? m.profile.tooLarge(MAX_PROFILE_BYTES / 1024) : m.profile.badUpload } });
    if (!kit.csrfValid(req)) return kit.refuse(req, res, 403, m.errors.csrf);
    if (!upload.file || upload.file.length === 0) return show(req, res, 'profile', 400, { outcome: { kind: 'error', text: m.profile.noFile } });
    const password = readInput(ProfilePassword, upload.fields.password);
    if (!password.ok) return show(req, res, 'profile', 400, { outcome: { kind: 'error', text: m.input[password.problem] } });
    const done = await kit.askAgent(req, 'profile.import', { profile: upload.file.toString('base64'), ...(password.value ? { password: password.value } : {}) });
    if (!done.ok) {
      const collisions = done.code === 'TIBOX_LAN_ADDRESS_COLLISION' ? findingsOf(done.details) : [];
      return show(req, res, 'profile', done.status, { collisions, ...(collisions.length > 0 ? {} : { outcome: { kind: 'error', text: done.text } }) });
    }
    req.session.note = m.profile.imported;
    res.redirect(303, stepPath(stepAfter('profile')));
  });

  pages.post('/wizard/devices', async (req, res) => {
    const m = messages(req);
    const input = readInput(RegistrationForm, req.body ?? {});
    if (!input.ok) return show(req, res, 'devices', 422, { outcome: { kind: 'error', text: m.input[input.problem] } });
    const done = await kit.askAgent<DeviceView>(req, 'devices.register', input.value);
    if (!done.ok) return show(req, res, 'devices', done.status, { outcome: { kind: 'error', text: done.text } });
    req.session.note = m.wizard.devices.registeredOk(done.value.name);
    res.redirect(303, stepPath('devices'));
  });

  pages.post('/wizard/practice', async (req, res) => {
    const m = messages(req);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(PRACTICE_FIELDS.map((f) => [f, typeof form[f] === 'string' ? (form[f] as string).trim().slice(0, 200) : ''])) as Record<PracticeField, string>;
    const done = await kit.askAgent(req, 'config.commit', { change: { practice: values } });
    if (!done.ok) {
      const refused = done.code === 'TIBOX_CONFIG_INVALID' && Array.isArray(done.details) ? refusedPaths(done.details) : [];
      return show(req, res, 'practice', done.status, { practice: values, refused, outcome: { kind: 'error', text: refused.length > 0 ? m.agentRefused : done.text } });
    }
    req.session.note = m.wizard.practice.saved;
    res.redirect(303, stepPath(stepAfter('practice')));
  });

  const firstIncompleteFor = async (req: Request): Promise<WizardStep | undefined> => {
    try {
      return firstIncomplete((await setupOf(req)).facts);
    } catch (error) {
      kit.log.warn({ err: error }, 'setup not read');
      return undefined;
    }
  };
  return { pages, firstIncomplete: firstIncompleteFor };
}

/** The config paths of the agent's field errors (TIBOX_CONFIG_INVALID's details). */
function refusedPaths(details: readonly unknown[]): string[] {
  return [...new Set(details.flatMap((d) => (typeof d === 'object' && d !== null && typeof (d as { path?: unknown }).path === 'string' ? [(d as { path: string }).path.replace(/\[\d+\]$/, '')] : [])))];
}

/** The collisions of a refused import (TIBOX_LAN_ADDRESS_COLLISION's details), as far as the wizard words them. */
function findingsOf(details: unknown): PlanFindingView[] {
  const findings = (details as { findings?: unknown } | undefined)?.findings;
  const known = (f: PlanFindingView) => PLAN_FINDING_CODES.includes(f.code) && typeof f.params === 'object' && f.params !== null;
  return Array.isArray(findings) ? (findings as PlanFindingView[]).filter((f) => typeof f === 'object' && f !== null && known(f)) : [];
}
