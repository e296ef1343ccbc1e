// What the box needs to bring its last working tunnel back at boot, before the agent has loaded:
// the charon plan reduced to the connection that carried traffic last, the gateway identities the
// profile accepts, and the routes that lead the TI prefixes into that tunnel. The controller
// saves it whenever a tunnel passes traffic on a gateway it had not saved yet, and removes it
// when the tunnel is switched off, the profile replaced or removed: a box never resumes a tunnel
// the operator or a new profile has done away with. resumeSwanctl.ts gives it the form charon's
// own client loads; resumeFile.ts keeps it.
import type { CharonPlan } from './charonPlan.ts';
import type { RoutePath } from './ports.ts';

export interface ResumeState {
  /** The key, certificates and the one connection to initiate. */
  readonly plan: CharonPlan;
  readonly gatewayIds: readonly string[];
  readonly routes: { readonly prefixes: readonly string[]; readonly path: RoutePath };
}
