// The provisioning file: what the factory writes once per box (`tibox provision`) onto the data
// partition and the agent only reads: the serial number, the web UI's initial password as a hash,
// when it was written, and a format version. JSON, mode 0600 (it holds a password hash).
// Format 1 may grow: a later factory step adds keys of its own (a management client certificate),
// which this reader leaves alone, so an older firmware after an A/B rollback still reads the file.
// A change an older reader would misread takes a new format number, which this reader refuses.
// Pure: text in, data or a reason out.
import { SCRYPT_BOUNDS, type PasswordHash } from './password.ts';

export const PROVISIONING_FILE = 'provisioning.json';
export const PROVISIONING_FORMAT = 1;
/** The file is a few hundred bytes; anything much larger is not one. */
export const MAX_PROVISIONING_BYTES = 64 * 1024;

/** 'TBX-' and eight digits, as the factory numbers its boxes: 'TBX-00012345'. */
export const SERIAL_PATTERN = /^TBX-[0-9]{8}$/;

export interface Provisioning {
  readonly format: typeof PROVISIONING_FORMAT;
  readonly serial: string;
  /** ISO time the factory step wrote the file. */
  readonly provisionedAt: string;
  readonly initialPassword: PasswordHash;
}

export function serialProblem(serial: string): string | undefined {
  return SERIAL_PATTERN.test(serial) ? undefined : `must be TBX- and 8 digits, such as TBX-00012345; got ${JSON.stringify(serial)}`;
}

export function renderProvisioning(data: Provisioning): string {
  return JSON.stringify(data, null, 2) + '\n';
}

export type ParsedProvisioning = { ok: true; provisioning: Provisioning } | { ok: false; reason: string };

/** The file's data, or in words why it is damaged or not a tibox provisioning file of a known format. */
export function parseProvisioning(text: string): ParsedProvisioning {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `it is not JSON (${(error as Error).message})` };
  }
  if (!isObject(data) || !Object.hasOwn(data, 'format')) return { ok: false, reason: 'it has no format version: not a tibox provisioning file' };
  if (data.format !== PROVISIONING_FORMAT) {
    return { ok: false, reason: `its format ${JSON.stringify(data.format)} is not known (this firmware reads format ${PROVISIONING_FORMAT})` };
  }
  const problem = fieldProblem(data);
  if (problem) return { ok: false, reason: problem };
  const { serial, provisionedAt, initialPassword } = data as unknown as Provisioning;
  const { algorithm, cost, blockSize, parallelization, salt, hash } = initialPassword;
  return {
    ok: true,
    provisioning: { format: PROVISIONING_FORMAT, serial, provisionedAt, initialPassword: { algorithm, cost, blockSize, parallelization, salt, hash } },
  };
}

function fieldProblem(data: Record<string, unknown>): string | undefined {
  if (typeof data.serial !== 'string') return 'its serial number is missing';
  const serial = serialProblem(data.serial);
  if (serial) return `its serial number ${serial}`;
  if (typeof data.provisionedAt !== 'string' || !ISO_TIME.test(data.provisionedAt) || Number.isNaN(Date.parse(data.provisionedAt))) {
    return 'its time of provisioning is missing or not an ISO time';
  }
  const password = data.initialPassword;
  if (!isObject(password)) return 'its initial password hash is missing';
  if (password.algorithm !== 'scrypt') return `its initial password hash uses ${JSON.stringify(password.algorithm)}, not scrypt`;
  for (const [name, [min, max]] of Object.entries(SCRYPT_BOUNDS)) {
    const value = password[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return `its initial password hash has ${name} ${JSON.stringify(value)}, outside ${min} to ${max}`;
    }
  }
  if (!isPowerOfTwo(password.cost as number)) return `its initial password hash has a cost of ${String(password.cost)}, not a power of two`;
  if (base64Bytes(password.salt) < 16) return 'its initial password hash has no salt of at least 16 bytes';
  const hashBytes = base64Bytes(password.hash);
  if (hashBytes < 16 || hashBytes > 64) return 'its initial password hash has no hash of 16 to 64 bytes';
  return undefined;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes a base64 text decodes to; 0 for anything else. */
function base64Bytes(value: unknown): number {
  return typeof value === 'string' && BASE64.test(value) ? Buffer.from(value, 'base64').length : 0;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
