// Reads the kernel's path MTU cache towards an address with the path MTU watch's adapter, inside
// a network namespace for pathMtu.test.ts (`ip netns exec NS node pmtuCacheDriver.ts ADDRESS`):
// its rtnetlink socket is the process's, as the agent's is in the box namespace. Prints the MTU
// as JSON, or null where the kernel learnt none.
import { processRunner } from '../../src/core/runner.ts';
import { netlinkPmtuCache } from '../../src/ipsec/index.ts';

const [address] = process.argv.slice(2);
if (!address) throw new Error('usage: pmtuCacheDriver.ts ADDRESS');
process.stdout.write(`${JSON.stringify((await netlinkPmtuCache(processRunner).read(address)) ?? null)}\n`);
process.exit(0);
