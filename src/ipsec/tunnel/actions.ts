// The tunnel's named actions for support (gemSpec_Kon TIP1-A_4778: an operator can bring the
// tunnel up or down by hand): `tibox tunnel up|down|restart|status`.
import type { ControlActions } from '../../agent/control/actions.ts';
import type { TunnelController } from './controller.ts';

export function registerTunnelActions(actions: ControlActions, tunnel: TunnelController): void {
  actions.register('tunnel.up', async () => {
    await tunnel.setEnabled(true);
    return tunnel.tunnelStatus();
  });
  actions.register('tunnel.down', async () => {
    await tunnel.setEnabled(false);
    return tunnel.tunnelStatus();
  });
  actions.register('tunnel.restart', async () => {
    await tunnel.restart();
    return tunnel.tunnelStatus();
  });
  actions.register('tunnel.status', () => tunnel.tunnelStatus());
}
