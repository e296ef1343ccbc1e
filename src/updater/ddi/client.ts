// The DDI session: the poll loop and the actions it brings. Each poll reads the controller base
// (with If-None-Match, so an unchanged answer costs no body), sends configData when asked,
// answers a cancel, and starts a deployment, whose downloads run beside the loop so a cancel is
// still seen while they do. Every step reports feedback; what the server cannot be told at once
// is tried again a few times within seconds (retry.ts), and a poll that fails waits longer each
// time, drawn at random, never less than the server's interval. A downloaded deployment goes to
// the handler the updater gives (downloadedAction.ts), which installs it; without one it stays
// downloaded.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseCancelAction } from './cancelAction.ts';
import { encodeConfigData } from './configData.ts';
import type { DdiConnection } from './connection.ts';
import { MAX_CONTROLLER_BASE_BYTES, parseControllerBase } from './controllerBase.ts';
import { MAX_CANCEL_ACTION_BYTES } from './cancelAction.ts';
import { MAX_DEPLOYMENT_BASE_BYTES, parseDeploymentBase, type DeploymentBase } from './deploymentBase.ts';
import { downloadArtifact } from './download.ts';
import { DdiAbortedError, DdiError, DdiHttpError } from './errors.ts';
import type { ActionReport, DeploymentHandler, DownloadedAction } from './downloadedAction.ts';
import { encodeFeedback, type Execution, type Feedback, type Finished } from './feedback.ts';
import { cancelAnswer, planPoll, type ActionPhase } from './plan.ts';
import { cancelFeedbackUrl, configDataUrl, deploymentFeedbackUrl } from './resources.ts';
import { nextPollDelayMs } from './polling.ts';
import { classifyStatus, MAX_REQUEST_ATTEMPTS, pollRetryDelayMs, requestRetryDelayMs } from './retry.ts';

export interface DdiLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DdiClientOptions {
  connection: DdiConnection;
  /** The controller base URL (resources.ts controllerBaseUrl). */
  base: string;
  /** Where artifacts go, one directory per action. */
  downloadDir: string;
  /** The box's attributes for configData, read when the server asks for them. */
  attributes: () => ReadonlyMap<string, string>;
  log: DdiLog;
  /** Takes a deployment on once it is downloaded; without one it stays downloaded. */
  deployments?: DeploymentHandler;
  /** An action an earlier run took on (rebooted into), whose outcome is still due: not started again. */
  heldAction?: () => string | undefined;
  random?: () => number;
  now?: () => number;
  /** Waits between retries and polls; tests pass one that does not. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface DdiActionStatus {
  id: string;
  phase: ActionPhase | 'canceled' | 'failed' | 'finished';
  artifacts: number;
  bytes: { have: number; size: number };
  error: string | undefined;
  /** What the box waits for, or does, after the download (its handler says). */
  detail?: string;
}

export interface DdiStatus {
  base: string;
  lastPoll: { at: number; ok: boolean; error: string | undefined } | undefined;
  nextPollAt: number | undefined;
  /** Polls failed in a row. */
  failures: number;
  /** The server's interval, as it last said it, in ms. */
  pollingSleepMs: number | undefined;
  action: DdiActionStatus | undefined;
}

interface Running {
  status: DdiActionStatus;
  abort: AbortController;
  task: Promise<void>;
}

/** The server no longer has the action (410): nothing more to report on it. */
class ActionGone extends Error {}

/** How often a waiting deployment is looked at again when the server named no interval. */
const DEFAULT_POLL_INTERVAL_MS = 5 * 60_000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function feedback(execution: Execution, finished: Finished, details: string[], progress?: { cnt: number; of: number }, now = Date.now()): Feedback {
  return { execution, finished, progress: progress && { cnt: progress.cnt, of: progress.of }, code: undefined, details, timestamp: now };
}

export class DdiClient {
  private readonly options: DdiClientOptions;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
  private running: Running | undefined;
  private etag: string | undefined;
  private lastBase: ReturnType<typeof parseControllerBase> | undefined;
  private state: Omit<DdiStatus, 'action'>;
  private loop: { abort: AbortController; done: Promise<void> } | undefined;
  /** Ends the wait for the next poll early (kick()). */
  private wakeUp: AbortController | undefined;
  /** The last poll failed before it reached the server (no connection, no answer). */
  private unreached = false;
  /** A kick that came while a poll was under way: the way may have opened after it set off. */
  private polling = false;
  private kickedWhilePolling = false;

  constructor(options: DdiClientOptions) {
    this.options = options;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.wait = options.wait ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.state = { base: options.base, lastPoll: undefined, nextPollAt: undefined, failures: 0, pollingSleepMs: undefined };
  }

  status(): DdiStatus {
    return { ...this.state, action: this.running && { ...this.running.status, bytes: { ...this.running.status.bytes } } };
  }

  /** Polls until stop(): at once, then at the server's interval. */
  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.loop = { abort, done: this.runLoop(abort.signal) };
  }

  /** Resolves once the action in hand has nothing more under way (downloaded, failed or canceled). */
  async idle(): Promise<void> {
    await this.running?.task;
  }

  async stop(): Promise<void> {
    const loop = this.loop;
    this.loop = undefined;
    loop?.abort.abort(new Error('the DDI client stops'));
    this.running?.abort.abort(new Error('the DDI client stops'));
    await loop?.done;
    await this.running?.task;
  }

  /** The action in hand, unless it ended (canceled, failed or finished) on the box. */
  private activeAction(): (DdiActionStatus & { phase: ActionPhase }) | undefined {
    const status = this.running?.status;
    return status && status.phase !== 'canceled' && status.phase !== 'failed' && status.phase !== 'finished' ? (status as DdiActionStatus & { phase: ActionPhase }) : undefined;
  }

  /** Feedback on an action the box no longer holds in this run: the outcome of an update after its reboot. */
  async reportAction(actionId: string, report: ActionReport, signal: AbortSignal = new AbortController().signal): Promise<void> {
    const url = deploymentFeedbackUrl(this.options.base, actionId);
    await this.post('feedback', 'POST', url, encodeFeedback(feedback(report.execution, report.finished, [...report.details], report.progress, this.now())), signal);
  }

  /** The box's attributes now, unasked: after an update the server is to see the new version at once. */
  async sendAttributes(signal: AbortSignal = new AbortController().signal): Promise<void> {
    await this.sendConfigData(configDataUrl(this.options.base), signal);
  }

  /**
   * The way to the server may have opened (the tunnel came up): after a poll that never reached
   * the server, poll now instead of at the end of the backoff. A poll that got through waits as
   * the server said; one that never arrived cost the server nothing.
   */
  kick(): void {
    if (this.polling) this.kickedWhilePolling = true;
    else if (this.unreached) this.wakeUp?.abort();
  }

  private async runLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.polling = true;
      this.kickedWhilePolling = false;
      const backoffMs = await this.pollOnce(signal);
      this.polling = false;
      const waitMs = this.kickedWhilePolling && this.unreached ? 0 : backoffMs;
      this.state.nextPollAt = this.now() + waitMs;
      const wakeUp = new AbortController();
      this.wakeUp = wakeUp;
      try {
        await this.wait(waitMs, AbortSignal.any([signal, wakeUp.signal]));
      } catch {
        if (signal.aborted) return;
      }
    }
  }

  /** One poll and the steps it brings; returns the wait until the next one. Never throws. */
  async pollOnce(signal: AbortSignal = new AbortController().signal): Promise<number> {
    const at = this.now();
    try {
      const answer = await this.options.connection.call('poll', 'GET', this.options.base, {
        maxBytes: MAX_CONTROLLER_BASE_BYTES,
        signal,
        ...(this.etag !== undefined && { headers: { 'if-none-match': this.etag } }),
      });
      const base = answer.status === 304 && this.lastBase ? this.lastBase : parseControllerBase(answer.body);
      this.lastBase = base;
      this.etag = typeof answer.headers.etag === 'string' ? answer.headers.etag : undefined;
      this.state.pollingSleepMs = base.pollingSleepMs;
      const held = this.options.heldAction?.();
      for (const step of planPoll(base, this.activeAction() ?? (held === undefined ? undefined : { id: held }))) {
        if (step.kind === 'sendConfigData') await this.sendConfigData(step.url, signal);
        else if (step.kind === 'cancel') await this.cancel(step.url, signal);
        else await this.startDeployment(step.url, step.actionId, signal);
      }
      this.state.lastPoll = { at, ok: true, error: undefined };
      this.state.failures = 0;
      this.unreached = false;
      return nextPollDelayMs(base.pollingSleepMs, this.random);
    } catch (error) {
      this.state.failures++;
      this.state.lastPoll = { at, ok: false, error: errorText(error) };
      this.unreached = error instanceof DdiError && (error.code === 'DDI_CONNECTION' || error.code === 'DDI_TIMEOUT');
      this.options.log.warn({ err: error, failures: this.state.failures }, 'DDI poll failed');
      const retryAfter = error instanceof DdiHttpError ? error.retryAfterMs : undefined;
      return pollRetryDelayMs(this.state.failures, this.state.pollingSleepMs, retryAfter, this.random);
    }
  }

  /** A request inside an action, tried again on 409/429/5xx and a broken line; 410 is ActionGone. */
  private async withRetries<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (error instanceof DdiHttpError && classifyStatus(error.status) === 'gone') throw new ActionGone(error.message);
        const retryable = error instanceof DdiHttpError ? classifyStatus(error.status) === 'retry' : error instanceof DdiError && ['DDI_CONNECTION', 'DDI_TIMEOUT', 'DDI_TRUNCATED'].includes(error.code);
        if (!retryable || attempt >= MAX_REQUEST_ATTEMPTS || signal.aborted) throw error;
        const status = error instanceof DdiHttpError ? error.status : undefined;
        await this.wait(requestRetryDelayMs(attempt, status, error instanceof DdiHttpError ? error.retryAfterMs : undefined, this.random), signal);
      }
    }
  }

  private async post(what: string, method: 'POST' | 'PUT', url: string, body: string, signal: AbortSignal): Promise<void> {
    await this.withRetries(signal, () => this.options.connection.call(what, method, url, { body, maxBytes: 64 * 1024, signal }));
  }

  private async sendConfigData(url: string, signal: AbortSignal): Promise<void> {
    await this.post('configData', 'PUT', url, encodeConfigData(this.options.attributes()), signal);
  }

  private async cancel(url: string, signal: AbortSignal): Promise<void> {
    const answer = await this.withRetries(signal, () => this.options.connection.call('cancel action', 'GET', url, { maxBytes: MAX_CANCEL_ACTION_BYTES, signal }));
    const cancel = parseCancelAction(answer.body);
    const active = this.activeAction()?.id === cancel.stopId ? this.activeAction() : undefined;
    const running = active && this.running;
    const target = cancelFeedbackUrl(this.options.base, cancel.id);
    // An action an earlier run rebooted into is installed and running: as good as installing.
    const phase = cancel.stopId === this.options.heldAction?.() ? 'rebooting' : active?.phase;
    if (cancelAnswer(phase) === 'reject') {
      await this.post('cancel feedback', 'POST', target, encodeFeedback(feedback('rejected', 'none', ['the install has started; it cannot be canceled'], undefined, this.now())), signal);
      return;
    }
    if (running) {
      running.abort.abort(new Error('canceled by the server'));
      await running.task;
      running.status.phase = 'canceled';
    }
    // Also what an earlier run of the agent downloaded for it.
    rmSync(join(this.options.downloadDir, cancel.stopId), { recursive: true, force: true });
    this.options.log.info({ action: cancel.stopId }, 'DDI action canceled by the server');
    await this.post('cancel feedback', 'POST', target, encodeFeedback(feedback('closed', 'success', ['canceled before the install; its downloads removed'], undefined, this.now())), signal);
  }

  private async startDeployment(url: string, linkId: string | undefined, signal: AbortSignal): Promise<void> {
    let deployment: DeploymentBase;
    try {
      const answer = await this.withRetries(signal, () => this.options.connection.call('deployment', 'GET', url, { maxBytes: MAX_DEPLOYMENT_BASE_BYTES, signal }));
      deployment = parseDeploymentBase(answer.body);
    } catch (error) {
      // A deployment the box cannot read is closed as failed, so it does not come back each poll.
      if (!(error instanceof DdiError) || error.code !== 'DDI_MALFORMED' || linkId === undefined) throw error;
      await this.post('feedback', 'POST', deploymentFeedbackUrl(this.options.base, linkId), encodeFeedback(feedback('closed', 'failure', [errorText(error)], undefined, this.now())), signal);
      return;
    }
    if (deployment.download === 'skip') return;
    const artifacts = deployment.chunks.flatMap((chunk, index) => chunk.artifacts.map((artifact) => ({ chunk: index, artifact })));
    const abort = new AbortController();
    const status: DdiActionStatus = {
      id: deployment.id,
      phase: 'downloading',
      artifacts: artifacts.length,
      bytes: { have: 0, size: artifacts.reduce((sum, { artifact }) => sum + artifact.size, 0) },
      error: undefined,
    };
    const running: Running = { status, abort, task: Promise.resolve() };
    this.running = running;
    running.task = this.download(deployment, url, artifacts, running).catch((error: unknown) => {
      this.options.log.warn({ err: error, action: deployment.id }, 'DDI action could not be reported');
    });
  }

  /** `link`: the deployment base as the server linked it, read again while the action waits. */
  private downloadedAction(deployment: DeploymentBase, link: string, artifacts: { chunk: number; artifact: { filename: string } }[], running: Running): DownloadedAction {
    const { signal } = running.abort;
    const files = deployment.chunks.map((_, index) =>
      artifacts.filter((a) => a.chunk === index).map((a) => join(this.options.downloadDir, deployment.id, String(index), a.artifact.filename)));
    return {
      deployment,
      files,
      signal,
      refresh: async () => {
        const answer = await this.withRetries(signal, () => this.options.connection.call('deployment', 'GET', link, { maxBytes: MAX_DEPLOYMENT_BASE_BYTES, signal }));
        return parseDeploymentBase(answer.body);
      },
      report: (report) => this.reportAction(deployment.id, report, signal),
      setPhase: (phase, detail) => {
        running.status.phase = phase;
        running.status.detail = detail;
      },
      pollIntervalMs: () => this.state.pollingSleepMs ?? DEFAULT_POLL_INTERVAL_MS,
    };
  }

  private async download(deployment: DeploymentBase, link: string, artifacts: { chunk: number; artifact: DeploymentBase['chunks'][number]['artifacts'][number] }[], running: Running): Promise<void> {
    const { signal } = running.abort;
    const url = deploymentFeedbackUrl(this.options.base, deployment.id);
    const send = (f: Feedback) => this.post('feedback', 'POST', url, encodeFeedback(f), signal);
    const total = running.status.bytes.size;
    try {
      await send(feedback('download', 'none', [`downloading ${artifacts.length} artifacts, ${total} bytes`], { cnt: 0, of: artifacts.length }, this.now()));
      let done = 0;
      for (const [index, { chunk, artifact }] of artifacts.entries()) {
        const dir = join(this.options.downloadDir, deployment.id, String(chunk));
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const file = join(dir, artifact.filename);
        await this.withRetries(signal, () =>
          downloadArtifact(this.options.connection, artifact, file, {
            signal,
            onProgress: ({ have }) => {
              running.status.bytes.have = done + have;
            },
          }),
        );
        done += artifact.size;
        running.status.bytes.have = done;
        await send(feedback('proceeding', 'none', [`${artifact.filename} downloaded and its sha256 checked`], { cnt: index + 1, of: artifacts.length }, this.now()));
      }
      running.status.phase = 'downloaded';
      await send(feedback('downloaded', 'none', [`all ${artifacts.length} artifacts downloaded and checked`], { cnt: artifacts.length, of: artifacts.length }, this.now()));
      if (this.options.deployments) {
        const end = await this.options.deployments(this.downloadedAction(deployment, link, artifacts, running));
        // A reboot into an update keeps its files until the outcome is known; a closed action needs them no more.
        if (end === 'closed' && !signal.aborted) {
          running.status.phase = 'finished';
          rmSync(join(this.options.downloadDir, deployment.id), { recursive: true, force: true });
        }
      }
    } catch (error) {
      if (error instanceof DdiAbortedError || signal.aborted) return;
      if (error instanceof ActionGone) {
        running.status.phase = 'canceled';
        return;
      }
      running.status.phase = 'failed';
      running.status.error = errorText(error);
      rmSync(join(this.options.downloadDir, deployment.id), { recursive: true, force: true });
      await this.post('feedback', 'POST', url, encodeFeedback(feedback('closed', 'failure', [errorText(error)], undefined, this.now())), new AbortController().signal);
    }
  }
}
