// Finds a group's id in a group(5) file, read directly (no commands). The control server uses it
// to hand its socket to group `tibox`, the group the web UI process runs in.
import { readFile } from 'node:fs/promises';

/** The gid of `name` in group(5) text (`name:password:gid:members`), or undefined. */
export function parseGroupId(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    const [group, , gid] = line.split(':');
    if (group !== name || gid === undefined || !/^\d+$/.test(gid)) continue;
    return Number(gid);
  }
  return undefined;
}

/** As parseGroupId, reading the file; a missing file means the group does not exist. */
export async function lookupGroupId(groupFile: string, name: string): Promise<number | undefined> {
  try {
    return parseGroupId(await readFile(groupFile, 'utf8'), name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
