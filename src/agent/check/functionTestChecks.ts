// The checks of the function test, in the order of their numbers. Missing parts come with later
// firmware (docs/function-test.md): 5 bandwidth needs the profile format's next version, 6 has
// the MTU values but not yet the full-size transfer, 10 the terminals' port and lease but not yet
// their model and firmware.
import { runnable, type RunnableCheck } from './check.ts';
import { addressPlanCheck } from './checks/addressPlan.ts';
import { connectorCheck } from './checks/connector.ts';
import { mtuCheck } from './checks/mtu.ts';
import { passthroughCheck } from './checks/passthrough.ts';
import { pvsHostsCheck } from './checks/pvsHosts.ts';
import { terminalsCheck } from './checks/terminals.ts';
import { tiDnsCheck } from './checks/tiDns.ts';
import { timeCheck } from './checks/time.ts';
import { tunnelCheck } from './checks/tunnel.ts';
import { wanCheck } from './checks/wan.ts';
import { wanDnsCheck } from './checks/wanDns.ts';

export const FUNCTION_TEST_CHECKS: readonly RunnableCheck[] = [
  runnable(wanCheck),
  runnable(wanDnsCheck),
  runnable(timeCheck),
  runnable(passthroughCheck),
  runnable(mtuCheck),
  runnable(tunnelCheck),
  runnable(connectorCheck),
  runnable(tiDnsCheck),
  runnable(terminalsCheck),
  runnable(pvsHostsCheck),
  runnable(addressPlanCheck),
];
