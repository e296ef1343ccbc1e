// What the box tells its management server about itself (DDI configData, shown to the
// datacenter's operators per box): serial number, firmware, tunnel state and gateway, health
// warnings, and the days left on the box certificate. Pure: the agent's status in, attributes out.
import type { AgentStatus } from './status.ts';

const DAY_MS = 86_400_000;

export function managementAttributes(status: AgentStatus, boxCertificateNotAfter: string | undefined, now: Date): Map<string, string> {
  const attributes = new Map<string, string>();
  attributes.set('serial', status.provisioning.state === 'provisioned' ? status.provisioning.serial : `(${status.provisioning.state})`);
  attributes.set('firmware', status.version);
  attributes.set('tunnel', status.tunnel.state);
  attributes.set('tunnel.gateway', status.tunnel.gateway ?? '');
  attributes.set('health', status.health.length === 0 ? 'ok' : status.health.map((warning) => warning.code).join(','));
  if (boxCertificateNotAfter !== undefined) {
    attributes.set('certificate.daysLeft', String(Math.floor((Date.parse(boxCertificateNotAfter) - now.getTime()) / DAY_MS)));
  }
  return attributes;
}
