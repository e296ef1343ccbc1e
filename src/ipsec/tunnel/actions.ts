// The tunnel's named actions for support (gemSpec_Kon TIP1-A_4778: an operator can bring the
// tunnel up or down by hand): `tibox tunnel up|down|restart|status`. Up and down are settings,
// committed with who asked (audit), so a tunnel taken down stays down across agent restarts; the
// composition root switches the tunnel on any commit of the setting, these actions' own included.
import type { ControlActions } from '../../core/index.ts';
import type { TunnelController } from './controller.ts';

export interface TunnelActionsDeps {
  tunnel: TunnelController;
  /** Stores the operator's choice as configuration, audited with the actor. */
  persistEnabled: (enabled: boolean, actor: string) => void;
  /** Records a restart with who asked for it in the audit log. */
  audit: (actor: string, action: string, detail: Record<string, unknown>) => void;
}

export function registerTunnelActions(actions: ControlActions, deps: TunnelActionsDeps): void {
  const { tunnel } = deps;
  const setEnabled = async (enabled: boolean, actor: string) => {
    deps.persistEnabled(enabled, actor);
    await tunnel.setEnabled(enabled);
    return tunnel.tunnelStatus();
  };
  actions.register('tunnel.up', (_args, { actor }) => setEnabled(true, actor));
  actions.register('tunnel.down', (_args, { actor }) => setEnabled(false, actor));
  actions.register('tunnel.restart', async (_args, { actor }) => {
    deps.audit(actor, 'tunnel.restart', { state: tunnel.tunnelStatus().state });
    await tunnel.restart();
    return tunnel.tunnelStatus();
  });
  actions.register('tunnel.status', () => tunnel.tunnelStatus());
}
