// The tunnel that carries, as charon's list-sas shows it: the gateway its ESP goes to, the
// box's own address, and the transform its CHILD_SA negotiated. Path MTU is learnt towards that
// gateway and the ESP overhead taken from that transform.
import { getSection, getString, sectionsOf, type Named, type ViciMessage } from '../vici/index.ts';
import { CHILD_NAME } from '../tunnel/charonPlan.ts';
import { carrier, readSas } from '../tunnel/sas.ts';
import type { EspTransform } from './espOverhead.ts';

export interface TunnelInUse {
  readonly ikeId: number;
  readonly gateway: string;
  readonly localHost: string;
  readonly transform: EspTransform;
}

export function tunnelInUse(listing: readonly Named[]): TunnelInUse | undefined {
  const sa = carrier(readSas(listing));
  if (!sa) return undefined;
  const section = listing.find(({ name, section }) => name === sa.connection && getString(section, 'uniqueid') === String(sa.ikeId))?.section;
  const child = section && installedChild(section);
  if (!section || !child) return undefined;
  const keySize = Number(getString(child, 'encr-keysize'));
  const integrity = getString(child, 'integ-alg');
  return {
    ikeId: sa.ikeId,
    gateway: sa.remoteHost,
    localHost: getString(section, 'local-host') ?? '',
    transform: {
      encryption: getString(child, 'encr-alg') ?? '',
      ...(keySize > 0 ? { keySize } : {}),
      ...(integrity ? { integrity } : {}),
      udpEncapsulated: getString(child, 'encap') === 'yes',
    },
  };
}

function installedChild(section: ViciMessage): ViciMessage | undefined {
  const children = sectionsOf(getSection(section, 'child-sas') ?? new Map()).map(([, child]) => child);
  const ours = children.filter((c) => getString(c, 'name') === CHILD_NAME);
  return ours.find((c) => getString(c, 'state') === 'INSTALLED') ?? ours[0];
}

/** The transform in words for the status: `AES_GCM_16-256, ESP in UDP`. */
export function describeTransform(transform: EspTransform): string {
  const cipher = transform.keySize ? `${transform.encryption}-${transform.keySize}` : transform.encryption;
  const parts = [transform.integrity ? `${cipher}/${transform.integrity}` : cipher, transform.udpEncapsulated ? 'ESP in UDP' : 'ESP'];
  return parts.join(', ');
}
