// The tunnel: the link to charon, the clock the certificate checks need, and the controller with
// its history, its resume file for the next boot, the operator's actions and the config's
// tunnel.enabled, which it follows from start to stop.
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../core/index.ts';
import { ClockWatch } from '../clock/clockWatch.ts';
import { renderRouteBatch, type TiRoutes } from '../../firewall/index.ts';
import { CharonLink, registerTunnelActions, ResumeFile, StoredTunnelHistory, tcpKnock, TunnelController, tunnelPath, type WanRoute } from '../../ipsec/index.ts';
import { TunnelHistoryStore } from '../store/index.ts';
import type { AgentContext } from './context.ts';

/** The script charon runs when the tunnel resumed at boot is up: bin/ of this installation (src/ and build/ alike). */
const RESUME_UPDOWN = fileURLToPath(new URL('../../../bin/tibox-resume-updown', import.meta.url));

export interface TunnelWiring {
  clock: ClockWatch;
  charon: CharonLink;
  tunnel: TunnelController;
}

export function wireTunnel(ctx: AgentContext, deps: { routes: TiRoutes; wan: () => WanRoute | undefined }): TunnelWiring {
  const { options, config } = ctx;
  const clock = new ClockWatch({
    runner: options.runner,
    health: ctx.health,
    log: ctx.logFor('clock'),
    ...(options.chronySocket ? { chronycOptions: ['-h', options.chronySocket] } : {}),
    now: ctx.now,
  });
  const log = ctx.logFor('tunnel');
  const charon = new CharonLink({ socketPath: options.charonVici, log: ctx.logFor('vici'), now: ctx.now });
  const tunnel = new TunnelController({
    vici: charon.session,
    routes: deps.routes,
    tunnelPath: async (profile) => tunnelPath(await charon.backend(), deps.wan(), profile.localTiAddress),
    startProcess: ctx.startProcess,
    knock: tcpKnock,
    history: announced(new StoredTunnelHistory(ctx.whileOpen((db) => new TunnelHistoryStore(db)), ctx.bestEffort), ctx.bus),
    resume: new ResumeFile({ stateDir: ctx.stateDir, updown: RESUME_UPDOWN, routeBatch: renderRouteBatch }),
    health: ctx.health,
    log,
    now: ctx.now,
    enabledAtStart: () => config.current().config.tunnel.enabled,
    clockSynchronised: async () => {
      await clock.check();
      return clock.synchronised();
    },
  });
  registerTunnelActions(ctx.actions, {
    tunnel,
    persistEnabled: (enabled, actor) => {
      config.commit({ tunnel: { enabled } }, actor);
    },
    audit: ctx.audit,
  });
  followTunnelEnabled(ctx, tunnel, log);
  return { clock, charon, tunnel };
}

/**
 * A commit of tunnel.enabled switches the tunnel at once, whoever made it: `tunnel up|down` commit
 * it too, and their own setEnabled after it then finds the switch made and only asks for a pass
 * now (up retries at once). The tunnel never commits, so nothing loops.
 */
export function followTunnelEnabled(
  ctx: Pick<AgentContext, 'bus' | 'config'>,
  tunnel: Pick<TunnelController, 'isEnabled' | 'setEnabled'>,
  log: Logger,
): void {
  ctx.bus.on(tunnel, 'config.changed', () => {
    const enabled = ctx.config.current().config.tunnel.enabled;
    if (enabled === tunnel.isEnabled()) return;
    tunnel.setEnabled(enabled).catch((error: unknown) => log.error({ err: error, enabled }, 'tunnel not switched as committed'));
  });
}

/** The tunnel's history, each entry also announced on the bus as it is recorded. */
function announced(history: StoredTunnelHistory, bus: AgentContext['bus']): Pick<StoredTunnelHistory, 'record' | 'recent'> {
  return {
    record(event) {
      history.record(event);
      bus.emit('tunnel.event', event);
    },
    recent: (limit) => history.recent(limit),
  };
}
