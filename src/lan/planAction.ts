// The address plan on the control API: `lan.addressPlan` answers the TI segment's halves as
// applied and every collision of the last check with its code, severity and values. The web UI's
// wizard shows them with the fix; the health warning `lan.addressCollision` says the same in one
// English line.
import type { ControlActions } from '../core/index.ts';
import type { Lan } from './lan.ts';

export function registerAddressPlanAction(actions: ControlActions, lan: Pick<Lan, 'addressPlan'>): void {
  actions.register('lan.addressPlan', () => lan.addressPlan());
}
