// The first-run wizard's steps, pure: from what the box reports about itself (setupFacts.ts reads
// it from the agent), which steps are complete, what each still lacks, and where the wizard goes
// next. Nothing here is remembered by the browser: a step left halfway is found again from the
// box's own state, and so is a box that was set up another way (the command line, another page).
// A step is judged by lasting facts only (settings, profile, devices): a DSL outage, a WAN warning
// or a network change awaiting confirmation makes no set-up box a box to set up again; the WAN step
// and the overview show such trouble as warnings.

/** The steps in the order the wizard walks them. */
export const WIZARD_STEPS = ['password', 'wan', 'profile', 'segment', 'devices', 'practice', 'done'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** What the box reports about its own setup. */
export interface SetupFacts {
  /** False while the password is still the label's. */
  readonly passwordChanged: boolean;
  /** The WAN's setting in force is one the box can use: DHCP, or a static address with its gateway. */
  readonly wanConfigured: boolean;
  readonly profile: boolean;
  /** Address-plan collisions that refuse (break the box or a TI range); warnings do not count. */
  readonly refusedCollisions: number;
  readonly pvsHosts: number;
  readonly practiceName: string;
  readonly installerName: string;
}

/** What a step still lacks; each is a text of the catalogue (wizard.missing). */
export type Missing =
  | 'password'
  | 'wanSetting'
  | 'profile'
  | 'collision'
  | 'pvsHost'
  | 'practiceName'
  | 'installerName';

/** What `step` still lacks on a box with these facts; empty when the step is complete. */
export function missingFor(step: WizardStep, facts: SetupFacts): Missing[] {
  const missing: Missing[] = [];
  switch (step) {
    case 'password':
      if (!facts.passwordChanged) missing.push('password');
      break;
    case 'wan':
      if (!facts.wanConfigured) missing.push('wanSetting');
      break;
    case 'profile':
      if (!facts.profile) missing.push('profile');
      break;
    case 'segment':
      // The segment comes with the profile: without one there is nothing to check yet.
      if (!facts.profile) missing.push('profile');
      else if (facts.refusedCollisions > 0) missing.push('collision');
      break;
    case 'devices':
      if (facts.pvsHosts === 0) missing.push('pvsHost');
      break;
    case 'practice':
      if (facts.practiceName === '') missing.push('practiceName');
      if (facts.installerName === '') missing.push('installerName');
      break;
    case 'done':
      break;
  }
  return missing;
}

export interface StepState {
  readonly step: WizardStep;
  readonly missing: readonly Missing[];
}

/** Every step with what it lacks, in order ('done' lacks what any other step lacks). */
export function stepStates(facts: SetupFacts): StepState[] {
  const steps = WIZARD_STEPS.filter((s) => s !== 'done').map((step) => ({ step, missing: missingFor(step, facts) }));
  return [...steps, { step: 'done', missing: [...new Set(steps.flatMap((s) => s.missing))] }];
}

/** The first step that is not complete; 'done' when the box is set up. */
export function firstIncomplete(facts: SetupFacts): WizardStep {
  return stepStates(facts).find((s) => s.missing.length > 0)?.step ?? 'done';
}

/** The step after `step` in the wizard's order ('done' stays). */
export function stepAfter(step: WizardStep): WizardStep {
  return WIZARD_STEPS[Math.min(WIZARD_STEPS.indexOf(step) + 1, WIZARD_STEPS.length - 1)] ?? 'done';
}

/** A step's name from a path segment; undefined for anything else. */
export function parseStep(value: unknown): WizardStep | undefined {
  return WIZARD_STEPS.find((s) => s === value);
}
