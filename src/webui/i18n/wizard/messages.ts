// The first-run wizard's texts, once per language (de.ts, en.ts): a full WizardMessages object
// each, so the type checker finds a text missing in one of them.
import type { Missing, WizardStep } from '../../wizard/steps.ts';
import type { PlanFindingCode } from '../../wizard/views.ts';

export interface WizardMessages {
  /** The entry in the navigation. */
  nav: string;
  title: string;
  intro: string;
  steps: Record<WizardStep, string>;
  /** The step list: where the user is and which steps are complete. */
  stepsLabel: string;
  complete: string;
  incomplete: string;
  position: (step: number, of: number) => string;
  missing: Record<Missing, string>;
  /** The overview's note while the setup is not complete. */
  banner: (step: string) => string;
  continueSetup: string;
  next: string;
  agentDown: string;
  /** A field the agent refused: its label; the field's help follows. */
  fieldRefused: (label: string) => string;
  password: { done: string; again: string; continue: string };
  wan: {
    explain: string;
    dhcp: string;
    static: string;
    resolversHint: string;
    submit: string;
    warnings: string;
    working: string;
    pending: (deadline: string, seconds: number) => string;
    confirm: string;
    rollback: string;
    confirmed: string;
    rolledBack: string;
    saved: string;
    unchanged: string;
  };
  profile: { explain: string; present: (boxId: string, segment: string) => string; replace: string; collisions: string };
  segment: {
    explain: string;
    segment: string;
    lanHalf: string;
    lanGateway: string;
    terminalHalf: string;
    terminalGateway: string;
    noProfile: string;
    clean: string;
    refusals: string;
    warnings: string;
    findings: Record<PlanFindingCode, (p: Readonly<Record<string, string>>) => string>;
  };
  devices: {
    explain: string;
    noProfile: string;
    registered: string;
    none: string;
    terminals: string;
    noTerminals: string;
    hosts: string;
    noHosts: string;
    register: string;
    pvsName: (address: string) => string;
    terminalName: (hint: string) => string;
    noFreeAddress: string;
    setup: string;
    setupExplain: string;
    registeredOk: (name: string) => string;
    more: string;
  };
  practice: { explain: string; submit: string; saved: string; required: string };
  done: {
    complete: string;
    incomplete: string;
    functionTest: string;
    toOverview: string;
  };
}
