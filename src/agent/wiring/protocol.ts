// The installation protocol (src/agent/protocol/): its facts are read from the practice data, the
// provisioning, the profile, the device registry and the function test's last run.
import type { ProfileService } from '../../ipsec/index.ts';
import type { DeviceInventory } from '../../lan/inventory/index.ts';
import type { FunctionTest } from '../check/functionTest.ts';
import type { ProtocolFacts } from '../protocol/protocolContent.ts';
import { Protocols } from '../protocol/protocols.ts';
import { ProtocolStore } from '../protocol/protocolStore.ts';
import type { AgentContext } from './context.ts';

export interface ProtocolDeps {
  serial: () => string | undefined;
  profile: ProfileService;
  inventory: DeviceInventory;
  functionTest: FunctionTest;
}

export function wireProtocol(ctx: AgentContext, deps: ProtocolDeps): Protocols {
  const protocols = new Protocols({
    store: new ProtocolStore(ctx.stateDir),
    facts: () => factsNow(ctx, deps),
    audit: ctx.audit,
    log: ctx.logFor('protocol'),
  });
  protocols.registerActions(ctx.actions);
  return protocols;
}

async function factsNow(ctx: AgentContext, deps: ProtocolDeps): Promise<ProtocolFacts> {
  const { practice } = ctx.config.current().config;
  const profile = deps.profile.profile();
  const serial = deps.serial();
  const test = await deps.functionTest.last();
  return {
    practice,
    ...(serial ? { serial } : {}),
    firmwareVersion: ctx.options.version,
    ...(profile
      ? {
          identity: {
            boxId: profile.boxId,
            subject: profile.identity.subject,
            fingerprint256: profile.identity.fingerprint256,
            notBefore: profile.identity.notBefore,
            notAfter: profile.identity.notAfter,
          },
          tiSegment: profile.tiSegment,
        }
      : {}),
    devices: deps.inventory.devices().map(({ kind, name, address, mac, cetpPorts, changedAt }) => ({ kind, name, address, mac, cetpPorts, changedAt })),
    ...(test ? { test } : {}),
    now: ctx.now(),
  };
}
