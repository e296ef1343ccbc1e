// The controller base (`GET /{tenant}/controller/v1/{controllerId}`), the resource every poll
// reads: the interval the server wants and links to whatever it has for the box.
import { parseBoundedJson, Reader } from './json.ts';
import { optionalLink } from './links.ts';
import { parseSleep } from './polling.ts';

const RESOURCE = 'controller base';
export const MAX_CONTROLLER_BASE_BYTES = 64 * 1024;

export interface ControllerBase {
  /** The interval the server asks for, as it said it; undefined when it said nothing. */
  pollingSleepMs: number | undefined;
  /** An update (or a profile renewal) to carry out. */
  deploymentBase: string | undefined;
  /** The server wants the running action stopped. */
  cancelAction: string | undefined;
  /** The server wants the box's attributes (configData). */
  configData: string | undefined;
  /** The action last finished (what the server believes is installed). */
  installedBase: string | undefined;
}

export function parseControllerBase(body: string | Uint8Array): ControllerBase {
  const reader = new Reader(RESOURCE, parseBoundedJson(RESOURCE, body, MAX_CONTROLLER_BASE_BYTES));
  const polling = reader.optionalObject('config')?.optionalObject('polling');
  let pollingSleepMs: number | undefined;
  if (polling?.has('sleep')) {
    const sleep = polling.text('sleep', { max: 16, pattern: /^\d{2}:\d{2}:\d{2}$/, patternText: 'HH:mm:ss' });
    pollingSleepMs = parseSleep(sleep);
    if (pollingSleepMs === undefined) throw reader.fail('config.polling.sleep', `must be HH:mm:ss with minutes and seconds below 60, not ${JSON.stringify(sleep)}`);
  }
  return {
    pollingSleepMs,
    deploymentBase: optionalLink(reader, 'deploymentBase'),
    cancelAction: optionalLink(reader, 'cancelAction'),
    configData: optionalLink(reader, 'configData'),
    installedBase: optionalLink(reader, 'installedBase'),
  };
}
