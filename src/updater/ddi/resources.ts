// Where the DDI resources live. Every path hangs below the controller's base URL,
// `https://{host}/{tenant}/controller/v1/{controllerId}`; the server's links are followed where
// it gives them, and feedback goes to the resource's `feedback` child.
import { ACTION_ID } from './deploymentBase.ts';

const CONTROLLER_ID = /^[A-Za-z0-9._:-]{1,256}$/;
const TENANT = /^[A-Za-z0-9._-]{1,64}$/;

/** The controller base URL for `controllerId` of `tenant` at `server` (an https origin). */
export function controllerBaseUrl(server: string, tenant: string, controllerId: string): string {
  const url = new URL(server);
  if (url.protocol !== 'https:') throw new Error(`the management endpoint must be an https URL, not ${url.protocol}`);
  if (!TENANT.test(tenant)) throw new Error(`the tenant ${JSON.stringify(tenant)} must be 1 to 64 letters, digits, dots, dashes or underscores`);
  if (!CONTROLLER_ID.test(controllerId)) throw new Error(`the controller id ${JSON.stringify(controllerId)} must be 1 to 256 letters, digits, dots, colons, dashes or underscores`);
  const prefix = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${prefix}/${tenant}/controller/v1/${controllerId}`;
}

function actionPath(base: string, resource: 'deploymentBase' | 'cancelAction', actionId: string): string {
  if (actionId.length > ACTION_ID.max || !ACTION_ID.pattern.test(actionId)) throw new Error(`the action id ${JSON.stringify(actionId)} must be ${ACTION_ID.patternText}`);
  return `${base}/${resource}/${actionId}`;
}

export function deploymentFeedbackUrl(base: string, actionId: string): string {
  return `${actionPath(base, 'deploymentBase', actionId)}/feedback`;
}

export function cancelFeedbackUrl(base: string, actionId: string): string {
  return `${actionPath(base, 'cancelAction', actionId)}/feedback`;
}

export function configDataUrl(base: string): string {
  return `${base}/configData`;
}
