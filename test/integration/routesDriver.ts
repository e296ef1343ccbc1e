// Runs the routes module inside a network namespace for routes.test.ts (`ip netns exec NS node
// routesDriver.ts ...`): the module's netlink sockets belong to the process, so the process has
// to live in the namespace, as the agent lives in the box namespace in the lab.
//   apply <stateDir> <desired JSON or null>  one apply; prints {"writes":[...],"status":{...}}
//   watch <stateDir> <desired JSON>          apply, start, print "ready"; stop() and exit on SIGTERM
import { createLogger } from '../../src/core/log.ts';
import { serveUntilTerm } from './serveUntilTerm.ts';
import { NetlinkRouteKernel, opText, TiRoutes, type RouteKernel, type TiRoutesDesired } from '../../src/firewall/index.ts';

const [mode, stateDir, json] = process.argv.slice(2);
if ((mode !== 'apply' && mode !== 'watch') || !stateDir || !json) throw new Error('usage: apply|watch <stateDir> <desired JSON>');

const netlink = new NetlinkRouteKernel();
const writes: string[] = [];
// The real adapter, with every write also recorded for the test.
const kernel: RouteKernel = {
  read: () => netlink.read(),
  watch: (onChange) => netlink.watch(onChange),
  write: async (op) => {
    await netlink.write(op);
    writes.push(opText(op));
  },
  setLinkUp: async (name) => {
    await netlink.setLinkUp(name);
    writes.push(`set link ${name} up`);
  },
};
// Log lines go to stderr, so stdout carries only the driver's own answers.
const log = createLogger({ destination: process.stderr });
const routes = new TiRoutes({ kernel, stateDir, log, settleMs: 50 });
await routes.apply(JSON.parse(json) as TiRoutesDesired | null);

if (mode === 'apply') {
  process.stdout.write(`${JSON.stringify({ writes, status: routes.status() })}\n`);
} else {
  await routes.start(AbortSignal.timeout(5_000));
  serveUntilTerm(() => routes.stop(), log);
}
