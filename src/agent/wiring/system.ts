// What the system page asks of the agent besides the status: the services that listen on the box,
// read from the kernel's socket tables, the reboot, audited with who asked for it, and the
// security log as a download (control API GET /v1/downloads/security-log), audited with who read it.
import type { Downloads } from '../../control/handler.ts';
import { TiboxError } from '../../core/index.ts';
import { securityLog } from '../store/index.ts';
import { commandReboot, type Reboot } from '../../updater/index.ts';
import { readListeningServices, type ListeningService } from '../system/listeningSockets.ts';
import type { AgentContext } from './context.ts';

export interface SystemDeps {
  listening?: () => Promise<ListeningService[]>;
  /** How the box reboots; the system update's reboot command when absent. */
  reboot?: Reboot;
}

/** The name under which the control API streams the security log. */
export const SECURITY_LOG_DOWNLOAD = 'security-log';

export function wireSystem(ctx: AgentContext, deps: SystemDeps = {}): { downloads: Downloads } {
  const log = ctx.logFor('system');
  const listening = deps.listening ?? (() => readListeningServices());
  // Only where the agent runs the box's own system (RAUC's): on a development machine a reboot
  // would take down the machine, not a box.
  const system = ctx.options.systemUpdates;
  const reboot = deps.reboot ?? (system ? commandReboot(ctx.options.runner, system.rebootCommand) : undefined);
  ctx.actions.register('system.listening', () => listening());
  ctx.actions.register('system.reboot', (_args, { actor }) => {
    if (!reboot) throw new TiboxError('TIBOX_REBOOT_UNAVAILABLE', { reason: 'this agent does not run on a box with its own system (no RAUC configuration)' });
    ctx.audit(actor, 'system.reboot', {});
    log.warn({ actor }, 'reboot asked for');
    // Answered before the reboot takes the agent down; a reboot that fails is logged, and the box runs on.
    setImmediate(() => void reboot.reboot(`asked for by ${actor}`).catch((error: unknown) => log.error({ err: error, actor }, 'reboot failed')));
    return { rebooting: true };
  });
  return {
    downloads: new Map([
      [
        SECURITY_LOG_DOWNLOAD,
        (actor: string) => {
          ctx.audit(actor, 'securityLog.download', {});
          const db = ctx.config.database();
          return db ? securityLog(db) : [];
        },
      ],
    ]),
  };
}
