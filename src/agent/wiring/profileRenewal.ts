// The profile renewal as remote management installs it: the profile service imports the file
// (the checks of `tibox profile import`, and this box's only), and where the new profile changes
// what the tunnel is built from, the renewal waits a bounded time for the new tunnel to carry,
// which the tunnel controller builds make-before-break. A new tunnel that does not carry in time
// sends the box back to the profile it had (kept by the profile store until the renewal is
// confirmed), and the tunnel back to it; the server hears the failure and may assign again, the
// box does not retry by itself. The outcome in words goes back to the server.
import type { ProfileService, ProfileSummary, RenewalResult, TunnelController } from '../../ipsec/index.ts';
import { InstallFailure, type ProfileRenewal } from '../../updater/index.ts';
import type { AgentContext } from './context.ts';

/** Who the audit log names for a profile that remote management brought. */
export const RENEWAL_ACTOR = 'remote-management';

/** How long a renewed (or restored) profile's tunnel has to carry before the renewal is judged failed. */
export const RENEWAL_SWITCH_TIMEOUT_MS = 60_000;

/** How a tunnel took a profile: not asked to, switched off by the operator, up, or not up in time. */
export type RenewalSwitch =
  | { readonly kind: 'not-needed' }
  | { readonly kind: 'switched-off' }
  | { readonly kind: 'up'; readonly gateway: string | undefined }
  | { readonly kind: 'not-up'; readonly lastError: string | undefined; readonly waitedMs: number };

/** What going back to the profile before the renewal did: none was kept, it failed, or it is back and its tunnel carries or not (yet). */
export type RenewalRestore =
  | { readonly kind: 'none-kept' }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'restored'; readonly summary: ProfileSummary; readonly tunnel: RenewalSwitch };

/** Whether the renewal waits for a tunnel of the new profile: only where one replaces the old, and the operator has the tunnel on. */
export function renewalWait(result: Pick<RenewalResult, 'unchanged' | 'tunnelRebuilt'>, tunnelEnabled: boolean): 'tunnel' | 'not-needed' | 'switched-off' {
  if (result.unchanged || !result.tunnelRebuilt) return 'not-needed';
  return tunnelEnabled ? 'tunnel' : 'switched-off';
}

/**
 * After the wait: a new profile whose tunnel did not carry in time is given up for the one before
 * (which carried), every other outcome keeps it. Never a retry: the server may assign it again.
 */
export function renewalVerdict(result: Pick<RenewalResult, 'unchanged'>, tunnel: RenewalSwitch): 'nothing' | 'confirm' | 'restore' {
  if (result.unchanged) return 'nothing';
  return tunnel.kind === 'not-up' ? 'restore' : 'confirm';
}

function profileWords(summary: ProfileSummary): string {
  return `VPN profile of ${summary.boxId}, box certificate valid until ${summary.certificate.notAfter} (SHA-256 ${summary.certificate.fingerprint256})`;
}

function notUpWords(tunnel: Extract<RenewalSwitch, { kind: 'not-up' }>): string {
  return `within ${Math.round(tunnel.waitedMs / 1000)} s${tunnel.lastError ? ` (last error: ${tunnel.lastError})` : ''}`;
}

function restoreWords(restore: RenewalRestore): string {
  if (restore.kind === 'none-kept') return 'no profile from before the renewal is kept to go back to (an import replaced it meanwhile, or the box had none): the profile in use stays';
  if (restore.kind === 'failed') return `going back to the previous profile failed (${restore.error}); the agent goes back to it at its next start`;
  const back = `went back to the previous ${profileWords(restore.summary)}`;
  switch (restore.tunnel.kind) {
    case 'up':
      return `${back}; its tunnel carries again${restore.tunnel.gateway ? ` through ${restore.tunnel.gateway}` : ''}`;
    case 'not-up':
      return `${back}; its tunnel did not carry yet ${notUpWords(restore.tunnel)} and is retried`;
    case 'switched-off':
      return `${back}; the tunnel is switched off`;
    case 'not-needed':
      return `${back}; the tunnel is built as before`;
  }
}

/** The words for the server: the profile, then what the tunnel did, and where it did not carry, the way back; that fails the renewal. */
export function renewalReport(result: RenewalResult, tunnel: RenewalSwitch, restore?: RenewalRestore): { ok: boolean; details: string[] } {
  const profile = profileWords(result.summary);
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
        details: [imported, `no tunnel of the new profile carried ${notUpWords(tunnel)}`, ...(restore ? [restoreWords(restore)] : [])],
      };
  }
}

export function profileRenewal(
  ctx: AgentContext,
  deps: {
    /** Built after the updater, whose installer this is: asked for when a renewal runs. */
    profile: () => Pick<ProfileService, 'renew' | 'confirmRenewal' | 'revertRenewal'>;
    tunnel: Pick<TunnelController, 'isEnabled' | 'tunnelStatus' | 'carriesItsProfile'>;
    switchTimeoutMs?: number;
  },
): ProfileRenewal {
  const log = ctx.logFor('profile');
  const timeoutMs = deps.switchTimeoutMs ?? RENEWAL_SWITCH_TIMEOUT_MS;

  /**
   * The gateway once a tunnel of the profile last applied carries, undefined after the timeout.
   * Only the tunnel's word counts: a failed rebuild shows the old tunnel up again, through the
   * profile it replaced. Asked once the profile is applied, and then on every up: the new SA may
   * carry already.
   */
  function tunnelOfItsProfileUp(): Promise<{ gateway: string | undefined } | undefined> {
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

  /** How the tunnel takes a profile just applied. */
  async function switched(result: Pick<RenewalResult, 'unchanged' | 'tunnelRebuilt'>): Promise<RenewalSwitch> {
    const wait = renewalWait(result, deps.tunnel.isEnabled());
    if (wait !== 'tunnel') return { kind: wait };
    const up = await tunnelOfItsProfileUp();
    if (up) return { kind: 'up', gateway: up.gateway };
    const lastError = deps.tunnel.tunnelStatus().lastError;
    return { kind: 'not-up', lastError: lastError && `${lastError.reason}${lastError.detail ? `: ${lastError.detail}` : ''}`, waitedMs: timeoutMs };
  }

  /** Back to the profile before the renewal, and how its tunnel takes it. */
  async function restorePrevious(): Promise<RenewalRestore> {
    let restored: Awaited<ReturnType<ProfileService['revertRenewal']>>;
    try {
      restored = await deps.profile().revertRenewal(RENEWAL_ACTOR);
    } catch (error) {
      log.error({ err: error }, 'the VPN profile from before the renewal could not be restored');
      return { kind: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
    if (!restored) return { kind: 'none-kept' };
    return { kind: 'restored', summary: restored.summary, tunnel: await switched({ unchanged: false, tunnelRebuilt: restored.tunnelRebuilt }) };
  }

  return {
    async renew(file, actionId) {
      const result = await deps.profile().renew(file, RENEWAL_ACTOR);
      log.info({ action: actionId, boxId: result.summary.boxId, unchanged: result.unchanged, tunnelRebuilt: result.tunnelRebuilt }, 'VPN profile renewal taken');
      const tunnel = await switched(result);
      const verdict = renewalVerdict(result, tunnel);
      let restore: RenewalRestore | undefined;
      if (verdict === 'confirm') await deps.profile().confirmRenewal();
      else if (verdict === 'restore') {
        log.warn({ action: actionId, tunnel }, 'the renewed VPN profile\'s tunnel did not carry; going back to the profile before it');
        restore = await restorePrevious();
      }
      const report = renewalReport(result, tunnel, restore);
      if (!report.ok) throw new InstallFailure(report.details);
      return report.details;
    },
  };
}
