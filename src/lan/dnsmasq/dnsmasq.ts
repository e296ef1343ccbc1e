// The dnsmasq subsystem: owns the box's one dnsmasq process and its files in the run directory.
// apply() renders the desired state and writes only the files whose text changed (atomically);
// then a changed main config restarts dnsmasq, a changed hosts or servers file only sends
// SIGHUP, and an unchanged state does nothing at all. A dnsmasq that dies is started again
// after a pause that doubles with each quick death. stop() ends the process (it is ours, and
// nobody would watch it) and keeps the files; apply(null) also removes them.
// Calls are serialized: an apply waits for the one before it, a restart for both.
// Each DHCP request dnsmasq answers or ignores, read from its log lines (dhcpLogParser.ts), goes
// to onDhcpRequest: how the device inventory hears of terminals that are not registered.
import { chmod, mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  SerialQueue, TiboxError, StateTracker, writeFileAtomic, type Health, type Logger, type ProcessHandle, type Subsystem, type SubsystemStatus,
} from '../../core/index.ts';
import type { DnsmasqDesired } from './desired.ts';
import { DhcpLogParser, type DhcpRequest } from './dhcpLogParser.ts';
import { dnsmasqFiles, type DnsmasqFiles } from './files.ts';
import { endLeftover } from './leftover.ts';
import { describeExit, launchDnsmasq, logTail, terminate, waitReady, type DnsmasqOutput, type Exit, type StartProcess } from './process.ts';
import { renderDnsmasq, type RenderedDnsmasq } from './render.ts';

export interface DnsmasqTimings {
  /** How long dnsmasq may take to bind its sockets and write its pid file. */
  readyTimeoutMs: number;
  /** Between SIGTERM and SIGKILL. */
  stopGraceMs: number;
  /** Pause before the first restart after a death; doubles with each quick death, up to restartMaxMs. */
  restartMinMs: number;
  restartMaxMs: number;
  /** A run this long was not a quick death: the next restart pauses restartMinMs again. */
  stableAfterMs: number;
}

export const DEFAULT_DNSMASQ_TIMINGS: DnsmasqTimings = {
  readyTimeoutMs: 5_000,
  stopGraceMs: 3_000,
  restartMinMs: 250,
  restartMaxMs: 10_000,
  stableAfterMs: 60_000,
};

export interface DnsmasqDeps {
  /** Its own directory (e.g. /run/tibox/dnsmasq), made 0755: dnsmasq re-reads files there after dropping root. */
  runDir: string;
  startProcess: StartProcess;
  health: Pick<Health, 'raise' | 'clear'>;
  log: Logger;
  /** Each DHCP request dnsmasq answered or ignored, as its log told it; outside input, unchecked. */
  onDhcpRequest: (request: DhcpRequest) => void;
  /** Run in this network namespace (lab, tests); the agent's own when absent. */
  netns?: string;
  /** The dnsmasq binary; `dnsmasq` from PATH when absent. */
  command?: string;
  timings?: Partial<DnsmasqTimings>;
  now?: () => Date;
}

interface Running {
  readonly handle: ProcessHandle;
  readonly startedAt: number;
  ready: boolean;
}

export class Dnsmasq implements Subsystem<DnsmasqDesired> {
  readonly name = 'dnsmasq';
  private readonly deps: DnsmasqDeps;
  private readonly files: DnsmasqFiles;
  private readonly timings: DnsmasqTimings;
  private readonly state: StateTracker;
  private started = false;
  /** The files' texts as last written; undefined while nothing is desired. */
  private written: RenderedDnsmasq | undefined;
  private running: Running | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Deaths in a row that came soon after their start: the exponent of the restart pause. */
  private quickDeaths = 0;
  private readonly queue = new SerialQueue();

  constructor(deps: DnsmasqDeps) {
    this.deps = deps;
    this.files = dnsmasqFiles(deps.runDir);
    this.timings = { ...DEFAULT_DNSMASQ_TIMINGS, ...deps.timings };
    this.state = new StateTracker(this.name, deps.now);
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await this.queue.run(async () => {
      this.started = true;
      const leftover = await endLeftover(this.files, this.timings.stopGraceMs);
      if (leftover) this.deps.log.warn({ pid: leftover }, 'ended a dnsmasq that an earlier agent left running');
      // A dnsmasq that does not come up must not keep the agent from starting: the restart loop,
      // the status and the health warning take it from here.
      if (this.written) await this.launch().catch((error: unknown) => this.deps.log.warn({ err: error }, 'dnsmasq did not start'));
      else this.state.set('running', 'nothing to serve');
    });
  }

  async stop(): Promise<void> {
    await this.queue.run(async () => {
      this.started = false;
      this.cancelRestart();
      await this.end();
      this.state.set('stopped');
    });
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  /** Bad input throws TIBOX_DNSMASQ_INVALID_FIELD before anything changes. */
  async apply(desired: DnsmasqDesired | null): Promise<void> {
    const next = desired ? renderDnsmasq(desired, this.files) : null;
    await this.queue.run(() => (next ? this.converge(next) : this.teardown()));
  }

  private async converge(next: RenderedDnsmasq): Promise<void> {
    const before = this.written;
    const changed = (['config', 'dhcpHosts', 'servers'] as const).filter((file) => before?.[file] !== next[file]);
    if (changed.length === 0) return;
    await mkdir(this.deps.runDir, { recursive: true });
    // Exactly 0755 whatever the umask: dnsmasq reads the files again as nobody on SIGHUP.
    await chmod(this.deps.runDir, 0o755);
    for (const file of changed) await writeFileAtomic(this.files[file], next[file]);
    this.written = next;
    this.deps.log.info({ changed }, 'dnsmasq files written');
    if (!this.started) return;
    if (!this.running) {
      this.cancelRestart();
      await this.launch();
    } else if (changed.includes('config')) {
      await this.end();
      await this.launch();
    } else {
      // dnsmasq re-reads the DHCP hosts and servers files on SIGHUP (dnsmasq(8), NOTES).
      this.running.handle.kill('SIGHUP');
    }
  }

  private async teardown(): Promise<void> {
    this.cancelRestart();
    await this.end();
    await endLeftover(this.files, this.timings.stopGraceMs);
    await removeFiles(this.deps.runDir, this.files, this.deps.log);
    this.written = undefined;
    this.quickDeaths = 0;
    this.deps.health.clear('dnsmasq.down');
    if (this.started) this.state.set('running', 'nothing to serve');
  }

  /** Starts dnsmasq and waits until it serves; a failure is also handed to the restart loop. */
  private async launch(): Promise<void> {
    this.state.set('starting');
    let handle: ProcessHandle;
    try {
      handle = launchDnsmasq(this.deps.startProcess, this.deps.command ?? 'dnsmasq', this.files, this.deps.netns, this.output());
    } catch (error) {
      this.died(undefined, (error as Error).message);
      throw new TiboxError('TIBOX_DNSMASQ_NOT_STARTED', { reason: (error as Error).message });
    }
    const running: Running = { handle, startedAt: Date.now(), ready: false };
    this.running = running;
    void handle.exited.then((exit) => this.exited(running, exit)).catch((error: unknown) => this.deps.log.error({ err: error }, 'dnsmasq exit not handled'));
    try {
      await waitReady(handle, this.files, this.timings.readyTimeoutMs);
    } catch (error) {
      // Its exit (now, or after this kill if it hangs) starts the restart loop.
      handle.kill('SIGKILL');
      throw new TiboxError('TIBOX_DNSMASQ_NOT_STARTED', { reason: (error as Error).message });
    }
    running.ready = true;
    this.state.set('running');
    this.deps.health.clear('dnsmasq.down');
    this.deps.log.info({ pid: handle.pid }, 'dnsmasq running');
  }

  /** Where one run's output goes besides its log file: its DHCP requests to onDhcpRequest. */
  private output(): DnsmasqOutput {
    const parser = new DhcpLogParser();
    return {
      onLine: (line) => {
        const request = parser.line(line);
        if (!request) return;
        try {
          this.deps.onDhcpRequest(request);
        } catch (error) {
          // A line arrives on a pipe's event: a throw there would end the agent.
          this.deps.log.error({ err: error, request }, 'a DHCP request from the dnsmasq log was not taken');
        }
      },
      onLogError: (error) => this.deps.log.warn({ err: error, file: this.files.log }, 'dnsmasq log file not written any more for this run'),
    };
  }

  /** Ends our dnsmasq on purpose: its exit is then no death. */
  private async end(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running) await terminate(running.handle, this.timings.stopGraceMs);
  }

  private exited(running: Running, exit: Exit): void {
    if (this.running !== running) return;
    this.running = undefined;
    void logTail(this.files)
      .then((tail) => this.died(running, `${describeExit(exit)}${tail}`))
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'dnsmasq exit not handled'));
  }

  private died(running: Running | undefined, reason: string): void {
    if (!this.started || !this.written || this.running || this.restartTimer) return;
    if (running && Date.now() - running.startedAt >= this.timings.stableAfterMs) this.quickDeaths = 0;
    const pauseMs = Math.min(this.timings.restartMaxMs, this.timings.restartMinMs * 2 ** this.quickDeaths);
    this.quickDeaths += 1;
    const detail = `dnsmasq ${reason}; next start in ${pauseMs} ms`;
    this.state.set(running?.ready ? 'degraded' : 'failed', detail);
    this.deps.health.raise('dnsmasq.down', detail);
    this.deps.log.warn({ pauseMs }, detail);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.queue.run(async () => {
        if (this.started && this.written && !this.running) await this.launch();
        // A failed start ends in died() again, which logs the reason and pauses longer.
      }).catch((error: unknown) => this.deps.log.debug({ err: error }, 'dnsmasq restart failed'));
    }, pauseMs);
  }

  private cancelRestart(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}

/**
 * Removes our files, temp files an interrupted atomic write left, and the directory. A directory
 * that still holds something else is left alone: it is not only ours.
 */
async function removeFiles(runDir: string, files: DnsmasqFiles, log: Logger): Promise<void> {
  const ours = Object.values(files).map((path) => basename(path));
  const entries = await readdir(runDir).catch(() => []);
  const temps = entries.filter((entry) => ours.some((name) => entry.startsWith(`.${name}.`) && entry.endsWith('.tmp')));
  for (const path of [...Object.values(files), ...temps.map((entry) => join(runDir, entry))]) await rm(path, { force: true });
  await rmdir(runDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOTEMPTY') log.warn({ runDir }, 'dnsmasq run directory holds files that are not ours; left in place');
    else if (error.code !== 'ENOENT') throw error;
  });
}
