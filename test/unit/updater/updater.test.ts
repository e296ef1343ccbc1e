// The updater subsystem: no client without a management identity, one client per desired state
// (the same state again changes nothing), a new one when the endpoint or identity changes; the
// way to the server follows the tunnel and the server's internet address; a new identity that a
// deployment's install brings waits for that deployment's last feedback.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { INTERNET_AFTER_MS, Updater, type ModuleInstaller, type RemoteManagement, type UpdateStatus, type UpdateTimes } from '../../../src/updater/index.ts';
import { CONTROLLER_ID, startLoopbackDdi } from './ddi/labServer.ts';

const dir = mkdtempSync(join(tmpdir(), 'tibox-updater-'));
const log = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never;
// Nothing listens on port 1: each poll fails at once, which is all these tests need.
const desired = (port = 1): RemoteManagement => ({ url: `https://127.0.0.1:${port}`, certificate: 'cert', privateKey: 'key', controllerId: 'box-0001', caCertificates: ['ca'] });

let updater: Updater;
afterEach(async () => {
  await updater?.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configured = (status: UpdateStatus) => {
  if (!status.configured) throw new Error(`not configured: ${status.reason}`);
  return status;
};

describe('Updater', () => {
  it('runs no client without a management identity, and says why', async () => {
    updater = new Updater({ dataDir: dir, runDir: dir, attributes: () => new Map(), log });
    await updater.start();
    await updater.apply(null);
    expect(updater.updateStatus()).toEqual({ configured: false, reason: 'the VPN profile carries no management identity (profile format version 2 brings one)' });
    expect(updater.status()).toMatchObject({ name: 'updater', state: 'running' });
  });

  it('starts polling for a management identity, keeps the client for the same one, replaces it for another', async () => {
    updater = new Updater({ dataDir: dir, runDir: dir, attributes: () => new Map(), log });
    await updater.start();
    await updater.apply(desired());
    await vi.waitFor(() => expect(configured(updater.updateStatus()).failures).toBe(1));
    expect(configured(updater.updateStatus())).toMatchObject({ controllerId: 'box-0001', base: 'https://127.0.0.1:1/DEFAULT/controller/v1/box-0001', lastPoll: { ok: false } });
    await updater.apply(desired());
    expect(configured(updater.updateStatus()).failures).toBe(1);
    await updater.apply(desired(2));
    expect(configured(updater.updateStatus()).base).toBe('https://127.0.0.1:2/DEFAULT/controller/v1/box-0001');
    await updater.apply(null);
    expect(updater.updateStatus().configured).toBe(false);
  });

  it('answers update.status on the control API, and stops its client with stop()', async () => {
    updater = new Updater({ dataDir: dir, runDir: dir, attributes: () => new Map(), log });
    const actions = new ControlActions();
    updater.registerActions(actions);
    await updater.start();
    await updater.apply(desired());
    expect(await actions.run('update.status', {}, { actor: 'test' })).toMatchObject({ configured: true, controllerId: 'box-0001' });
    await updater.stop();
    expect(updater.updateStatus().configured).toBe(false);
    expect(updater.status().state).toBe('stopped');
  });

  it('polls over the internet once the tunnel has been down a while and the address there is known, and through the tunnel again once it is up', async () => {
    const ddi = await startLoopbackDdi();
    try {
      let clock = Date.parse('2026-12-07T12:00:00Z');
      const pem = (value: string | Buffer) => value.toString();
      updater = new Updater({ dataDir: dir, runDir: dir, attributes: () => new Map([['serial', 'TBX-00000001']]), log, now: () => new Date(clock) });
      await updater.start();
      // The URL's name resolves nowhere here: the tunnel's way fails before it reaches the server.
      await updater.apply({
        url: `https://mgmt.dc.tibox.test:${ddi.server.port}`,
        certificate: pem(ddi.tls.cert),
        privateKey: pem(ddi.tls.key),
        controllerId: CONTROLLER_ID,
        caCertificates: [pem(ddi.tls.ca)],
      });
      await vi.waitFor(() => expect(configured(updater.updateStatus()).failures).toBe(1));
      expect(configured(updater.updateStatus()).way).toEqual({ kind: 'tunnel' });

      // Known, but the tunnel went down only now: still the tunnel.
      updater.followTunnel(false);
      updater.setInternetEndpoint({ address: '127.0.0.1', port: ddi.server.port });
      expect(configured(updater.updateStatus()).way).toEqual({ kind: 'tunnel' });

      clock += INTERNET_AFTER_MS;
      updater.setInternetEndpoint({ address: '127.0.0.1', port: ddi.server.port });
      expect(configured(updater.updateStatus()).way).toEqual({ kind: 'internet', address: '127.0.0.1', port: ddi.server.port });
      // The poll that never arrived is made at once, over the internet, and gets through.
      await vi.waitFor(() => expect(configured(updater.updateStatus()).lastPoll).toMatchObject({ ok: true }));
      expect((await ddi.admin.requests()).map((r) => [r.method, r.localAddress])).toEqual([['GET', '127.0.0.1'], ['PUT', '127.0.0.1']]);

      updater.followTunnel(true);
      expect(configured(updater.updateStatus()).way).toEqual({ kind: 'tunnel' });
      updater.setInternetEndpoint(undefined);
      updater.followTunnel(false);
      clock += INTERNET_AFTER_MS;
      updater.followTunnel(false);
      expect(configured(updater.updateStatus()).way).toEqual({ kind: 'tunnel' });
    } finally {
      await updater.stop();
      await ddi.close();
    }
  });

  it('leaves the tunnel by itself once it has been down long enough, without another event, and gives a new profile its 30 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      updater = new Updater({ dataDir: dir, runDir: dir, attributes: () => new Map(), log });
      await updater.start();
      await updater.apply(desired());
      updater.setInternetEndpoint({ address: '127.0.0.1', port: 1 });
      updater.followTunnel(false);
      await vi.advanceTimersByTimeAsync(INTERNET_AFTER_MS - 1);
      expect(configured(updater.updateStatus()).way).toEqual({ kind: 'tunnel' });
      await vi.advanceTimersByTimeAsync(1);
      expect(configured(updater.updateStatus()).way).toEqual({ kind: 'internet', address: '127.0.0.1', port: 1 });

      // A new profile's identity: its tunnel gets 30 s first, however long the old one was down.
      await updater.apply(desired(2));
      expect(configured(updater.updateStatus()).way).toEqual({ kind: 'tunnel' });
      await vi.advanceTimersByTimeAsync(INTERNET_AFTER_MS);
      expect(configured(updater.updateStatus()).way).toEqual({ kind: 'internet', address: '127.0.0.1', port: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Updater installing a deployment', () => {
  it('keeps the client a profile renewal began with until the renewal\'s last feedback is sent, then takes the new identity', async () => {
    const ddi = await startLoopbackDdi();
    try {
      let clock = Date.parse('2026-12-07T12:00:00Z');
      const pem = (value: string | Buffer) => value.toString();
      const identity = (extraCa: boolean): RemoteManagement => ({
        url: `https://mgmt.dc.tibox.test:${ddi.server.port}`,
        certificate: pem(ddi.tls.cert),
        privateKey: pem(ddi.tls.key),
        controllerId: CONTROLLER_ID,
        // A second copy of the CA: another identity for the updater, the same for the server.
        caCertificates: extraCa ? [pem(ddi.tls.ca), pem(ddi.tls.ca)] : [pem(ddi.tls.ca)],
      });
      const artifact = join(ddi.dir, 'profile.json');
      writeFileSync(artifact, '{"format":"tibox-vpn-profile"}');
      await ddi.admin.setPolling('00:00:30', CONTROLLER_ID);
      const actionId = await ddi.admin.assign({
        controllerId: CONTROLLER_ID,
        chunks: [{ part: 'tibox-profile', version: '2', name: 'profile', artifacts: [{ filename: 'profile.json', path: artifact }] }],
      });
      let applied: Promise<void> | undefined;
      // As the agent's renewal does: the new profile's identity reaches the updater while the module is still installing.
      const renewal: ModuleInstaller = {
        part: 'tibox-profile',
        live: true,
        async install() {
          applied = updater.apply(identity(true));
          await new Promise((resolve) => setTimeout(resolve, 50));
          return { kind: 'installed', details: ['profile renewed'] };
        },
      };
      updater = new Updater({
        dataDir: mkdtempSync(join(dir, 'install-')), runDir: dir, attributes: () => new Map([['serial', 'TBX-00000001']]), log, now: () => new Date(clock),
        times: () => ({ openingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], openingFrom: '00:00', openingUntil: '24:00', closedOnHolidays: false, installMinutes: 30 }),
        installers: [renewal],
      });
      await updater.start();
      await updater.apply(identity(false));
      // The management name resolves nowhere here: the client takes the internet's way to the loopback server.
      updater.followTunnel(false);
      clock += INTERNET_AFTER_MS;
      updater.setInternetEndpoint({ address: '127.0.0.1', port: ddi.server.port });
      await vi.waitFor(async () => expect((await ddi.admin.action(actionId)).state).toBe('finished'), 10_000);
      expect((await ddi.admin.action(actionId)).feedback.at(-1)).toMatchObject({ execution: 'closed', finished: 'success', details: ['profile renewed'] });
      await applied;
      expect(configured(updater.updateStatus())).toMatchObject({ controllerId: CONTROLLER_ID, action: undefined });
    } finally {
      await updater.stop();
      await ddi.close();
    }
  }, 30_000);
});

describe('Updater with system updates', () => {
  const raucStatus = (booted: 'A' | 'B', markedGood: string[]) => ({
    status: () => Promise.resolve({
      compatible: 'tibox', booted, bootPrimary: 'rootfs.1',
      slots: [
        { name: 'rootfs.0', bootname: 'A', state: booted === 'A' ? 'booted' : 'inactive', bootStatus: 'good', version: '1.0.0', installedAt: undefined },
        { name: 'rootfs.1', bootname: 'B', state: booted === 'B' ? 'booted' : 'inactive', bootStatus: markedGood.length > 0 ? 'good' : 'bad', version: '2.0.0', installedAt: undefined },
      ],
    }),
    markBooted: (state: 'good' | 'bad') => Promise.resolve(void markedGood.push(state)),
  });

  const NEVER_OPEN = { openingDays: [], openingFrom: '06:00', openingUntil: '22:00', closedOnHolidays: true, installMinutes: 30 } as const;

  function systemUpdater(booted: 'A' | 'B', marks: string[], dataDir: string, more: { reboots?: string[]; times?: UpdateTimes; now?: () => Date } = {}) {
    return new Updater({
      dataDir,
      runDir: join(dataDir, 'run'),
      attributes: () => new Map(),
      log,
      times: () => more.times ?? NEVER_OPEN,
      ...(more.now ? { now: more.now } : {}),
      system: {
        rauc: raucStatus(booted, marks) as never,
        reboot: { reboot: (reason) => (more.reboots ? Promise.resolve(void more.reboots.push(reason)) : Promise.reject(new Error('no reboot expected'))) },
        checks: () => Promise.resolve({ agent: true, wan: true, tunnel: true }),
        runningVersion: '1.0.0',
        commitIntervalMs: 10,
      },
    });
  }

  it('judges a freshly booted slot at start, marks it good, and shows the outcome; an install by hand needs no report', async () => {
    const dataDir = mkdtempSync(join(dir, 'system-'));
    const marks: string[] = [];
    mkdirSync(join(dataDir, 'state'));
    writeFileSync(join(dataDir, 'state', 'update-pending-boot.json'), JSON.stringify({ slot: 'B', version: '2.0.0', previousSlot: 'A', previousVersion: '1.0.0', actionId: null, boots: 0, committed: false }));
    updater = systemUpdater('B', marks, dataDir);
    await updater.start();
    const actions = new ControlActions();
    updater.registerActions(actions);
    await vi.waitFor(async () => expect(await updater.systemStatus()).toMatchObject({ pending: undefined, lastOutcome: { result: 'success', version: '2.0.0' } }));
    expect(marks).toEqual(['good']);
    expect(await actions.run('update.status', {}, { actor: 'test' })).toMatchObject({
      configured: false,
      system: {
        booted: 'B',
        slots: [{ bootname: 'A', version: '1.0.0' }, { bootname: 'B', version: '2.0.0', bootStatus: 'good' }],
        lastOutcome: { actionId: undefined, result: 'success', details: ['version 2.0.0 runs in slot B, passed its health check and is marked good'] },
      },
    });
  });

  it('keeps the outcome of a deployment until a client can tell the server, and reports a slot the bootloader left', async () => {
    const dataDir = mkdtempSync(join(dir, 'system-'));
    mkdirSync(join(dataDir, 'state'));
    writeFileSync(join(dataDir, 'state', 'update-pending-boot.json'), JSON.stringify({ slot: 'B', version: '2.0.0', previousSlot: 'A', previousVersion: '1.0.0', actionId: '12', boots: 1, committed: false }));
    updater = systemUpdater('A', [], dataDir);
    await updater.start();
    await vi.waitFor(async () => expect((await updater.systemStatus())?.lastOutcome).toMatchObject({ actionId: '12', result: 'failure', details: ['version 2.0.0 in slot B did not come up healthy; slot A with version 1.0.0 runs again'] }));
    expect((await updater.systemStatus())?.pending).toMatchObject({ actionId: '12', slot: 'B' });
  });

  describe('an agent that starts again between the install and its reboot', () => {
    const PENDING = { slot: 'B', version: '2.0.0', previousSlot: 'A', previousVersion: '1.0.0', actionId: '14', boots: 0, committed: false };

    function installedInThisBoot(forced: boolean): string {
      const dataDir = mkdtempSync(join(dir, 'system-'));
      mkdirSync(join(dataDir, 'state'));
      mkdirSync(join(dataDir, 'run'));
      writeFileSync(join(dataDir, 'state', 'update-pending-boot.json'), JSON.stringify(PENDING));
      writeFileSync(join(dataDir, 'run', 'update-installed-this-boot.json'), JSON.stringify({ slot: 'B', version: '2.0.0', forced }));
      return dataDir;
    }

    it('keeps the pending boot, reports nothing, and asks for the reboot again', async () => {
      const dataDir = installedInThisBoot(true);
      const reboots: string[] = [];
      updater = systemUpdater('A', [], dataDir, { reboots });
      await updater.start();
      await vi.waitFor(() => expect(reboots).toEqual(['update to version 2.0.0']));
      expect(await updater.systemStatus()).toMatchObject({ pending: PENDING, lastOutcome: undefined });
    });

    it('waits for the practice to close before that reboot, unless the deployment was forced', async () => {
      const dataDir = installedInThisBoot(false);
      const reboots: string[] = [];
      // A Monday at 10:00 in Berlin, the practice open until 22:00.
      const open: UpdateTimes = { openingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], openingFrom: '06:00', openingUntil: '22:00', closedOnHolidays: true, installMinutes: 30 };
      updater = systemUpdater('A', [], dataDir, { reboots, times: open, now: () => new Date('2026-12-07T09:00:00Z') });
      await updater.start();
      await new Promise((r) => setTimeout(r, 200));
      expect(reboots).toEqual([]);
      expect(await updater.systemStatus()).toMatchObject({ pending: PENDING, lastOutcome: undefined });
    });

    it('after the reboot, finds the old slot running and the record gone: the bootloader fell back', async () => {
      const dataDir = installedInThisBoot(true);
      rmSync(join(dataDir, 'run'), { recursive: true });
      updater = systemUpdater('A', [], dataDir);
      await updater.start();
      await vi.waitFor(async () => expect((await updater.systemStatus())?.lastOutcome).toMatchObject({ actionId: '14', result: 'failure' }));
    });
  });
});
