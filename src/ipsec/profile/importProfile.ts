// Profile import: bytes of an uploaded file in, a validated VpnProfile out, or a ProfileError.
// Pure apart from CPU: nothing is written, so a caller stores the result only after every
// check has passed (ARCHITECTURE.md §5).
import type { KeyObject } from 'node:crypto';
import { DEFAULT_MAX_BYTES, openEnvelope, parsePayload, trustAnchorKey } from './envelope.ts';
import { checkIdentity, checkManagementIdentity } from './identity.ts';
import { validatePayload } from './payload.ts';
import type { VpnProfile } from './types.ts';

export interface ImportOptions {
  /** The PKCS#12 password, given separately from the file; unused for a PEM identity. */
  password?: string;
  /** The pinned profile-signing key: a PEM public key or certificate, or the key itself. */
  trustAnchor: string | Buffer | KeyObject;
  /** The time certificate validity is judged at. */
  now: Date;
  /** Upper bound of the file size, checked before parsing. Default 256 KiB. */
  maxBytes?: number;
}

export function importProfile(bytes: Buffer, options: ImportOptions): VpnProfile {
  const anchor = typeof options.trustAnchor === 'string' || Buffer.isBuffer(options.trustAnchor) ? trustAnchorKey(options.trustAnchor) : options.trustAnchor;
  const envelope = openEnvelope(bytes, anchor, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const payload = validatePayload(parsePayload(envelope.payload), envelope.version);
  const { identity, caCertificates } = checkIdentity(payload.identity, payload.caCertificates, options.password, options.now);
  const management = payload.management && checkManagementIdentity(payload.management.identity, payload.management.caCertificates, options.now);
  return { ...payload.settings, identity, caCertificates, ...(management && { managementIdentity: management }) };
}
