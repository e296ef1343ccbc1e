// The Lan subsystem against the fake kernel: plan, check before apply, refusal of a change that
// brings a collision (nothing written), collisions found while running as a health warning.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Health, type HealthWarning } from '../../../src/core/health.ts';
import { createLogger } from '../../../src/core/log.ts';
import { LanError } from '../../../src/lan/errors.ts';
import { Lan, type LanDesired } from '../../../src/lan/lan.ts';
import { LanLinks } from '../../../src/lan/lanLinks.ts';
import { FakeLanKernel } from './fakeLanKernel.ts';

const ti = { tiSegment: '10.77.12.0/26', tiPrefixes: ['100.64.0.0/10', '100.102.0.0/15'], managementPrefix: '100.102.250.0/24', gateways: ['198.51.100.10'] };
const desired: LanDesired = { ports: { lan: 'lan0', wan: 'wan0', terminals: ['term0'] }, practiceFallback: '192.168.100.1/24', ti };
const overlappingTi = { ...ti, tiSegment: '192.168.1.0/26' };
const overlapping: LanDesired = { ...desired, ti: overlappingTi };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const kernel = new FakeLanKernel(['lo', 'lan0', 'wan0', 'term0'], ['lan0 192.168.1.57/24 dynamic', 'wan0 192.168.178.2/24']);
  kernel.mainRoutes = [{ dst: '0.0.0.0/0', type: 'unicast', via: '192.168.178.1', dev: 'wan0' }];
  const dir = mkdtempSync(join(tmpdir(), 'tibox-lan-'));
  dirs.push(dir);
  const log = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const warnings: HealthWarning[][] = [];
  const health = new Health((list) => warnings.push(list));
  const links = new LanLinks({ kernel, stateDir: join(dir, 'state'), log, settleMs: 5, intervalMs: 60_000 });
  const lan = new Lan({ links, kernel, health, log, settleMs: 5, tunnelDevices: ['ipsec0'] });
  return { kernel, health, lan, warnings };
}

const until = async (check: () => boolean, ms = 1_000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
};

describe('Lan', () => {
  it('puts the planned addresses in place and reports the halves', async () => {
    const { kernel, lan, health } = setup();
    await lan.apply(desired);
    expect(kernel.text()).toBe(
      [
        'addr br-term 10.77.12.33/27',
        'addr lan0 10.77.12.1/27',
        'addr lan0 192.168.1.57/24 dynamic',
        'addr lan0 192.168.100.1/24',
        'addr wan0 192.168.178.2/24',
        'link br-term bridge up',
        'link lan0 up',
        'link term0 master br-term up',
        'link wan0 down',
      ].join('\n'),
    );
    expect(lan.halves()).toMatchObject({ lanHalf: '10.77.12.0/27', terminalHalf: '10.77.12.32/27' });
    expect(health.list()).toEqual([]);
  });

  it("takes routes into the tunnel's own device for the tunnel's, not for a practice route", async () => {
    const { kernel, health, lan } = setup();
    kernel.mainRoutes.push({ dst: '100.64.0.0/10', type: 'unicast', dev: 'ipsec0' });
    await lan.start(new AbortController().signal);
    await lan.apply(desired);
    expect(health.list()).toEqual([]);
    kernel.mainRoutes.push({ dst: '100.64.0.0/10', type: 'unicast', via: '192.168.178.1', dev: 'wan0' });
    expect((await lan.check(desired)).map((f) => f.code)).toEqual(['routeOverlapsTiPrefix', 'routeOverlapsTiPrefix']);
    await lan.stop();
  });

  it('refuses a change that brings a collision, says what to change, and writes nothing', async () => {
    const { kernel, lan } = setup();
    await lan.apply(desired);
    const before = kernel.text();
    const writes = kernel.writes.length;
    const error = await lan.apply(overlapping).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LanError);
    expect(error).toMatchObject({ code: 'TIBOX_LAN_ADDRESS_COLLISION', status: 409 });
    expect((error as Error).message).toBe(
      "the address plan was refused: The practice LAN 192.168.1.0/24 (the box's address 192.168.1.57 on lan0) overlaps the TI segment 192.168.1.0/26: " +
        "practice devices would take TI addresses for local ones, and the practice router's DHCP could hand them out. " +
        'Renumber the practice LAN to a range outside 192.168.1.0/26, or ask the datacenter for a TI segment outside 192.168.1.0/24.',
    );
    expect(kernel.text()).toBe(before);
    expect(kernel.writes.length).toBe(writes);
    expect(lan.halves()?.lanHalf).toBe('10.77.12.0/27');
  });

  it('refuses settings that cannot be planned and writes nothing', async () => {
    const { kernel, lan } = setup();
    await expect(lan.apply({ ...desired, ports: { lan: 'lan0', wan: 'wan0', terminals: ['lan0'] } })).rejects.toMatchObject({
      code: 'TIBOX_LAN_INVALID',
      details: { field: 'interfaces.terminals[0]' },
    });
    expect(kernel.writes).toEqual([]);
  });

  it('re-applies the stored state after a start despite a collision, and warns about it', async () => {
    const { kernel, lan, health } = setup();
    await lan.apply(overlapping);
    expect(kernel.text()).toContain('addr lan0 192.168.1.1/27');
    expect(health.list().map((w) => [w.code, w.detail?.slice(0, 45)])).toEqual([['lan.addressCollision', 'The practice LAN 192.168.1.0/24 (the box\'s ad']]);
  });

  it('answers the address plan with the halves and each collision by code and values, for the web UI to word', async () => {
    const { lan } = setup();
    expect(lan.addressPlan()).toEqual({ halves: null, findings: [] });
    await lan.apply(overlapping);
    const plan = lan.addressPlan();
    expect(plan.halves).toMatchObject({ lanHalf: '192.168.1.0/27', lanGateway: '192.168.1.1' });
    expect(plan.findings.map((f) => [f.code, f.severity, f.params.network, f.params.segment])).toEqual([['lanOverlapsSegment', 'refuse', '192.168.1.0/24', '192.168.1.0/26']]);
    await lan.apply(desired);
    expect(lan.addressPlan().findings).toEqual([]);
  });

  it('lets an unrelated change through while a known collision is live', async () => {
    const { lan, health } = setup();
    await lan.apply(overlapping);
    await lan.apply({ ...overlapping, ti: { ...overlappingTi, gateways: ['192.0.2.10'] } });
    expect(health.list()).toHaveLength(1);
  });

  it('finds a collision that appears while running, and clears it when it goes', async () => {
    const { kernel, lan, health } = setup();
    await lan.start(AbortSignal.timeout(1_000));
    await lan.apply(desired);
    kernel.addAddress('wan0', '100.72.3.4/10', true);
    await until(() => health.list().length > 0);
    expect(health.list()[0]).toMatchObject({ code: 'lan.addressCollision', impactsTi: true });
    expect(health.list()[0]?.detail).toMatch(/^The WAN address 100\.72\.3\.4 lies in the carrier-grade NAT range/);
    kernel.deleteAddress('wan0', '100.72.3.4/10');
    await until(() => health.list().length === 0);
    expect(health.list()).toEqual([]);
    await lan.stop();
    expect(kernel.watchers).toBe(0);
  });

  it('checks a candidate as apply would, without changing anything', async () => {
    const { kernel, lan } = setup();
    await lan.apply(desired);
    const writes = kernel.writes.length;
    await expect(lan.check(overlapping)).rejects.toMatchObject({ code: 'TIBOX_LAN_ADDRESS_COLLISION', details: { findings: [{ code: 'lanOverlapsSegment' }] } });
    expect(await lan.check(desired)).toEqual([]);
    kernel.addAddress('wan0', '100.72.3.4/10', true);
    expect((await lan.check({ ...desired, ti: { ...ti, tiPrefixes: ['100.64.0.0/10'] } })).map((f) => f.code)).toEqual(['wanCarrierGradeNat']);
    expect(kernel.writes.length).toBe(writes);
  });

  it('plans only the fallback and the bridge before a profile, and checks nothing', async () => {
    const { kernel, lan } = setup();
    await lan.apply({ ...desired, ti: null });
    expect(kernel.text()).toContain('addr lan0 192.168.100.1/24');
    expect(kernel.text()).not.toContain('10.77.12');
    expect(lan.halves()).toBeNull();
  });

  it('removes only what it added on apply(null)', async () => {
    const { kernel, lan } = setup();
    await lan.apply(desired);
    await lan.apply(null);
    expect(kernel.text()).toBe(['addr lan0 192.168.1.57/24 dynamic', 'addr wan0 192.168.178.2/24', 'link lan0 up', 'link term0 up', 'link wan0 down'].join('\n'));
  });
});
