// What the network page reads besides the config: the routing table as the kernel holds it.
import { RouteTableReader } from '../network/routeTable.ts';
import type { AgentContext } from './context.ts';

export function wireNetwork(ctx: AgentContext, reader: Pick<RouteTableReader, 'read'> = new RouteTableReader()): void {
  ctx.actions.register('network.routes', () => reader.read());
}
