// The box's own word on a bundle, spoken where RAUC has checked it: RAUC runs the box's
// pre-install handler (preInstallHandler.ts) after it has verified the bundle's signature against
// the pinned keyring and its compatible, and before it writes a slot, with the verified bundle
// mounted (RAUC_BUNDLE_MOUNT_POINT): its manifest.raucm is the signed one. For an install it asks for, the agent leaves a
// permit in its run directory (the version running, whether the deployment is forced); the handler
// judges the verified version against it, leaves its verdict beside it and, for an older version
// than the permit allows, makes RAUC stop before anything is written. So the agent never reads
// the bundle itself, and the version it records is the one RAUC verified.
import { versionProblem } from './bundleVersion.ts';

/** The manifest's [update] section: what the bundle says it is. */
export interface BundleManifest {
  readonly version: string | undefined;
  readonly compatible: string | undefined;
}

/**
 * The [update] section of a RAUC manifest (a key file: `[section]` headers, `key=value` lines,
 * `#` comments). Only these two keys are read; everything else in it is RAUC's.
 */
export function parseManifest(text: string): BundleManifest {
  let section: string | undefined;
  const update = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const at = line.indexOf('=');
    if (section === 'update' && at > 0) update.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return { version: update.get('version'), compatible: update.get('compatible') };
}

/** In the agent's run directory: the permit for the install it asks for, and the handler's verdict on it. */
export const INSTALL_PERMIT_FILE = 'rauc-install-permit.json';
export const INSTALL_VERDICT_FILE = 'rauc-install-verdict.json';

export interface InstallPermit {
  /** The version running, which the bundle's must not be older than unless forced. */
  readonly installed: string;
  readonly forced: boolean;
}

export interface InstallVerdict {
  /** The version of the manifest RAUC verified. */
  readonly version: string;
  readonly compatible: string;
  /** Why the bundle must not be installed; absent where it may. */
  readonly problem?: string;
}

/**
 * The verdict on a manifest RAUC verified. Without a permit the install is one the agent did not
 * ask for (an operator's `rauc install` on the box): RAUC's own checks are all it needs.
 */
export function judgeBundle(permit: InstallPermit | undefined, manifest: BundleManifest): InstallVerdict {
  const version = manifest.version ?? '';
  const compatible = manifest.compatible ?? '';
  if (!permit) return { version, compatible };
  if (manifest.version === undefined) return { version, compatible, problem: 'the bundle\'s manifest names no version' };
  const problem = versionProblem({ installed: permit.installed, offered: version, forced: permit.forced });
  return problem === undefined ? { version, compatible } : { version, compatible, problem };
}

function object(text: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`the ${what} is not JSON (${(error as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`the ${what} is not a JSON object`);
  return doc as Record<string, unknown>;
}

export function parsePermit(text: string): InstallPermit {
  const o = object(text, 'install permit');
  if (typeof o.installed !== 'string' || typeof o.forced !== 'boolean') throw new Error('the install permit needs "installed" (a string) and "forced" (true or false)');
  return { installed: o.installed, forced: o.forced };
}

export function parseVerdict(text: string): InstallVerdict {
  const o = object(text, 'install verdict');
  if (typeof o.version !== 'string' || typeof o.compatible !== 'string') throw new Error('the install verdict needs "version" and "compatible" (strings)');
  if (o.problem !== undefined && typeof o.problem !== 'string') throw new Error('the install verdict\'s "problem" is not a string');
  return { version: o.version, compatible: o.compatible, ...(o.problem !== undefined ? { problem: o.problem } : {}) };
}
