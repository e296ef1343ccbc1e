// The profile renewal as remote management installs it: the profile service imports the file
// (the checks of `tibox profile import`, and this box's only), and where the new profile changes
// what the tunnel is built from, the renewal waits for the new tunnel to carry, which the tunnel
// controller builds make-before-break. Its outcome in words goes back to the server.
import type { ProfileService, RenewalResult, TunnelController } from '../../ipsec/index.ts';
import type { ProfileRenewal } from '../../updater/index.ts';
import type { AgentContext } from './context.ts';

/** Who the audit log names for a profile that remote management brought. */
export const RENEWAL_ACTOR = 'remote-management';

/** How long a renewed profile's tunnel has to carry before the renewal is reported as failed. */
export const RENEWAL_SWITCH_TIMEOUT_MS = 60_000;

/** How the tunnel took the renewal: not asked to, switched off by the operator, up, or not up in time. */
export type RenewalSwitch =
  | { readonly kind: 'not-needed' }
  | { readonly kind: 'switched-off' }
  | { readonly kind: 'up'; readonly gateway: string | undefined }
  | { readonly kind: 'not-up'; readonly lastError: string | undefined; readonly waitedMs: number };

/** Whether the renewal waits for a tunnel of the new profile: only where one replaces the old, and the operator has the tunnel on. */
export function renewalWait(result: RenewalResult, tunnelEnabled: boolean): 'tunnel' | 'not-needed' | 'switched-off' {
  if (result.unchanged || !result.tunnelRebuilt) return 'not-needed';
  return tunnelEnabled ? 'tunnel' : 'switched-off';
}

/** The words for the server: the profile, then what the tunnel did; a tunnel not up in time fails the renewal. */
export function renewalReport(result: RenewalResult, tunnel: RenewalSwitch): { ok: boolean; details: string[] } {
  const { boxId, certificate } = result.summary;
  const profile = `VPN profile of ${boxId}, box certificate valid until ${certificate.notAfter} (SHA-256 ${certificate.fingerprint256})`;
  if (result.unchanged) return { ok: true, details: [`the ${profile} is the one in use already; nothing changed`] };
  const imported = `imported the ${profile}`;
  switch (tunnel.kind) {
    case 'not-needed':
      return { ok: true, details: [imported, 'the tunnel is built as before and stays up'] };
    case 'switched-off':
      return { ok: true, details: [imported, 'the tunnel is switched off; it is built from the new profile once switched on'] };
    case 'up':
      return { ok: true, details: [imported, `the tunnel of the new profile carries${tunnel.gateway ? ` through ${tunnel.gateway}` : ''}; it replaced the old one make-before-break`] };
    case 'not-up':
      return {
        ok: false,
        details: [
          imported,
          `no tunnel of the new profile carried within ${Math.round(tunnel.waitedMs / 1000)} s${tunnel.lastError ? ` (last error: ${tunnel.lastError})` : ''}; the old tunnel carries while it is retried`,
        ],
      };
  }
}

export function profileRenewal(
  ctx: AgentContext,
  deps: {
    /** Built after the updater, whose installer this is: asked for when a renewal runs. */
    profile: () => Pick<ProfileService, 'renew'>;
    tunnel: Pick<TunnelController, 'isEnabled' | 'tunnelStatus' | 'carriesItsProfile'>;
    switchTimeoutMs?: number;
  },
): ProfileRenewal {
  const log = ctx.logFor('profile');
  const timeoutMs = deps.switchTimeoutMs ?? RENEWAL_SWITCH_TIMEOUT_MS;

  /**
   * The gateway once a tunnel of the new profile carries, undefined after the timeout. Only the
   * tunnel's word counts: a failed rebuild shows the old tunnel up again, through the old profile.
   * Asked once the profile is applied, and then on every up: the new SA may carry already.
   */
  function newTunnelUp(): Promise<{ gateway: string | undefined } | undefined> {
    const { tunnel } = deps;
    if (tunnel.carriesItsProfile()) return Promise.resolve({ gateway: tunnel.tunnelStatus().gateway });
    const owner = {};
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      function done(up: { gateway: string | undefined } | undefined): void {
        clearTimeout(timer);
        ctx.bus.off(owner);
        resolve(up);
      }
      ctx.bus.on(owner, 'tunnel.event', (event) => {
        if (event.state === 'up' && tunnel.carriesItsProfile()) done({ gateway: event.gateway });
      });
    });
  }

  return {
    async renew(file, actionId) {
      const result = await deps.profile().renew(file, RENEWAL_ACTOR);
      log.info({ action: actionId, boxId: result.summary.boxId, unchanged: result.unchanged, tunnelRebuilt: result.tunnelRebuilt }, 'VPN profile renewal taken');
      const wait = renewalWait(result, deps.tunnel.isEnabled());
      let tunnel: RenewalSwitch;
      if (wait !== 'tunnel') tunnel = { kind: wait };
      else {
        const up = await newTunnelUp();
        const lastError = deps.tunnel.tunnelStatus().lastError;
        tunnel = up
          ? { kind: 'up', gateway: up.gateway }
          : { kind: 'not-up', lastError: lastError && `${lastError.reason}${lastError.detail ? `: ${lastError.detail}` : ''}`, waitedMs: timeoutMs };
      }
      const report = renewalReport(result, tunnel);
      if (!report.ok) throw new Error(report.details.join('; '));
      return report.details;
    },
  };
}
