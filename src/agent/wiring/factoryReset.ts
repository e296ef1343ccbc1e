// The factory reset as a control action: the box back to the state it left the factory in, but
// for what makes it this box and what the law keeps. Gone: the config (the defaults in force),
// the registered devices, the VPN profile with its keys, the web UI's changed password (the
// provisioned initial one logs in again and must be changed) and every web UI session, a pending
// network change, the last function test's result. Kept: the security log, that is every audit
// table and the login log (gemSpec_Kon TIP1-A_4820), with the reset's own entry; the provisioning data (serial, initial password); the
// box's backup signing key and the web UI's TLS certificate, so the box stays the one its
// installer and its backups know; the tunnel's history. docs/system.md says why.
import { FACTORY_RESET_WORD } from '../../control/protocol.ts';
import { TiboxError } from '../../core/index.ts';
import { ActionAuditStore, DeviceStore, WebuiAccountStore } from '../store/index.ts';
import type { AgentContext } from './context.ts';

export interface FactoryResetDeps {
  /** The box's serial number, or undefined before the factory step. */
  serial: () => string | undefined;
  /** Removes the VPN profile and tears its tunnel down. */
  forgetProfile: () => Promise<void>;
  /** The registered devices were replaced: the inventory tells the data path and the web UI. */
  devicesReplaced: (actor: string) => void;
  /** Deletes the last function test's result, which names this practice's devices and addresses. */
  forgetFunctionTest: () => Promise<void>;
}

export function wireFactoryReset(ctx: AgentContext, deps: FactoryResetDeps): void {
  const log = ctx.logFor('system');
  ctx.actions.register('system.factoryReset', async (args, { actor }) => {
    const expected = deps.serial() ?? FACTORY_RESET_WORD;
    const { confirm } = (typeof args === 'object' && args !== null ? args : {}) as { confirm?: unknown };
    if (typeof confirm !== 'string' || confirm.trim().toUpperCase() !== expected.toUpperCase()) throw new TiboxError('TIBOX_FACTORY_RESET_NOT_CONFIRMED', { expected });
    const at = ctx.now().toISOString();
    // The database in one transaction first: a database that takes no writes refuses the reset
    // before anything of it is done. Its audit entry is part of it: a crash while the tunnel is
    // torn down leaves no reset unaudited.
    const { revision } = ctx.config.factoryReset(actor, (db, committed) => {
      new DeviceStore(db).replaceAll(actor, at, []);
      new WebuiAccountStore(db).forgetPasswords();
      new ActionAuditStore(db).record({ at, actor, action: 'system.factoryReset', detail: { revision: committed.revision } });
    });
    // The password is the initial one again: the web UI ends every session and drops what it holds,
    // whatever comes of the profile below.
    ctx.bus.emit('system.reset', { revision, actor });
    deps.devicesReplaced(actor);
    try {
      await deps.forgetFunctionTest();
    } catch (error) {
      log.error({ err: error, actor }, 'factory reset: the last function test result not deleted');
    }
    let profile = 'removed';
    try {
      await deps.forgetProfile();
    } catch (error) {
      profile = `not removed: ${(error as Error).message}`;
      log.error({ err: error, actor }, 'factory reset: VPN profile not removed');
    }
    ctx.audit(actor, 'system.factoryReset.profile', { revision, profile });
    log.warn({ actor, revision }, 'factory reset done');
    if (profile !== 'removed') throw new TiboxError('TIBOX_ACTION_FAILED', { action: 'system.factoryReset', reason: `the settings were reset, but the VPN profile was ${profile}` });
    return { revision };
  });
}
