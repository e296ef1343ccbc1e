// What the box needs to bring its last working tunnel back before the agent has loaded: the
// charon plan reduced to the connection that carried traffic last, the gateway identities the
// profile accepts, and the routes that lead the TI prefixes into that tunnel. The controller
// saves it whenever a tunnel passes traffic on a gateway it had not saved yet, and removes it
// when the tunnel is switched off, the profile replaced or removed: a box never resumes a tunnel
// the operator or a new profile has done away with. It holds the box's private key: 0600, in the
// data directory next to the stored profile, gone with a factory reset like the profile.
// The format only: resumeFile.ts keeps the file, and the resume at start reads it with no more
// than this, so that it loads as little as it can.
import { join } from 'node:path';
import type { CharonPlan } from './charonPlan.ts';
import type { RoutePath } from './ports.ts';

export const RESUME_FILE = 'tunnel-resume.json';
const FORMAT = 1;

export interface ResumeState {
  /** The key, certificates and the one connection to initiate. */
  readonly plan: CharonPlan;
  readonly gatewayIds: readonly string[];
  readonly routes: { readonly prefixes: readonly string[]; readonly path: RoutePath };
}

export function resumePath(stateDir: string): string {
  return join(stateDir, RESUME_FILE);
}

export function renderResumeState(state: ResumeState): string {
  return `${JSON.stringify({ format: FORMAT, ...state })}\n`;
}

/** The saved state; throws on anything renderResumeState does not write. */
export function parseResumeState(text: string): ResumeState {
  const value: unknown = JSON.parse(text);
  if (!isRecord(value) || value.format !== FORMAT) throw new Error(`expected format ${FORMAT}`);
  const { plan, gatewayIds, routes } = value;
  if (!isRecord(plan) || !isRecord(plan.key) || typeof plan.key.data !== 'string') throw new Error('plan.key missing');
  if (!Array.isArray(plan.certificates) || !plan.certificates.every((c) => isRecord(c) && typeof c.data === 'string')) throw new Error('plan.certificates malformed');
  if (!Array.isArray(plan.connections) || plan.connections.length !== 1 || !isRecord(plan.connections[0]) || typeof plan.connections[0].name !== 'string') {
    throw new Error('plan.connections must hold exactly one connection');
  }
  if (!isStrings(gatewayIds) || gatewayIds.length === 0) throw new Error('gatewayIds malformed');
  if (!isRecord(routes) || !isStrings(routes.prefixes) || !isRecord(routes.path) || typeof routes.path.kind !== 'string') throw new Error('routes malformed');
  return { plan, gatewayIds, routes } as unknown as ResumeState;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
