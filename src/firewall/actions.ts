// The firewall's named action on the control API: 'firewall.print' answers with the ruleset the
// agent would load now (`tibox fw print`), without loading anything.
import { TiboxError, type ControlActions } from '../core/index.ts';

export interface FirewallPrint {
  readonly ruleset: string;
}

export function registerFirewallActions(actions: ControlActions, deps: { ruleset: () => string }): void {
  actions.register('firewall.print', (args): FirewallPrint => {
    if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'arguments must be an object' });
    const extra = Object.keys(args)[0];
    if (extra !== undefined) throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `unknown argument "${extra}"` });
    return { ruleset: deps.ruleset() };
  });
}
