// `tibox devices ...` end to end in-process: the CLI, the control socket, the inventory's actions
// and a real registry on a memory database.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/agent/cli/main.ts';
import { BestEffortStore } from '../../../src/core/bestEffortStore.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { Health } from '../../../src/core/health.ts';
import { ControlServer } from '../../../src/control/server.ts';
import type { Db } from '../../../src/agent/store/index.ts';
import { DeviceInventory, registerDeviceActions } from '../../../src/lan/inventory/index.ts';
import { HALVES, inventoryStores, memoryDb } from '../lan/inventory/fixtures.ts';
import { groupFile, memoryLogger, tempDir } from './helpers.ts';

const NOW = new Date('2025-05-02T10:00:00.000Z');

let dir: string;
let cleanup: () => Promise<void>;
let server: ControlServer;
let db: Db;
let inventory: DeviceInventory;
let socket: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  db = memoryDb();
  const log = memoryLogger().log;
  inventory = new DeviceInventory({
    ...inventoryStores(db),
    bestEffort: new BestEffortStore({ health: new Health(() => undefined), log }),
    halves: () => HALVES,
    ti: () => ({ prefixes: ['100.102.0.0/15'], domains: ['telematik'] }),
    boxPorts: async () => [{ port: 'LAN port lan0', mac: '52:54:00:12:34:56' }],
    interfaces: () => ['lan0', 'br-term'],
    neighbours: {
      read: async () => [{ ip: '192.168.1.20', mac: '00:1a:2b:3c:4d:5e', interface: 'lan0', state: 'reachable', confirmedAgoMs: 90_000 }],
      watch: () => () => undefined,
    },
    probe: async () => ({ ok: false, detail: 'timeout' }),
    health: { raise: () => undefined, clear: () => undefined },
    log,
    now: () => NOW,
  });
  const actions = new ControlActions();
  registerDeviceActions(actions, inventory);
  socket = join(dir, 'control.sock');
  server = new ControlServer({ socketPath: socket, status: () => { throw new Error('not asked'); }, actions, log, groupFile: await groupFile(dir, true) });
  await server.start(AbortSignal.timeout(5_000));
});

afterEach(async () => {
  await server.stop();
  await inventory.stop();
  db.close();
  await cleanup();
});

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['--socket', socket, ...argv], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, now: () => NOW });
  return { code, stdout, stderr };
}

describe('tibox devices', () => {
  it('registers, lists, changes and removes devices', async () => {
    expect(await run('devices', 'register', 'pvs', 'Empfang-PC', '--address', '10.77.12.10', '--mac', '00-1A-2B-3C-4D-5E', '--cetp-ports', '4001,4000')).toEqual({
      code: 0,
      stdout: 'Registered PVS host "Empfang-PC" (id 1): 10.77.12.10, 00:1a:2b:3c:4d:5e, CETP 4000,4001\n',
      stderr: '',
    });
    await run('devices', 'register', 'terminal', 'Empfang KT', '--address', '10.77.12.40', '--mac', '02:00:5e:10:00:40');
    expect((await run('devices', 'list')).stdout).toBe(
      [
        'ID  KIND      NAME        ADDRESS      MAC                CETP       REACHABILITY',
        '1   pvs       Empfang-PC  10.77.12.10  00:1a:2b:3c:4d:5e  4000,4001  -',
        '2   terminal  Empfang KT  10.77.12.40  02:00:5e:10:00:40  -          -',
        '',
      ].join('\n'),
    );
    expect((await run('devices', 'change', 'empfang kt', '--address', '10.77.12.20')).stdout).toBe(
      'Changed card terminal "Empfang KT" (id 2): 10.77.12.20, 02:00:5e:10:00:40\n',
    );
    expect((await run('devices', 'remove', '1')).stdout).toBe('Removed PVS host "Empfang-PC" (id 1): 10.77.12.10, 00:1a:2b:3c:4d:5e, CETP 4000,4001\n');
    const listed = JSON.parse((await run('devices', 'list', '--json')).stdout) as { name: string }[];
    expect(listed.map((d) => d.name)).toEqual(['Empfang KT']);
    expect(inventory.audit(10).map((a) => [a.action, a.actor])).toEqual([['remove', 'local-cli'], ['change', 'local-cli'], ['register', 'local-cli'], ['register', 'local-cli']]);
  });

  it('lines up the list after names with wide and combining characters', async () => {
    await run('devices', 'register', 'pvs', '受付-PC', '--address', '10.77.12.10', '--mac', '00:1a:2b:3c:4d:5e');
    await run('devices', 'register', 'terminal', 'Mu\u0308ller KT', '--address', '10.77.12.40', '--mac', '02:00:5e:10:00:40');
    expect((await run('devices', 'list')).stdout).toBe(
      [
        'ID  KIND      NAME       ADDRESS      MAC                CETP  REACHABILITY',
        '1   pvs       受付-PC    10.77.12.10  00:1a:2b:3c:4d:5e  -     -',
        '2   terminal  Mu\u0308ller KT  10.77.12.40  02:00:5e:10:00:40  -     -',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [['--address', '10.77.12.10', '--mac', '01:00:5e:00:00:01'], 'tibox: the MAC address "01:00:5e:00:00:01" cannot be used: it is a group (multicast or broadcast) address\n'],
    [['--address', '10.77.12.40', '--mac', '00:1a:2b:3c:4d:5e'], 'tibox: a PVS host needs an address in the LAN half 10.77.12.0/27; 10.77.12.40 is outside\n'],
    [['--address', '10.77.12.11', '--mac', '02:00:5e:10:00:40'], 'tibox: the MAC address 02:00:5e:10:00:40 is already registered for "Empfang KT"\n'],
    [['--address', '10.77.12.11', '--mac', '52:54:00:12:34:56'], "tibox: the MAC address 52:54:00:12:34:56 is the box's own, on its LAN port lan0; enter the MAC of the device's own network card\n"],
  ])('refuses bad input with one clear line and exit 1: %j', async (args, message) => {
    await run('devices', 'register', 'terminal', 'Empfang KT', '--address', '10.77.12.40', '--mac', '02:00:5e:10:00:40');
    expect(await run('devices', 'register', 'pvs', 'PC', ...args)).toEqual({ code: 1, stdout: '', stderr: message });
    expect(inventory.devices().map((d) => d.name)).toEqual(['Empfang KT']);
  });

  it.each([
    [['devices', 'register', 'pvs'], "devices register needs the kind (pvs or terminal) and a NAME; see 'tibox devices register --help'"],
    [
      ['devices', 'register', 'pvs', 'PC', '--address', '10.77.12.10', '--mac', '00:1a:2b:3c:4d:5e', '--cetp-ports', '4000;4001'],
      "--cetp-ports takes port numbers separated by commas, e.g. 4000,4001; see 'tibox devices register --help'",
    ],
    [['devices', 'remove'], "devices remove needs the DEVICE (name or id); see 'tibox devices remove --help'"],
    [['devices', 'setup'], "devices setup needs the DEVICE (name or id); see 'tibox devices setup --help'"],
    [['devices', 'register', 'pvs', 'PC', '--adress', '10.77.12.10'], "unknown option '--adress' for 'devices register'; see 'tibox devices register --help'"],
  ])('exits 2 on the usage error %j', async (argv, message) => {
    expect(await run(...argv)).toEqual({ code: 2, stdout: '', stderr: `tibox: ${message}\n` });
    expect(inventory.devices()).toEqual([]);
  });

  it("lists the devices for 'tibox devices' alone, with the list's options", async () => {
    await run('devices', 'register', 'pvs', 'Empfang-PC', '--address', '10.77.12.10', '--mac', '00:1a:2b:3c:4d:5e');
    const alone = await run('devices');
    expect(alone).toEqual(await run('devices', 'list'));
    expect(alone.stdout).toContain('Empfang-PC  10.77.12.10');
    expect(JSON.parse((await run('devices', '--json')).stdout)).toMatchObject([{ name: 'Empfang-PC' }]);
  });

  it('says that a registration was not saved when the database takes no writes', async () => {
    db.exec('PRAGMA query_only = ON');
    expect(await run('devices', 'register', 'pvs', 'Empfang-PC', '--address', '10.77.12.10', '--mac', '00:1a:2b:3c:4d:5e')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'tibox: the change could not be saved: the database is not writable (attempt to write a readonly database, SQLITE_READONLY)\n',
    });
  });

  it('says which device it does not know', async () => {
    expect(await run('devices', 'setup', 'Labor')).toEqual({ code: 1, stdout: '', stderr: 'tibox: no registered device "Labor"\n' });
  });

  it('prints the setup for one system, with the adapter name given', async () => {
    await run('devices', 'register', 'pvs', 'Empfang-PC', '--address', '10.77.12.10', '--mac', '00:1a:2b:3c:4d:5e');
    const windows = await run('devices', 'setup', 'Empfang-PC', '--windows', '--windows-interface', 'LAN-Verbindung');
    expect(windows.stdout).toContain('netsh interface ipv4 add address "LAN-Verbindung" 10.77.12.10 255.255.255.224\n');
    expect(windows.stdout).not.toContain('nmcli');
    const linux = await run('devices', 'setup', 'Empfang-PC', '--linux');
    expect(linux.stdout.split('\n')).toContain('ip route add 100.102.0.0/15 via 10.77.12.1 dev ti0');
    expect(linux.stdout).not.toContain('netsh');
  });

  it('lists what the box has seen and the terminals it found', async () => {
    await inventory.start(AbortSignal.timeout(1_000));
    inventory.dhcpSeen({ mac: '02:00:5e:10:00:41', address: '10.77.12.41', hostname: 'ORGA6141-41' });
    expect((await run('devices', 'neighbours')).stdout).toBe(
      ['PORT  ADDRESS       MAC                STATE      LAST SEEN', 'lan0  192.168.1.20  00:1a:2b:3c:4d:5e  reachable  1 min 30 s ago', ''].join('\n'),
    );
    expect((await run('devices', 'terminals')).stdout).toBe(
      [
        'ADDRESS      MAC                PORT  FOUND BY      NAME / VENDOR CLASS  LAST SEEN',
        '10.77.12.41  02:00:5e:10:00:41  -     DHCP request  ORGA6141-41          0 s ago',
        '',
      ].join('\n'),
    );
    expect((await run('devices', 'history', '7')).stderr).toBe('tibox: no registered device "7"\n');
  });
});
