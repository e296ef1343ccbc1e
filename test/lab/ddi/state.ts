// What the lab's DDI server knows, as plain data: per controller its attributes (configData),
// whether it should send them, and its actions with every feedback it sent. The server and the
// admin API both work on this; nothing here touches a socket.
import { createHash } from 'node:crypto';
import type { ConfigData, Feedback, Handling, MaintenanceWindow } from '../../../src/updater/ddi/index.ts';

export interface LabArtifact {
  filename: string;
  bytes: Buffer;
  sha256: string;
  sha1: string;
  md5: string;
}

export interface LabChunk {
  moduleId: number;
  part: string;
  version: string;
  name: string;
  artifacts: LabArtifact[];
}

/** `open` until the box closes it; `canceling` while a cancel waits for the box's answer. */
export type ActionState = 'open' | 'canceling' | 'canceled' | 'finished' | 'failed';

export interface LabAction {
  id: string;
  controllerId: string;
  download: Handling;
  update: Handling;
  maintenanceWindow: MaintenanceWindow | undefined;
  chunks: LabChunk[];
  state: ActionState;
  feedback: Feedback[];
  cancelFeedback: Feedback[];
}

export interface LabTarget {
  controllerId: string;
  configData: ConfigData | undefined;
  /** The configData link is offered until the box sends its attributes (hawkBit: "requestAttributes"). */
  configDataRequested: boolean;
  pollingSleep: string;
  polls: number;
}

/** What the admin API assigns: artifacts by content, the server hashes them. */
export interface AssignRequest {
  controllerId: string;
  download?: Handling;
  update?: Handling;
  maintenanceWindow?: MaintenanceWindow;
  chunks: { part: string; version: string; name: string; artifacts: { filename: string; bytes: Buffer }[] }[];
}

export function hashArtifact(filename: string, bytes: Buffer): LabArtifact {
  const digest = (algorithm: string) => createHash(algorithm).update(bytes).digest('hex');
  return { filename, bytes, sha256: digest('sha256'), sha1: digest('sha1'), md5: digest('md5') };
}

export class LabDdiState {
  readonly targets = new Map<string, LabTarget>();
  readonly actions = new Map<string, LabAction>();
  private nextAction = 1;
  private nextModule = 1;
  defaultSleep = '00:05:00';

  target(controllerId: string): LabTarget {
    let target = this.targets.get(controllerId);
    if (!target) {
      target = { controllerId, configData: undefined, configDataRequested: true, pollingSleep: this.defaultSleep, polls: 0 };
      this.targets.set(controllerId, target);
    }
    return target;
  }

  assign(request: AssignRequest): LabAction {
    const action: LabAction = {
      id: String(this.nextAction++),
      controllerId: request.controllerId,
      download: request.download ?? 'forced',
      update: request.update ?? 'forced',
      maintenanceWindow: request.maintenanceWindow,
      chunks: request.chunks.map((chunk) => ({
        moduleId: this.nextModule++,
        part: chunk.part,
        version: chunk.version,
        name: chunk.name,
        artifacts: chunk.artifacts.map((artifact) => hashArtifact(artifact.filename, artifact.bytes)),
      })),
      state: 'open',
      feedback: [],
      cancelFeedback: [],
    };
    this.target(request.controllerId);
    this.actions.set(action.id, action);
    return action;
  }

  /** The controller's oldest action still to be worked on (hawkBit hands them out one at a time). */
  activeAction(controllerId: string): LabAction | undefined {
    return [...this.actions.values()].find((action) => action.controllerId === controllerId && (action.state === 'open' || action.state === 'canceling'));
  }

  /** hawkBit's mapping of feedback to the action's state (docs/direct-device-integration-api.md). */
  deploymentFeedback(action: LabAction, feedback: Feedback): void {
    action.feedback.push(feedback);
    if (feedback.execution === 'closed') action.state = feedback.finished === 'failure' ? 'failed' : 'finished';
    else if (feedback.execution === 'canceled') action.state = 'canceled';
  }

  /**
   * A cancel is accepted with `closed` (hawkBit also takes `canceled`), refused with `rejected`,
   * which leaves the action running; `closed` with `failure` ends the action as failed.
   */
  cancelFeedback(action: LabAction, feedback: Feedback): void {
    action.cancelFeedback.push(feedback);
    if (feedback.execution === 'closed') action.state = feedback.finished === 'failure' ? 'failed' : 'canceled';
    else if (feedback.execution === 'canceled') action.state = 'canceled';
    else if (feedback.execution === 'rejected') action.state = 'open';
  }
}
