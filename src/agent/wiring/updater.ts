// Remote management: the updater runs the DDI client for the management identity the VPN profile
// brings (format version 2) and reports the agent's status to the server as configData. It takes
// profile renewals (profileRenewal.ts); with RAUC on the box it installs system updates too, and
// judges a new system after its boot by the agent's status and a probe through the tunnel.
import { X509Certificate } from 'node:crypto';
import type { ManagementIdentity, TunnelController } from '../../ipsec/index.ts';
import { commandReboot, profileInstaller, RaucDriver, Updater, type ProfileRenewal, type RemoteManagement, type SystemUpdates } from '../../updater/index.ts';
import type { SystemUpdateOptions } from '../agentOptions.ts';
import { managementAttributes } from '../managementAttributes.ts';
import type { AgentStatus } from '../status.ts';
import { probeThroughTunnel, updateChecks } from '../updateChecks.ts';
import type { AgentContext } from './context.ts';

/** The agent's run directory on the box; RAUC's pre-install handler in the image is given the same. */
const DEFAULT_RUN_DIR = '/run/tibox';

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

function systemUpdates(ctx: AgentContext, options: SystemUpdateOptions, status: () => AgentStatus, tunnel: Pick<TunnelController, 'probeTarget'>): SystemUpdates {
  const { runner } = ctx.options;
  return {
    rauc: new RaucDriver({ runner, runDir: ctx.options.runDir ?? DEFAULT_RUN_DIR }),
    reboot: commandReboot(runner, options.rebootCommand),
    checks: async () => {
      const probe = status().tunnel.state === 'up' ? await probeThroughTunnel(runner, tunnel.probeTarget()) : undefined;
      // The status after the probe: the verdict reads the tunnel as the probe found it.
      return updateChecks(status(), probe);
    },
    runningVersion: ctx.options.version,
    ...(options.commitDeadlineMs !== undefined ? { commitDeadlineMs: options.commitDeadlineMs } : {}),
  };
}

export function wireUpdater(
  ctx: AgentContext,
  status: () => AgentStatus,
  tunnel: Pick<TunnelController, 'probeTarget'>,
  renewal: ProfileRenewal,
): { updater: Updater; remoteManagement: { apply(desired: ProfileManagement | null): Promise<void> } } {
  let notAfter: string | undefined;
  const system = ctx.options.systemUpdates;
  const updater = new Updater({
    dataDir: ctx.options.dataDir,
    runDir: ctx.options.runDir ?? DEFAULT_RUN_DIR,
    attributes: () => managementAttributes(status(), notAfter, ctx.now()),
    log: ctx.logFor('updater'),
    now: ctx.now,
    times: () => ctx.config.current().config.updates,
    installers: [profileInstaller(renewal)],
    ...(system ? { system: systemUpdates(ctx, system, status, tunnel) } : {}),
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
