// Runs the LAN subsystem's adapters inside a network namespace for lan.test.ts (`ip netns exec
// NS node lanDriver.ts ...`): their netlink sockets belong to the process, so the process has to
// live in the namespace, as the agent lives in the box namespace in the lab.
//   apply <stateDir> <LanLinksDesired JSON or null>  one apply; prints {"writes":[...],"status":{...}}
//   watch <stateDir> <LanLinksDesired JSON>          apply, start, print "ready"; stop() and exit on SIGTERM
//   wan-in-lan <lan> <wan>                           one check with the ARP probe; prints the health list
import { createLogger } from '../../src/core/log.ts';
import { Health } from '../../src/core/health.ts';
import { processRunner } from '../../src/core/runner.ts';
import { serveUntilTerm } from './serveUntilTerm.ts';
import {
  busyboxArpProbe, LanLinks, linkOpText, NetlinkLanKernel, WanInLanWatch, type LanKernel, type LanLinksDesired,
} from '../../src/lan/index.ts';

const [mode, first, second] = process.argv.slice(2);
if (!mode || !first || !second) throw new Error('usage: apply|watch <stateDir> <desired JSON> | wan-in-lan <lan> <wan>');

// Log lines go to stderr, so stdout carries only the driver's own answers.
const log = createLogger({ destination: process.stderr });
const netlink = new NetlinkLanKernel();

if (mode === 'apply' || mode === 'watch') {
  const writes: string[] = [];
  // The real adapter, with every write also recorded for the test.
  const kernel: LanKernel = {
    read: () => netlink.read(),
    routes: () => netlink.routes(),
    neighbours: () => netlink.neighbours(),
    watch: (onChange) => netlink.watch(onChange),
    write: async (op) => {
      await netlink.write(op);
      writes.push(linkOpText(op));
    },
  };
  const links = new LanLinks({ kernel, stateDir: first, log, settleMs: 50 });
  await links.apply(JSON.parse(second) as LanLinksDesired | null);
  if (mode === 'apply') {
    process.stdout.write(`${JSON.stringify({ writes, status: links.status() })}\n`);
  } else {
    await links.start(AbortSignal.timeout(5_000));
    serveUntilTerm(() => links.stop(), log);
  }
} else if (mode === 'wan-in-lan') {
  const health = new Health(() => undefined);
  const watch = new WanInLanWatch({ kernel: netlink, probe: busyboxArpProbe(processRunner), health, log });
  await watch.apply({ lan: first, wan: second });
  process.stdout.write(`${JSON.stringify(health.list())}\n`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
