// The dnsmasq subsystem: keeps the box's dnsmasq serving the desired state. dnsmasq runs as its
// own service (ARCHITECTURE.md §3: systemd on the box, the lab's supervisor in tests), so killing
// the agent never leaves a second one; the agent writes its files and signals it.
// apply() renders the desired state (an idle config when there is nothing to serve) and writes
// only the files whose text on disk differs. A main config newer than the running dnsmasq has it
// restarted: SIGTERM, and its service starts it again on the new config. Changed hosts or servers
// files only send SIGHUP (dnsmasq re-reads them). Compared with the files on disk and the running
// process, not with what this agent wrote last: a new agent restarts nothing that already serves
// its config, and still finishes what a killed agent left half done.
// A watch checks on a timer that dnsmasq runs; one that stays away longer than its service needs
// to start it again is a health warning. Each DHCP request dnsmasq answers or ignores, read from
// its log file (logTail.ts, dhcpLogParser.ts), goes to onDhcpRequest: how the device inventory
// hears of terminals that are not registered. stop() leaves dnsmasq running: it is not the agent's.
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import {
  SerialQueue, StateTracker, TiboxError, writeFileAtomic, type Component, type Health, type Logger, type RunningComponent, type Subsystem, type SubsystemStatus,
} from '../../core/index.ts';
import type { DnsmasqDesired } from './desired.ts';
import { DhcpLogParser, type DhcpRequest } from './dhcpLogParser.ts';
import { dnsmasqFiles, type DnsmasqFiles } from './files.ts';
import { LogTail } from './logTail.ts';
import { renderDnsmasq, type RenderedDnsmasq } from './render.ts';
import { dnsmasqComponent } from './service.ts';

export interface DnsmasqTimings {
  /** From SIGTERM until its service has started it again on the new config. */
  restartTimeoutMs: number;
  /** How often the watch looks whether dnsmasq runs. */
  watchMs: number;
  /** Not running this long (its service restarts it within a few seconds): a health warning. */
  downGraceMs: number;
  /** How often its log file is read besides when the kernel reports a change (the safety net). */
  logPollMs: number;
}

export const DEFAULT_DNSMASQ_TIMINGS: DnsmasqTimings = {
  restartTimeoutMs: 10_000,
  watchMs: 5_000,
  downGraceMs: 5_000,
  logPollMs: 5_000,
};

export interface DnsmasqDeps {
  /** Its own directory (e.g. /run/tibox/dnsmasq), made 0755: dnsmasq re-reads files there after dropping root. */
  runDir: string;
  health: Pick<Health, 'raise' | 'clear'>;
  log: Logger;
  /** Each DHCP request dnsmasq answered or ignored, as its log told it; outside input, unchecked. */
  onDhcpRequest: (request: DhcpRequest) => void;
  /** The running dnsmasq; the process of these files (service.ts) unless a test gives its own. */
  component?: Component;
  timings?: Partial<DnsmasqTimings>;
  now?: () => Date;
}

const FILES = ['config', 'dhcpHosts', 'servers'] as const;

export class Dnsmasq implements Subsystem<DnsmasqDesired> {
  readonly name = 'dnsmasq';
  private readonly deps: DnsmasqDeps;
  private readonly files: DnsmasqFiles;
  private readonly component: Component;
  private readonly timings: DnsmasqTimings;
  private readonly state: StateTracker;
  private readonly tail: LogTail;
  private readonly queue = new SerialQueue();
  private watch: NodeJS.Timeout | undefined;
  /** Whether the last apply had nothing to serve; undefined before the first. */
  private idle: boolean | undefined;
  /** A dnsmasq this agent has not told to re-read yet may run on files an earlier agent wrote. */
  private hupOwed = true;
  /** The main config the dnsmasq of this pid was started on, as far as this agent knows. */
  private served: { pid: number; config: string } | undefined;
  private lastPid: number | undefined;
  private downSince: number | undefined;

  constructor(deps: DnsmasqDeps) {
    this.deps = deps;
    this.files = dnsmasqFiles(deps.runDir);
    this.component = deps.component ?? dnsmasqComponent(this.files);
    this.timings = { ...DEFAULT_DNSMASQ_TIMINGS, ...deps.timings };
    this.state = new StateTracker(this.name, deps.now);
    const parser = new DhcpLogParser();
    this.tail = new LogTail({
      path: this.files.log,
      rotatedPath: this.files.rotatedLog,
      pollMs: this.timings.logPollMs,
      onLine: (line) => this.logLine(parser, line),
      reopen: async () => {
        await this.component.signal('SIGUSR2');
      },
      onError: (error) => this.deps.log.warn({ err: error, file: this.files.log }, 'dnsmasq log file not read'),
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await this.makeRunDir();
    this.tail.start();
    this.watch = setInterval(() => {
      void this.queue.run(() => this.check()).catch((error: unknown) => this.deps.log.error({ err: error }, 'dnsmasq not checked'));
    }, this.timings.watchMs);
    this.watch.unref();
    await this.queue.run(() => this.check());
  }

  async stop(): Promise<void> {
    clearInterval(this.watch);
    this.watch = undefined;
    this.tail.stop();
    await this.queue.run(async () => this.state.set('stopped'));
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  /** Bad input throws TIBOX_DNSMASQ_INVALID_FIELD before anything changes; null: nothing to serve. */
  async apply(desired: DnsmasqDesired | null): Promise<void> {
    const next = renderDnsmasq(desired, this.files);
    await this.queue.run(() => this.converge(next, desired === null));
  }

  private async converge(next: RenderedDnsmasq, idle: boolean): Promise<void> {
    await this.makeRunDir();
    const changed: (typeof FILES)[number][] = [];
    for (const file of FILES) {
      if ((await readFile(this.files[file], 'utf8').catch(() => undefined)) === next[file]) continue;
      await writeFileAtomic(this.files[file], next[file]);
      changed.push(file);
    }
    if (changed.length > 0) this.deps.log.info({ changed }, 'dnsmasq files written');
    this.idle = idle;
    const running = await this.component.find();
    // None runs: its service starts it on these files.
    if (!running) return this.check();
    if (await this.servesOlderConfig(running, next.config)) {
      let started: RunningComponent;
      try {
        started = await this.component.restart(this.timings.restartTimeoutMs);
      } catch (error) {
        await this.check();
        throw new TiboxError('TIBOX_DNSMASQ_NOT_STARTED', { reason: (error as Error).message });
      }
      this.deps.log.info({ before: running.pid, pid: started.pid }, 'dnsmasq started again on its new config');
      this.served = { pid: started.pid, config: next.config };
      this.hupOwed = false;
    } else if (this.hupOwed || changed.length > 0) {
      // dnsmasq re-reads the DHCP hosts and servers files on SIGHUP (dnsmasq(8), NOTES).
      await this.component.signal('SIGHUP');
      this.hupOwed = false;
    }
    await this.check();
  }

  /**
   * Whether the running dnsmasq was started on another main config than `config`: known for one
   * this agent started; for any other, it wrote its pid file (after reading its config) no later
   * than the config was written. File times count in clock ticks, so an equal time counts as
   * older: at worst one restart too many, never one too few.
   */
  private async servesOlderConfig(running: RunningComponent, config: string): Promise<boolean> {
    if (this.served?.pid === running.pid) return this.served.config !== config;
    const written = await stat(this.files.config).catch(() => undefined);
    if (written !== undefined && written.mtimeMs >= running.since) return true;
    this.served = { pid: running.pid, config };
    return false;
  }

  /** Whether dnsmasq runs: the state, and a warning once it stays away too long. */
  private async check(): Promise<void> {
    const running = await this.component.find();
    const now = Date.now();
    if (running) {
      if (this.lastPid !== undefined && running.pid !== this.lastPid) this.deps.log.info({ before: this.lastPid, pid: running.pid }, 'dnsmasq runs as a new process');
      if (this.downSince !== undefined) this.deps.log.info({ pid: running.pid }, 'dnsmasq runs again');
      this.lastPid = running.pid;
      this.downSince = undefined;
      this.state.set('running', this.idle ? 'nothing to serve' : undefined);
      this.deps.health.clear('dnsmasq.down');
      return;
    }
    this.downSince ??= now;
    const failed = now - this.downSince >= this.timings.downGraceMs;
    const detail = `dnsmasq is not running (for ${Math.round((now - this.downSince) / 1000)} s); its service starts it again`;
    this.state.set(failed ? 'failed' : this.lastPid === undefined ? 'starting' : 'degraded', detail);
    if (failed) this.deps.health.raise('dnsmasq.down', detail);
  }

  private logLine(parser: DhcpLogParser, line: string): void {
    const request = parser.line(line);
    if (!request) return;
    try {
      this.deps.onDhcpRequest(request);
    } catch (error) {
      // A line arrives on a timer: a throw there would end the agent.
      this.deps.log.error({ err: error, request }, 'a DHCP request from the dnsmasq log was not taken');
    }
  }

  private async makeRunDir(): Promise<void> {
    await mkdir(this.deps.runDir, { recursive: true });
    // Exactly 0755 whatever the umask: dnsmasq reads the files again as nobody on SIGHUP.
    await chmod(this.deps.runDir, 0o755);
  }
}
