// The state files of the confirmed config, kept aside while a network change is pending. The boot
// unit puts the kernel back from the state files the agent writes (the firewall's ruleset, the LAN
// links tibox owns, the WAN's address and route) before the agent starts; for a pending change
// they already hold its config.
// So when the change is made, the files as they stand (those of the confirmed config) are copied
// to `<stateDir>/confirmed/`, and a boot that finds the change expired copies them back before
// anything loads them: the kernel never gets the expired change's links or rules, not even for
// the moments before the agent converges. The agent itself never copies them back: its subsystems
// rewrite the files from the rolled-back config, and the LAN links' record must keep naming what
// the agent put into the running kernel, or it would not take the expired change's addresses away.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readStateFile, syncDirectory, writeFileAtomic, writeFileAtomicSync, type Logger } from '../../core/index.ts';
import { RULESET_STATE_FILE } from '../../firewall/index.ts';
import { LINKS_STATE_FILE } from '../../lan/index.ts';
import { WAN_STATE_FILE } from '../../wan/index.ts';

/** The state files a network key shapes. The TI routes' follow the profile alone. */
export const CONFIRMED_STATE_FILES: readonly string[] = [RULESET_STATE_FILE, LINKS_STATE_FILE, WAN_STATE_FILE];

const DIR = 'confirmed';
/** Written last: the files that existed, so a copy cut short is never taken for the confirmed state. */
const MANIFEST = 'kept.json';

/** Copies the state files as they stand aside, before a pending change is recorded; synchronous, as the commit that calls it. */
export function keepConfirmedState(stateDir: string): void {
  const dir = join(stateDir, DIR);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const kept: string[] = [];
  for (const name of CONFIRMED_STATE_FILES) {
    let text: Buffer;
    try {
      text = readFileSync(join(stateDir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    // 0600 as the originals: the ruleset lists the practice's devices.
    writeFileAtomicSync(join(dir, name), text, { mode: 0o600 });
    kept.push(name);
  }
  writeFileAtomicSync(join(dir, MANIFEST), JSON.stringify({ kept }) + '\n', { mode: 0o600 });
}

/**
 * Puts the kept files back in place of the pending change's, and removes those the confirmed
 * config had none of (nothing applied yet), so the boot loads what it would have loaded before
 * the change. Copies rather than moves: a boot cut short repeats it all. Returns false (and says
 * why in the log) when nothing complete was kept; the state files then stay as they are.
 */
export async function restoreConfirmedState(stateDir: string, log: Logger): Promise<boolean> {
  const dir = join(stateDir, DIR);
  const manifest = await readStateFile(join(dir, MANIFEST));
  if (manifest === undefined) {
    log.error({ dir }, 'no complete copy of the confirmed state files: the boot loads those of the expired change');
    return false;
  }
  const { kept } = JSON.parse(manifest) as { kept: string[] };
  for (const name of CONFIRMED_STATE_FILES) {
    if (kept.includes(name)) await writeFileAtomic(join(stateDir, name), readFileSync(join(dir, name)), { mode: 0o600 });
    else rmSync(join(stateDir, name), { force: true });
  }
  await syncDirectory(stateDir);
  return true;
}

/** Forgets the kept files: the change was confirmed or rolled back. */
export function dropConfirmedState(stateDir: string): void {
  rmSync(join(stateDir, DIR), { recursive: true, force: true });
}
