// The profile renewal as the agent installs it for remote management: it waits for the new
// profile's tunnel only where one replaces the old and the tunnel is on, reports the profile and
// the gateway that carries it, and fails, naming the tunnel's last error, when no tunnel of the new
// profile carries in time. The profile service and the tunnel are fakes; the event bus is real.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/core/eventBus.ts';
import type { AgentEvents } from '../../../src/agent/events.ts';
import type { AgentContext } from '../../../src/agent/wiring/context.ts';
import { profileRenewal, renewalReport, renewalVerdict, renewalWait, RENEWAL_ACTOR } from '../../../src/agent/wiring/profileRenewal.ts';
import type { RenewalResult, TunnelStatus } from '../../../src/ipsec/index.ts';

const summary = {
  boxId: 'box-0001.boxes.tibox.test',
  gateways: { kind: 'addresses', addresses: ['192.0.2.10'] },
  gatewayIds: ['gw1.dc.tibox.test'],
  tiSegment: '10.77.12.0/26',
  certificate: { subject: 'CN=box-0001', subjectAltNames: '', notBefore: '2026-12-01T00:00:00.000Z', notAfter: '2027-12-01T00:00:00.000Z', fingerprint256: 'AB:CD' },
} as const;
const result = (over: Partial<RenewalResult> = {}): RenewalResult => ({ summary, unchanged: false, tunnelRebuilt: true, ...over });
const PROFILE = 'VPN profile of box-0001.boxes.tibox.test, box certificate valid until 2027-12-01T00:00:00.000Z (SHA-256 AB:CD)';
const previous = { ...summary, certificate: { ...summary.certificate, notAfter: '2027-01-10T00:00:00.000Z', fingerprint256: 'EF:01' } };
const PREVIOUS = 'VPN profile of box-0001.boxes.tibox.test, box certificate valid until 2027-01-10T00:00:00.000Z (SHA-256 EF:01)';
const NOT_UP = { kind: 'not-up', lastError: 'authentication failed: gw1 refused', waitedMs: 60_000 } as const;

describe('renewalWait', () => {
  it.each([
    [result(), true, 'tunnel'],
    [result(), false, 'switched-off'],
    [result({ tunnelRebuilt: false }), true, 'not-needed'],
    [result({ unchanged: true, tunnelRebuilt: false }), false, 'not-needed'],
  ] as const)('%j with the tunnel on=%s: %s', (r, enabled, wait) => {
    expect(renewalWait(r, enabled)).toBe(wait);
  });
});

describe('renewalReport', () => {
  it('names the profile, then what the tunnel did; only a tunnel not up in time fails', () => {
    expect(renewalReport(result({ unchanged: true }), { kind: 'not-needed' })).toEqual({ ok: true, details: [`the ${PROFILE} is the one in use already; nothing changed`] });
    expect(renewalReport(result(), { kind: 'up', gateway: '192.0.2.10' })).toEqual({
      ok: true, details: [`imported the ${PROFILE}`, 'the tunnel of the new profile carries through 192.0.2.10; it replaced the old one make-before-break'],
    });
    expect(renewalReport(result(), { kind: 'switched-off' }).details[1]).toBe('the tunnel is switched off; it is built from the new profile once switched on');
  });

  it('fails a renewal whose tunnel did not carry, saying where the box went back to and whether that tunnel carries', () => {
    const failed = [`imported the ${PROFILE}`, 'no tunnel of the new profile carried within 60 s (last error: authentication failed: gw1 refused)'];
    expect(renewalReport(result(), NOT_UP, { kind: 'restored', summary: previous, tunnel: { kind: 'up', gateway: '192.0.2.20' } })).toEqual({
      ok: false, details: [...failed, `went back to the previous ${PREVIOUS}; its tunnel carries again through 192.0.2.20`],
    });
    expect(renewalReport(result(), NOT_UP, { kind: 'restored', summary: previous, tunnel: { kind: 'not-up', lastError: undefined, waitedMs: 60_000 } }).details[2])
      .toBe(`went back to the previous ${PREVIOUS}; its tunnel did not carry yet within 60 s and is retried`);
    expect(renewalReport(result(), NOT_UP, { kind: 'failed', error: 'EIO: i/o error' }).details[2])
      .toBe('going back to the previous profile failed (EIO: i/o error); the agent goes back to it at its next start');
    expect(renewalReport(result(), NOT_UP, { kind: 'none-kept' })).toEqual({
      ok: false, details: [...failed, 'no profile from before the renewal is kept to go back to (an import replaced it meanwhile, or the box had none): the profile in use stays'],
    });
  });
});

describe('renewalVerdict', () => {
  it.each([
    [result(), { kind: 'up', gateway: '192.0.2.10' }, 'confirm'],
    [result(), { kind: 'switched-off' }, 'confirm'],
    [result({ tunnelRebuilt: false }), { kind: 'not-needed' }, 'confirm'],
    [result(), NOT_UP, 'restore'],
    [result({ unchanged: true, tunnelRebuilt: false }), { kind: 'not-needed' }, 'nothing'],
  ] as const)('%j with the tunnel %j: %s', (r, tunnel, verdict) => {
    expect(renewalVerdict(r, tunnel)).toBe(verdict);
  });
});

describe('profileRenewal', () => {
  /**
   * `carries`: whether the tunnel says it is up through an SA of the profile it was last given.
   * `restoredCarries`: whether it does once the profile before is restored; `kept`: whether one is.
   */
  function harness(renewed: RenewalResult, enabled = true, tunnelState = { carries: false }, options = { kept: true, restoredCarries: true }) {
    const bus = new EventBus<AgentEvents>(() => undefined);
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
    const ctx = { bus, logFor: () => log } as unknown as AgentContext;
    const asked: string[] = [];
    const renewal = profileRenewal(ctx, {
      profile: () => ({
        renew: (_file: Buffer, actor: string) => {
          asked.push(`renew by ${actor}`);
          // The tunnel's new SA comes up while the service still applies the profile.
          if (renewed.tunnelRebuilt) bus.emit('tunnel.event', { at: '2026-12-07T12:00:01.000Z', state: 'connecting', gateway: '192.0.2.10', reason: 'new profile' });
          return Promise.resolve(renewed);
        },
        confirmRenewal: () => {
          asked.push('confirm');
          return Promise.resolve();
        },
        revertRenewal: (actor: string) => {
          asked.push(`revert by ${actor}`);
          if (!options.kept) return Promise.resolve(undefined);
          tunnelState.carries = options.restoredCarries;
          return Promise.resolve({ summary: previous, tunnelRebuilt: true });
        },
      }),
      tunnel: {
        isEnabled: () => enabled,
        carriesItsProfile: () => tunnelState.carries,
        tunnelStatus: () => ({ gateway: '192.0.2.20', lastError: { reason: 'authentication failed', at: '2026-12-07T12:00:02.000Z', detail: 'gw1 refused' } }) as unknown as TunnelStatus,
      },
      switchTimeoutMs: 50,
    });
    return { bus, renewal, asked, tunnelState };
  }
  const applied = () => new Promise((resolve) => setImmediate(resolve));

  it('waits for the new tunnel to carry, audited as remote management, then confirms the new profile', async () => {
    const { bus, renewal, asked, tunnelState } = harness(result());
    const renewing = renewal.renew(Buffer.from('profile'), '12');
    await applied();
    tunnelState.carries = true;
    bus.emit('tunnel.event', { at: '2026-12-07T12:00:02.000Z', state: 'up', gateway: '192.0.2.10' });
    expect(await renewing).toEqual([`imported the ${PROFILE}`, 'the tunnel of the new profile carries through 192.0.2.10; it replaced the old one make-before-break']);
    expect(asked).toEqual([`renew by ${RENEWAL_ACTOR}`, 'confirm']);
  });

  it('takes a new tunnel that carries by the time the profile is applied', async () => {
    const { renewal } = harness(result(), true, { carries: true });
    expect((await renewal.renew(Buffer.from('profile'), '12'))[1]).toBe('the tunnel of the new profile carries through 192.0.2.20; it replaced the old one make-before-break');
  });

  it('does not take the old tunnel shown up again after a failed rebuild for the new one: it goes back to the profile before', async () => {
    const { bus, renewal, asked } = harness(result());
    const renewing = renewal.renew(Buffer.from('profile'), '12');
    await applied();
    bus.emit('tunnel.event', { at: '2026-12-07T12:00:02.000Z', state: 'up', gateway: '192.0.2.10', reason: 'authentication failed' });
    await expect(renewing).rejects.toThrow('no tunnel of the new profile carried within 0 s (last error: authentication failed: gw1 refused)');
    expect(asked).toEqual([`renew by ${RENEWAL_ACTOR}`, `revert by ${RENEWAL_ACTOR}`]);
  });

  it('goes back once to the profile before when no tunnel of the new one carries in time, waits for its tunnel and fails naming both', async () => {
    const { renewal, asked } = harness(result());
    await expect(renewal.renew(Buffer.from('profile'), '12')).rejects.toThrow(
      `no tunnel of the new profile carried within 0 s (last error: authentication failed: gw1 refused); went back to the previous ${PREVIOUS}; its tunnel carries again through 192.0.2.20`,
    );
    expect(asked).toEqual([`renew by ${RENEWAL_ACTOR}`, `revert by ${RENEWAL_ACTOR}`]);
  });

  it('says so when the restored profile\'s tunnel does not carry in time either, or no profile before is kept, and retries nothing', async () => {
    const notCarrying = harness(result(), true, { carries: false }, { kept: true, restoredCarries: false });
    await expect(notCarrying.renewal.renew(Buffer.from('profile'), '12')).rejects.toThrow(`went back to the previous ${PREVIOUS}; its tunnel did not carry yet within 0 s (last error: authentication failed: gw1 refused) and is retried`);
    const noneKept = harness(result(), true, { carries: false }, { kept: false, restoredCarries: false });
    await expect(noneKept.renewal.renew(Buffer.from('profile'), '12')).rejects.toThrow('no profile from before the renewal is kept to go back to');
    expect(noneKept.asked).toEqual([`renew by ${RENEWAL_ACTOR}`, `revert by ${RENEWAL_ACTOR}`]);
  });

  it('waits for nothing where the tunnel is switched off or stays as it is, and confirms; a profile sent again confirms nothing', async () => {
    const off = harness(result(), false);
    expect((await off.renewal.renew(Buffer.from('p'), '12'))[1]).toBe('the tunnel is switched off; it is built from the new profile once switched on');
    expect(off.asked).toEqual([`renew by ${RENEWAL_ACTOR}`, 'confirm']);
    expect((await harness(result({ tunnelRebuilt: false })).renewal.renew(Buffer.from('p'), '12'))[1]).toBe('the tunnel is built as before and stays up');
    const again = harness(result({ unchanged: true, tunnelRebuilt: false }));
    await again.renewal.renew(Buffer.from('p'), '12');
    expect(again.asked).toEqual([`renew by ${RENEWAL_ACTOR}`]);
  });
});
