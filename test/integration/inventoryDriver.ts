// Runs the device inventory inside the box namespace for inventory.test.ts (`ip netns exec NS node
// inventoryDriver.ts SOCKET DATADIR LEASEFILE`): its rtnetlink sockets and TCP probes belong to the
// process, so the process has to live in the namespace, as the agent lives in the box namespace.
// The test talks to it over a control socket, through the inventory's own actions, plus
// 'test.health' for the warnings raised. Prints "ready" once the socket answers; stops on SIGTERM.
import { BestEffortStore } from '../../src/core/bestEffortStore.ts';
import { ControlActions } from '../../src/core/controlActions.ts';
import { ControlServer } from '../../src/control/server.ts';
import { Health } from '../../src/core/health.ts';
import { createLogger } from '../../src/core/log.ts';
import { DeviceStore, openDatabase, ReachabilityStore } from '../../src/agent/store/index.ts';
import { NetlinkLanKernel } from '../../src/lan/index.ts';
import { boxPortsOf, DeviceInventory, NetlinkNeighbourSource, registerDeviceActions, tcpProbe } from '../../src/lan/inventory/index.ts';

const [socketPath, dataDir, leaseFile] = process.argv.slice(2);
if (!socketPath || !dataDir || !leaseFile) throw new Error('usage: inventoryDriver.ts SOCKET DATADIR LEASEFILE');

// Log lines go to stderr, so stdout carries only the driver's own answers.
const log = createLogger({ destination: process.stderr });
const { db } = openDatabase(dataDir);
const health = new Health(() => undefined);
const inventory = new DeviceInventory({
  devices: () => new DeviceStore(db),
  reachability: () => new ReachabilityStore(db),
  bestEffort: new BestEffortStore({ health, log }),
  halves: () => ({ lanHalf: '10.77.12.0/27', terminalHalf: '10.77.12.32/27', lanGateway: '10.77.12.1', terminalGateway: '10.77.12.33' }),
  ti: () => ({ prefixes: ['100.102.0.0/15'], domains: ['telematik-test'] }),
  boxPorts: async () => boxPortsOf((await new NetlinkLanKernel().read()).links, { lan: 'lan0', wan: 'wan0', terminals: [], terminalBridge: 'br-term' }),
  interfaces: () => ['lan0', 'br-term'],
  neighbours: new NetlinkNeighbourSource(),
  probe: tcpProbe,
  health,
  log,
  leaseFile,
  // Short, so the test need not wait for the box's minute-long rounds.
  timings: { neighbourRefreshMs: 500, discoveryIntervalMs: 300, discoveryRetryMs: 300, reachabilityIntervalMs: 300, probeTimeoutMs: 500, leasePollMs: 200 },
});
const actions = new ControlActions();
registerDeviceActions(actions, inventory);
actions.register('test.health', () => health.list().map((w) => ({ code: w.code, detail: w.detail })));
const server = new ControlServer({ socketPath, status: () => { throw new Error('no status here'); }, actions, log });

await inventory.start(AbortSignal.timeout(5_000));
await server.start(AbortSignal.timeout(5_000));
// The inventory's sockets and timers may not keep a process alive on their own; this driver has to.
const alive = setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => {
  void Promise.all([server.stop(), inventory.stop()])
    .then(() => {
      db.close();
      clearInterval(alive);
    })
    .catch((error: unknown) => {
      log.error({ err: error }, 'driver did not stop');
      process.exit(1);
    });
});
process.stdout.write('ready\n');
