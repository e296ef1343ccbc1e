// The cancel action (`GET .../cancelAction/{actionId}`): the server asks the box to stop action
// `stopId`. The box answers on the cancel action's own feedback resource: `canceled`/`closed`
// when nothing was installed yet, `rejected` once an install has started.
import { parseBoundedJson, Reader } from './json.ts';
import { ACTION_ID } from './deploymentBase.ts';

const RESOURCE = 'cancel action';
export const MAX_CANCEL_ACTION_BYTES = 16 * 1024;

export interface CancelAction {
  id: string;
  stopId: string;
}

export function parseCancelAction(body: string | Uint8Array): CancelAction {
  const reader = new Reader(RESOURCE, parseBoundedJson(RESOURCE, body, MAX_CANCEL_ACTION_BYTES));
  return { id: reader.text('id', ACTION_ID), stopId: reader.object('cancelAction').text('stopId', ACTION_ID) };
}
