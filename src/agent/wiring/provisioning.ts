// The provisioning data the factory wrote: read from the data directory, shown in the status,
// a health warning while it is missing or unreadable; its initial password is the web UI
// account's until that is changed (webuiAccounts.ts).
import { ProvisioningService } from '../provisioning/provisioningService.ts';
import { WebuiAccountStore } from '../store/index.ts';
import { WebuiAccounts } from '../webuiAccounts.ts';
import type { AgentContext } from './context.ts';

export function wireProvisioning(ctx: AgentContext): ProvisioningService {
  const provisioning = new ProvisioningService({ dataDir: ctx.options.dataDir, health: ctx.health, log: ctx.logFor('provisioning'), now: ctx.now });
  new WebuiAccounts({
    store: ctx.whileOpen((db) => new WebuiAccountStore(db)),
    isInitialPassword: (password) => provisioning.checkInitialPassword(password),
    audit: ctx.audit,
    now: ctx.now,
  }).registerActions(ctx.actions);
  return provisioning;
}
