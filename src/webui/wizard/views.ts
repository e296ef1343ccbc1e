// The agent's answers the wizard reads besides the overview's (config.get, config.pending,
// config.describe, lan.addressPlan), declared here because the web UI imports no subsystem; a
// unit test checks that the agent's types fit them.

/** The config fields the wizard shows and sets (config.get's `config`, in part). */
export interface WizardConfigView {
  interfaces: { lan: string };
  wan: { mode: 'dhcp' | 'static'; address: string; gateway: string; resolvers: readonly string[] };
  practice: Record<PracticeField, string>;
}

/** The practice and installer data for the installation protocol, in the schema's order. */
export const PRACTICE_FIELDS = ['name', 'street', 'postalCode', 'city', 'bsnr', 'installerName', 'installerCompany'] as const;
export type PracticeField = (typeof PRACTICE_FIELDS)[number];

/** A network change awaiting confirmation (config.pending). */
export interface PendingView {
  revision: number;
  deadline: string;
  paths: readonly string[];
  remainingS: number;
}

/** A config field's label and help in both languages (config.describe). */
export interface FieldTextView {
  path: string;
  label: { de: string; en: string };
  help: { de: string; en: string };
}

/** The address-plan check's codes (src/lan/planCheck.ts). */
export const PLAN_FINDING_CODES = [
  'segmentOverlapsTiPrefix',
  'managementOutsideTi',
  'gatewayInTi',
  'lanOverlapsSegment',
  'lanOverlapsTiPrefix',
  'wanOverlapsSegment',
  'gatewayOnLan',
  'wanCarrierGradeNat',
  'wanOverlapsTiPrefix',
  'routeOverlapsSegment',
  'routeOverlapsTiPrefix',
  'gatewayNotViaWan',
] as const;
export type PlanFindingCode = (typeof PLAN_FINDING_CODES)[number];

export interface PlanFindingView {
  code: PlanFindingCode;
  severity: 'refuse' | 'warn';
  params: Readonly<Record<string, string>>;
}

/** The address plan as applied (lan.addressPlan). */
export interface AddressPlanView {
  halves: { lanHalf: string; lanGateway: string; terminalHalf: string; terminalGateway: string } | null;
  findings: readonly PlanFindingView[];
}
