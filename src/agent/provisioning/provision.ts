// The factory step behind `tibox provision`: runs on the box as root (or on the image's data
// partition at build time), with no agent involved, and writes the provisioning file atomically.
// It refuses a bad serial number or given password, and an existing provisioning unless forced:
// replacing it changes the password printed on the box's label.
import { mkdir } from 'node:fs/promises';
import { TiboxError, writeFileAtomic } from '../../core/index.ts';
import { generatePassword, hashPassword, passwordProblem, type ScryptParameters } from './password.ts';
import { PROVISIONING_FORMAT, renderProvisioning, serialProblem } from './provisioningFile.ts';
import { provisioningPath, readProvisioning } from './readProvisioning.ts';

export interface ProvisionRequest {
  dataDir: string;
  serial: string;
  /** The lab's known password; a new random one when absent. */
  password?: string;
  /** Replace an existing provisioning (a new label is needed). */
  force: boolean;
  now: Date;
  /** Cheaper scrypt for tests; the default otherwise. */
  scrypt?: ScryptParameters;
}

export interface ProvisionResult {
  serial: string;
  provisionedAt: string;
  path: string;
  /** The generated password, for the label: the only time it is ever shown. Absent when one was given. */
  generatedPassword?: string;
  /** What was replaced under force: the earlier serial number, or why the earlier file was unreadable. */
  replaced?: string;
}

export async function provisionBox(request: ProvisionRequest): Promise<ProvisionResult> {
  const serial = serialProblem(request.serial);
  if (serial) throw new TiboxError('TIBOX_PROVISION_INVALID', { field: 'the serial number', reason: serial });
  if (request.password !== undefined) {
    const problem = passwordProblem(request.password);
    if (problem) throw new TiboxError('TIBOX_PROVISION_INVALID', { field: 'the given password', reason: problem });
  }
  const existing = await readProvisioning(request.dataDir);
  const earlier =
    existing.state === 'provisioned'
      ? `${existing.provisioning.serial}, provisioned ${existing.provisioning.provisionedAt}`
      : existing.state === 'unreadable'
        ? `an unreadable file: ${existing.reason}`
        : undefined;
  if (earlier !== undefined && !request.force) throw new TiboxError('TIBOX_PROVISION_EXISTS', { existing: earlier });

  const password = request.password ?? generatePassword();
  const path = provisioningPath(request.dataDir);
  const provisionedAt = request.now.toISOString();
  const text = renderProvisioning({
    format: PROVISIONING_FORMAT,
    serial: request.serial,
    provisionedAt,
    initialPassword: await hashPassword(password, request.scrypt),
  });
  try {
    await mkdir(request.dataDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, text, { mode: 0o600 });
  } catch (error) {
    throw new TiboxError('TIBOX_PROVISION_WRITE_FAILED', { path, reason: (error as Error).message });
  }
  return {
    serial: request.serial,
    provisionedAt,
    path,
    ...(request.password === undefined ? { generatedPassword: password } : {}),
    ...(earlier === undefined ? {} : { replaced: earlier }),
  };
}
