// Remote management: the updater runs the DDI client for the management identity the VPN profile
// brings (format version 2) and reports the agent's status to the server as configData.
import { X509Certificate } from 'node:crypto';
import type { ManagementIdentity } from '../../ipsec/index.ts';
import { Updater, type RemoteManagement } from '../../updater/index.ts';
import { managementAttributes } from '../managementAttributes.ts';
import type { AgentStatus } from '../status.ts';
import type { AgentContext } from './context.ts';

export interface ProfileManagement {
  url: string;
  identity: ManagementIdentity;
  boxCertificateNotAfter: string;
}

/** hawkBit behind its reverse proxy takes the client certificate's CN as the controller id. */
export function remoteManagementOf(profile: ProfileManagement): RemoteManagement {
  const subject = new X509Certificate(profile.identity.identity.certificate).subject;
  const cn = subject.split('\n').find((line) => line.startsWith('CN='))?.slice(3);
  if (!cn) throw new Error('the management certificate has no CN to serve as the controller id');
  return {
    url: profile.url,
    certificate: profile.identity.identity.certificate,
    privateKey: profile.identity.identity.privateKey,
    controllerId: cn,
    caCertificates: profile.identity.caCertificates,
  };
}

export function wireUpdater(ctx: AgentContext, status: () => AgentStatus): { updater: Updater; remoteManagement: { apply(desired: ProfileManagement | null): Promise<void> } } {
  let notAfter: string | undefined;
  const updater = new Updater({
    dataDir: ctx.options.dataDir,
    attributes: () => managementAttributes(status(), notAfter, ctx.now()),
    log: ctx.logFor('updater'),
    now: ctx.now,
  });
  updater.registerActions(ctx.actions);
  // The tunnel's state chooses the way to the server; a poll that failed while the tunnel was
  // down is retried once it is up, not at the end of its backoff.
  ctx.bus.on(updater, 'tunnel.event', (event) => updater.followTunnel(event.state === 'up'));
  return {
    updater,
    remoteManagement: {
      apply(desired) {
        notAfter = desired?.boxCertificateNotAfter;
        return updater.apply(desired && remoteManagementOf(desired));
      },
    },
  };
}
