// What happens to a downloaded deployment: refused when the box has no installer for a module or
// it carries two system images, waiting for the server's window or the practice's closed hours
// (and when to look again), installed now; installers without a reboot go first. A deployment
// that interrupts nothing (a profile renewal) waits for the server's window alone.
import { describe, expect, it } from 'vitest';
import { installOrder, planDeployment, planReboot, type DeploymentBase, type UpdateTimes } from '../../../../src/updater/index.ts';

const TIMES: UpdateTimes = { openingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], openingFrom: '06:00', openingUntil: '22:00', closedOnHolidays: true, installMinutes: 30 };
const POLL_MS = 300_000;
const chunk = (part: string) => ({ part, version: '2.0.0', name: part, encrypted: false, artifacts: [], metadata: [] });

function deployment(over: Partial<DeploymentBase> = {}): DeploymentBase {
  return { id: '7', download: 'forced', update: 'attempt', maintenanceWindow: undefined, chunks: [chunk('os')], actionHistory: undefined, ...over };
}

const plan = (iso: string, over: Partial<DeploymentBase> = {}, parts = ['os'], liveParts: string[] = []) =>
  planDeployment({ deployment: deployment(over), parts: new Set(parts), liveParts: new Set(liveParts), now: new Date(iso), times: TIMES, pollIntervalMs: POLL_MS });

// Tuesday 14 July 2026: 12:00 UTC is 14:00 in Berlin (open), 21:00 UTC is 23:00 (closed till 06:00).
const OPEN = '2026-07-14T12:00:00Z';
const CLOSED = '2026-07-14T21:00:00Z';

describe('planDeployment', () => {
  it.each([
    ['a module type without installer', { chunks: [chunk('os'), chunk('firmware-blob')] }, 'the box has no installer for software modules of type "firmware-blob" (it knows os)'],
    ['two system images', { chunks: [chunk('os'), chunk('os')] }, 'the deployment carries 2 system images; one boots at a time'],
    ['no module at all', { chunks: [] }, 'the deployment carries no software module'],
  ])('refuses %s, whatever the time', (_name, over, reason) => {
    expect(plan(CLOSED, over)).toEqual({ kind: 'refuse', reason });
  });

  it('installs at once while the practice is closed long enough', () => {
    expect(plan(CLOSED)).toEqual({ kind: 'install', reason: 'the practice is closed long enough for the install and the reboot' });
  });

  it('waits while the practice is open, and looks again at the server\'s interval, not only when it closes', () => {
    expect(plan(OPEN)).toEqual({ kind: 'wait', reason: 'the practice is open', recheckMs: POLL_MS });
  });

  it('looks again when the practice closes, where that comes before the next poll', () => {
    expect(plan('2026-07-14T19:58:00Z')).toEqual({ kind: 'wait', reason: 'the practice is open', recheckMs: 120_000 });
  });

  it('waits for the server\'s window at the poll interval, even when forced', () => {
    expect(plan(CLOSED, { update: 'forced', maintenanceWindow: 'unavailable' })).toEqual({ kind: 'wait', reason: "the server's maintenance window is closed", recheckMs: POLL_MS });
  });

  it('installs a forced deployment during opening hours', () => {
    expect(plan(OPEN, { update: 'forced' })).toEqual({ kind: 'install', reason: 'the deployment is forced' });
  });
});

describe('planDeployment of modules that interrupt nothing', () => {
  const renewal = { chunks: [chunk('tibox-profile')] };
  const known = ['os', 'tibox-profile'];

  it('installs a profile renewal while the practice is open: the tunnel switches make-before-break', () => {
    expect(plan(OPEN, renewal, known, ['tibox-profile'])).toEqual({ kind: 'install', reason: 'it interrupts nothing, so it need not wait for the practice to close' });
  });

  it('still waits for the server\'s window, and for a deployment that says skip', () => {
    expect(plan(OPEN, { ...renewal, maintenanceWindow: 'unavailable' }, known, ['tibox-profile'])).toEqual({ kind: 'wait', reason: "the server's maintenance window is closed", recheckMs: POLL_MS });
    expect(plan(OPEN, { ...renewal, update: 'skip' }, known, ['tibox-profile'])).toEqual({ kind: 'wait', reason: 'the deployment says not to install it (update: skip)', recheckMs: POLL_MS });
  });

  it('waits for the practice to close where the deployment also carries a system image', () => {
    expect(plan(OPEN, { chunks: [chunk('tibox-profile'), chunk('os')] }, known, ['tibox-profile'])).toEqual({ kind: 'wait', reason: 'the practice is open', recheckMs: POLL_MS });
  });
});

describe('planReboot', () => {
  it('reboots while the practice is closed, or forced', () => {
    expect(planReboot({ now: new Date(CLOSED), forced: false, times: TIMES })).toEqual({ reboot: true });
    expect(planReboot({ now: new Date(OPEN), forced: true, times: TIMES })).toEqual({ reboot: true });
  });

  it('waits for the end of the opening hours otherwise', () => {
    expect(planReboot({ now: new Date('2026-07-14T19:00:00Z'), forced: false, times: TIMES })).toEqual({ reboot: false, waitMs: 3_600_000 });
  });
});

describe('installOrder', () => {
  it('puts the module that needs a reboot last', () => {
    expect(installOrder(deployment({ chunks: [chunk('os'), chunk('profile'), chunk('other')] }))).toEqual([1, 2, 0]);
  });
});
