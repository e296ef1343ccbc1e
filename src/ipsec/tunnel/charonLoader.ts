// Puts the charon plan (charonPlan.ts) into a charon over VICI: the box's key and certificates
// anew, our connections loaded, and our connections that the plan no longer has unloaded; and
// takes all of ours out again for uninstall. Connections of anyone else are left alone, and so is
// the one the service started at boot: unloading it would close the tunnel it carries. It goes
// with charon's next restart, or at uninstall.
import { viciMessage } from '../vici/index.ts';
import { gatewayIndexOf, isBootConnection, type CharonPlan } from './charonPlan.ts';
import type { TunnelVici } from './ports.ts';

/** What loading needs of the session. */
export type LoaderVici = Pick<TunnelVici, 'clearCreds' | 'loadKey' | 'loadCert' | 'getConns' | 'unloadConn' | 'loadConn'>;

export async function loadCharon(vici: LoaderVici, plan: CharonPlan): Promise<void> {
  await vici.clearCreds();
  await vici.loadKey(plan.key);
  for (const cert of plan.certificates) await vici.loadCert(cert);
  const wanted = new Set(plan.connections.map((c) => c.name));
  for (const name of await vici.getConns()) {
    if (gatewayIndexOf(name) !== undefined && !isBootConnection(name) && !wanted.has(name)) await vici.unloadConn(name);
  }
  for (const c of plan.connections) await vici.loadConn(c.name, viciMessage(c.config));
}

/** Unloads our connections and the box's credentials (uninstall, factory reset). */
export async function unloadCharon(vici: LoaderVici): Promise<void> {
  for (const name of await vici.getConns()) if (gatewayIndexOf(name) !== undefined) await vici.unloadConn(name);
  await vici.clearCreds();
}
