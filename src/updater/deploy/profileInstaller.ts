// The installer of `tibox-profile` modules: a VPN profile renewal pushed from the datacenter. Its
// one artifact is a profile file as `tibox profile import` takes it (signed, PEM identity or a
// PKCS#12 that opens without a password: nobody is there to type one). The agent imports it
// through the same checks, switches the tunnel make-before-break and says how it went; a refused
// profile fails the module with the agent's named error, and the box keeps the profile it has.
import { stat, readFile } from 'node:fs/promises';
import { TiboxError } from '../../core/index.ts';
import { InstallFailure, type ModuleInstaller } from './moduleInstaller.ts';

/** The software module type of a profile renewal, as the fleet server names it (hawkBit's `part`). */
export const PROFILE_PART = 'tibox-profile';

/**
 * A profile file is a few kB (the import itself refuses one over 256 KiB): anything much larger is
 * another artifact sent by mistake, not read into memory.
 */
export const PROFILE_ARTIFACT_MAX_BYTES = 1024 * 1024;

export interface ProfileRenewal {
  /**
   * Imports the profile as `tibox profile import` does, for this box only, and waits until its
   * tunnel carries; the lines say what changed. Throws a TiboxError (the import's named error)
   * for a profile it refuses, having changed nothing, and an InstallFailure for one whose tunnel
   * did not carry, having gone back to the profile before.
   */
  renew(profile: Buffer, actionId: string): Promise<readonly string[]>;
}

/** What the server is told of a refusal: the agent's error code first, so a fleet can count them. */
export function refusalText(error: unknown): string {
  if (error instanceof TiboxError) return `the VPN profile was refused: ${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Why the module's artifacts cannot be a profile renewal, or undefined. */
export function profileArtifactProblem(artifacts: readonly { size: number }[]): string | undefined {
  if (artifacts.length !== 1) return `a ${PROFILE_PART} module carries one VPN profile file; this one carries ${artifacts.length} artifacts`;
  const { size } = artifacts[0]!;
  if (size > PROFILE_ARTIFACT_MAX_BYTES) return `the ${PROFILE_PART} artifact has ${size} bytes; a VPN profile file has at most ${PROFILE_ARTIFACT_MAX_BYTES}`;
  return undefined;
}

export function profileInstaller(renewal: ProfileRenewal): ModuleInstaller {
  return {
    part: PROFILE_PART,
    live: true,
    async install(job) {
      const sizes = await Promise.all(job.files.map(async (file) => ({ size: (await stat(file)).size })));
      const problem = profileArtifactProblem(sizes);
      if (problem) throw new Error(problem);
      const file = job.files[0]!;
      await job.progress([`importing the VPN profile ${job.chunk.name} ${job.chunk.version}; the tunnel switches make-before-break`]);
      let details: readonly string[];
      try {
        details = await renewal.renew(await readFile(file), job.actionId);
      } catch (error) {
        // A renewal that failed after the import says so line by line already.
        if (error instanceof InstallFailure) throw error;
        throw new Error(refusalText(error));
      }
      return { kind: 'installed', details };
    },
  };
}
