// Action feedback (`POST .../deploymentBase/{actionId}/feedback` and
// `.../cancelAction/{actionId}/feedback`): where the box stands with an action. hawkBit maps
// `closed` + `success`/`none` to finished, `closed` + `failure` to an error, `canceled` to
// canceled, `rejected` to a warning (the action stays), and the rest to running. A cancel is
// finally accepted with `closed`.
import { cutText, parseBoundedJson, Reader } from './json.ts';

const RESOURCE = 'feedback';
export const MAX_FEEDBACK_BYTES = 64 * 1024;
/** What the box sends is cut to these, so an error message can never make feedback unsendable. */
export const MAX_DETAILS = 32;
export const MAX_DETAIL_CHARS = 512;

export const EXECUTION = ['closed', 'proceeding', 'canceled', 'scheduled', 'rejected', 'resumed', 'downloaded', 'download'] as const;
export type Execution = (typeof EXECUTION)[number];
export const FINISHED = ['success', 'failure', 'none'] as const;
export type Finished = (typeof FINISHED)[number];

export interface Feedback {
  execution: Execution;
  finished: Finished;
  /** Steps done of steps known (hawkBit shows `cnt` of `of`). */
  progress: { cnt: number; of: number | undefined } | undefined;
  /** An optional status code of the box's own (hawkBit shows it beside the action). */
  code: number | undefined;
  details: string[];
  /** When the step happened on the box, in ms since the epoch. */
  timestamp: number | undefined;
}

/** The JSON body the box posts; details beyond the limits are cut and say so. */
export function encodeFeedback(feedback: Feedback): string {
  const details = feedback.details.slice(0, MAX_DETAILS).map((line) => cutText(line, MAX_DETAIL_CHARS));
  if (feedback.details.length > MAX_DETAILS) details[MAX_DETAILS - 1] = `… ${feedback.details.length - MAX_DETAILS + 1} more lines left out`;
  const result = { finished: feedback.finished, ...(feedback.progress && { progress: { cnt: feedback.progress.cnt, ...(feedback.progress.of !== undefined && { of: feedback.progress.of }) } }) };
  return JSON.stringify({
    ...(feedback.timestamp !== undefined && { timestamp: feedback.timestamp }),
    status: { execution: feedback.execution, result, ...(feedback.code !== undefined && { code: feedback.code }), details },
  });
}

/** Reads a feedback body as the server receives it. */
export function parseFeedback(body: string | Uint8Array): Feedback {
  const reader = new Reader(RESOURCE, parseBoundedJson(RESOURCE, body, MAX_FEEDBACK_BYTES));
  const status = reader.object('status');
  const result = status.object('result');
  const progress = result.optionalObject('progress');
  return {
    execution: status.oneOf('execution', EXECUTION),
    finished: result.oneOf('finished', FINISHED),
    progress: progress && { cnt: progress.integer('cnt', 0, 2 ** 31 - 1), of: progress.optionalInteger('of', 0, 2 ** 31 - 1) },
    code: status.optionalInteger('code', -(2 ** 31), 2 ** 31 - 1),
    details: status.optionalList('details', MAX_DETAILS, (item, at) => status.textItem(item, at, { max: MAX_DETAIL_CHARS })) ?? [],
    timestamp: reader.optionalInteger('timestamp', 0, Number.MAX_SAFE_INTEGER),
  };
}
