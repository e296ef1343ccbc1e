// The web UI process: an unprivileged server that never runs a command and never opens the
// database. It asks the agent for status and named actions over the agent's web UI socket, serves
// HTTPS with the device certificate (made on the first start), and redirects HTTP to HTTPS.
import { join } from 'node:path';
import { ControlClient } from '../control/client.ts';
import type { Logger } from '../core/log.ts';
import { createApp } from './app.ts';
import type { Accounts } from './auth/accounts.ts';
import { WEBUI_ADMIN, type WebuiLoginResult } from '../control/protocol.ts';
import { LiveOverview } from './live/liveOverview.ts';
import type { DeviceView, NeighbourView } from './status/deviceView.ts';
import { readOverview } from './status/readOverview.ts';
import type { WebUiCommandLine } from './options.ts';
import { WebUiServers } from './server.ts';
import type { OverviewStatus } from './status/agentView.ts';
import { loadOrCreateDeviceCertificate } from './tls/deviceCertificate.ts';

/** How long a page waits for the agent's status. */
const STATUS_TIMEOUT_MS = 3_000;
/** How long an action may take (a tunnel restart waits for the tunnel). */
const ACTION_TIMEOUT_MS = 30_000;
/** Waiting for the agent at the first start, for the certificate's names. */
const AGENT_RETRY_MS = 1_000;

export interface WebUiDeps {
  commandLine: WebUiCommandLine;
  log: Logger;
  now?: () => Date;
}

export class WebUi {
  private readonly deps: WebUiDeps;
  private readonly servers = new WebUiServers();
  private readonly agent: ControlClient<OverviewStatus>;
  private readonly actions: ControlClient;
  private live: LiveOverview | undefined;

  constructor(deps: WebUiDeps) {
    this.deps = deps;
    this.agent = new ControlClient<OverviewStatus>(deps.commandLine.agentSocket, { timeoutMs: STATUS_TIMEOUT_MS });
    this.actions = new ControlClient(deps.commandLine.agentSocket, { timeoutMs: ACTION_TIMEOUT_MS });
  }

  async start(signal: AbortSignal): Promise<void> {
    const { commandLine, log } = this.deps;
    const now = this.deps.now ?? (() => new Date());
    const { certificate, created } = await loadOrCreateDeviceCertificate(join(commandLine.stateDir, 'tls'), () => this.lanAddresses(signal), now);
    log.info({ fingerprint256: certificate.fingerprint256, created }, created ? 'device certificate created' : 'device certificate loaded');
    const ask = (user: string, action: string, args?: unknown) => this.actions.actingFor(user).action(action, args);
    // The live view reads for the one account: what it shows is the same for every session.
    const live = new LiveOverview({
      watch: (onChange, watchSignal) => this.agent.watch(onChange, watchSignal),
      read: () =>
        readOverview(
          {
            status: () => this.agent.status(),
            devices: async () => (await ask(WEBUI_ADMIN, 'devices.list')) as DeviceView[],
            neighbours: async () => (await ask(WEBUI_ADMIN, 'devices.neighbours')) as NeighbourView[],
          },
          log,
        ),
      log,
    });
    this.live = live;
    live.start();
    const download = (user: string, name: string) => this.actions.actingFor(user).download(name);
    const app = createApp({ status: () => this.agent.status(), ask, download, live, fingerprint: certificate.fingerprint256, accounts: this.accounts(), log, now });
    await this.servers.start(app, certificate, { host: commandLine.listen, httpsPort: commandLine.httpsPort, httpPort: commandLine.httpPort });
    log.info({ host: commandLine.listen, httpsPort: this.servers.httpsPort(), httpPort: this.servers.httpPort() }, 'web UI listening');
  }

  async stop(): Promise<void> {
    this.live?.stop();
    await this.servers.stop();
  }

  /** The account's checks, asked of the agent on behalf of the user they are for. */
  private accounts(): Accounts {
    return {
      login: async (user, password, source) => (await this.agent.actingFor(user).action('webui.login', { user, password, source })) as WebuiLoginResult,
      changePassword: async (user, oldPassword, newPassword) =>
        (await this.agent.actingFor(user).action('webui.changePassword', { user, oldPassword, newPassword })) as { passwordChangedAt: string },
    };
  }

  /** The box's LAN-side addresses, once the agent answers (it must, for the first certificate's names). */
  private async lanAddresses(signal: AbortSignal): Promise<readonly string[]> {
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      try {
        return (await this.agent.status()).lanAddresses;
      } catch (error) {
        if (attempt === 1) this.deps.log.warn({ err: error }, 'waiting for the agent to name the LAN addresses for the device certificate');
        await new Promise((resolve) => setTimeout(resolve, AGENT_RETRY_MS));
      }
    }
  }
}
