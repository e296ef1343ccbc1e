// Finds a group's id in a group(5) file and a user's id in a passwd(5) file, read directly (no
// commands). The control server hands the administrators' socket to group `tibox` and the web
// UI's socket to the web UI's own user.
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

/** The uid of `name` in passwd(5) text (`name:password:uid:gid:...`), or undefined. */
export function parseUserId(text: string, name: string): number | undefined {
  // The same layout up to the third field.
  return parseGroupId(text, name);
}

/** As parseGroupId, reading the file; a missing file means the group does not exist. */
export async function lookupGroupId(groupFile: string, name: string): Promise<number | undefined> {
  return await lookup(groupFile, (text) => parseGroupId(text, name));
}

/** As parseUserId, reading the file; a missing file means the user does not exist. */
export async function lookupUserId(passwdFile: string, name: string): Promise<number | undefined> {
  return await lookup(passwdFile, (text) => parseUserId(text, name));
}

async function lookup(file: string, parse: (text: string) => number | undefined): Promise<number | undefined> {
  try {
    return parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
