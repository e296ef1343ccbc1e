// RAUC's pre-install handler on the box (system.conf `[handlers] pre-install`, see
// installPermit.ts): RAUC runs it once the bundle's signature and compatible hold, with the
// verified bundle mounted at RAUC_BUNDLE_MOUNT_POINT. It reads the manifest there, judges its
// version against the agent's permit, leaves
// the verdict for the agent, and exits non-zero for a bundle the box must not take, so RAUC stops
// before it writes a slot. Its one argument is the agent's run directory.
//   tibox rauc-pre-install /run/tibox      (the image's single executable)
//   node src/updater/rauc/preInstallHandler.ts RUN_DIR
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomicFile.ts';
import { INSTALL_PERMIT_FILE, INSTALL_VERDICT_FILE, judgeBundle, parseManifest, parsePermit, type BundleManifest, type InstallPermit, type InstallVerdict } from './installPermit.ts';

async function readPermit(runDir: string): Promise<InstallPermit | undefined> {
  let text: string;
  try {
    text = await readFile(join(runDir, INSTALL_PERMIT_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parsePermit(text);
}

/** The manifest of the bundle RAUC verified and mounted; none where RAUC names no mount point. */
async function readManifest(env: NodeJS.ProcessEnv): Promise<BundleManifest> {
  const mount = env.RAUC_BUNDLE_MOUNT_POINT;
  if (!mount) return { version: undefined, compatible: undefined };
  return parseManifest(await readFile(join(mount, 'manifest.raucm'), 'utf8'));
}

/** The handler's work; resolves with its exit status, 0 where RAUC may install. */
export async function runPreInstall(args: readonly string[], env: NodeJS.ProcessEnv, stderr: (text: string) => void): Promise<number> {
  const runDir = args[0];
  if (args.length !== 1 || !runDir) {
    stderr('usage: rauc-pre-install RUN_DIR (RAUC runs it with the bundle mounted at RAUC_BUNDLE_MOUNT_POINT)\n');
    return 2;
  }
  let verdict: InstallVerdict;
  let permitted = true;
  try {
    const permit = await readPermit(runDir);
    permitted = permit !== undefined;
    verdict = judgeBundle(permit, await readManifest(env));
  } catch (error) {
    // A permit or a manifest that cannot be read allows nothing the agent asked for.
    verdict = { version: '', compatible: '', problem: `the install cannot be judged: ${(error as Error).message}` };
  }
  const verdictFile = join(runDir, INSTALL_VERDICT_FILE);
  if (permitted) await writeFileAtomic(verdictFile, JSON.stringify(verdict) + '\n', { mode: 0o600 });
  else await rm(verdictFile, { force: true });
  if (verdict.problem === undefined) return 0;
  stderr(`tibox: the update was refused: ${verdict.problem}\n`);
  return 1;
}

// Run as a file from a checkout or build/; the single executable calls the function (`tibox rauc-pre-install`).
if (import.meta.main) {
  runPreInstall(process.argv.slice(2), process.env, (text) => process.stderr.write(text)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`tibox rauc-pre-install: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
