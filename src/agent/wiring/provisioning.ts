// The provisioning data the factory wrote: read from the data directory, shown in the status,
// a health warning while it is missing or unreadable.
import { ProvisioningService } from '../provisioning/provisioningService.ts';
import type { AgentContext } from './context.ts';

export function wireProvisioning(ctx: AgentContext): ProvisioningService {
  return new ProvisioningService({ dataDir: ctx.options.dataDir, health: ctx.health, log: ctx.logFor('provisioning'), now: ctx.now });
}
