// A box as the restore and the factory reset see it, for unit tests: the real config service on a
// database in a temporary data directory, the devices in it, the backup and reset actions wired as
// the agent wires them, and a snapshot of every table either may change, to compare before and after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config, DeepPartial, Db } from '../../../../src/agent/store/index.ts';
import { DeviceStore } from '../../../../src/agent/store/index.ts';
import { wireBackup } from '../../../../src/agent/wiring/backup.ts';
import { agentContext, type AgentContext } from '../../../../src/agent/wiring/context.ts';
import { wireFactoryReset } from '../../../../src/agent/wiring/factoryReset.ts';
import { createLogger } from '../../../../src/core/log.ts';
import type { DeviceFields } from '../../../../src/lan/inventory/index.ts';
import { validateDeviceSet } from '../../../../src/lan/inventory/validate.ts';

export const NOW = new Date('2026-12-07T10:00:00.000Z');
export const PVS: DeviceFields = { kind: 'pvs', name: 'PVS Empfang', address: '10.77.12.10', mac: '02:00:00:00:00:10', cetpPorts: [8010] };
export const TERMINAL: DeviceFields = { kind: 'terminal', name: 'ORGA Empfang', address: '10.77.12.40', mac: '02:00:00:00:00:40', cetpPorts: [] };

/** The tables a restore or a reset writes, in a stable order. */
const TABLES = ['config_revisions', 'config_audit', 'config_pending', 'devices', 'device_audit', 'action_audit', 'webui_accounts', 'webui_logins'];

export interface RestoreBox {
  ctx: AgentContext;
  dataDir: string;
  /** An action asked for by the web UI's admin. */
  run: (action: string, args: unknown) => Promise<unknown>;
  commit: (change: DeepPartial<Config>) => void;
  setDevices: (devices: readonly DeviceFields[]) => void;
  devices: () => DeviceFields[];
  /** Every row of every table a restore or a reset may write, as text. */
  snapshot: () => string;
  /** Who the inventory was told replaced the devices, how often the profile and the function test's result were removed, and the resets announced on the bus. */
  told: { replaced: string[]; profileRemoved: number; functionTestForgotten: number; resets: { revision: number; actor: string }[] };
  /** How the profile's removal goes: at once unless a test says otherwise. */
  removeProfile: { with: () => Promise<void> };
  /** What comes between a restore's preview and its commit while its devices are checked (the inventory awaits the kernel's links there): nothing unless a test says otherwise. */
  whileDevicesChecked: { with: () => Promise<void> };
  db: () => Db;
  stop: () => Promise<void>;
}

export async function restoreBox(serial: string | undefined): Promise<RestoreBox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tibox-restore-'));
  const ctx = agentContext({
    version: '0.1.0-test',
    dataDir,
    socketPath: '/nonexistent/control.sock',
    charonVici: '/nonexistent/charon.vici',
    profileTrustAnchor: '/nonexistent/anchor.pem',
    log: createLogger({ level: 'silent' }),
    runner: { run: () => Promise.reject(new Error('no command expected')) },
    env: {},
    now: () => NOW,
  });
  await ctx.config.start(AbortSignal.timeout(5_000));
  const db = () => {
    const open = ctx.config.database();
    if (!open) throw new Error('database not open');
    return open;
  };
  const told = { replaced: [] as string[], profileRemoved: 0, functionTestForgotten: 0, resets: [] as { revision: number; actor: string }[] };
  const removeProfile = { with: () => Promise.resolve() };
  const whileDevicesChecked = { with: () => Promise.resolve() };
  ctx.bus.on(told, 'system.reset', (reset) => told.resets.push(reset));
  const devices = () => new DeviceStore(db()).list().map(({ kind, name, address, mac, cetpPorts }) => ({ kind, name, address, mac, cetpPorts }));
  wireBackup(ctx, {
    serial: () => serial,
    devices,
    checkDevices: async (set) => {
      await whileDevicesChecked.with();
      return validateDeviceSet(set, { halves: undefined, boxPorts: [{ port: 'lan0', mac: '02:00:00:00:00:01' }] });
    },
    devicesReplaced: (actor) => told.replaced.push(actor),
  });
  wireFactoryReset(ctx, {
    serial: () => serial,
    forgetProfile: () => {
      told.profileRemoved++;
      return removeProfile.with();
    },
    devicesReplaced: (actor) => told.replaced.push(actor),
    forgetFunctionTest: () => {
      told.functionTestForgotten++;
      return Promise.resolve();
    },
  });
  return {
    ctx,
    dataDir,
    run: (action, args) => ctx.actions.run(action, args, { actor: 'webui:admin' }),
    commit: (change) => void ctx.config.commit(change, 'local-cli'),
    setDevices: (set) => new DeviceStore(db()).replaceAll('local-cli', NOW.toISOString(), set),
    devices,
    snapshot: () => TABLES.map((table) => `${table}: ${JSON.stringify(db().prepare(`SELECT * FROM ${table} ORDER BY rowid`).all())}`).join('\n'),
    told,
    removeProfile,
    whileDevicesChecked,
    db,
    stop: async () => {
      await ctx.config.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
