// Which process a lab belongs to: the one that built it, recorded in the lab's directory as its
// pid and its start time (field 22 of /proc/<pid>/stat, clock ticks since boot). The start time
// tells the owner from a later process that got the same pid, so a lab whose owner is gone is
// never taken for a running one, and a running one never for a leftover.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OWNER_FILE = 'owner.json';

export interface LabOwner {
  pid: number;
  startTime: string;
}

/** The start time of a running process, or undefined when no process has that pid. */
function startTimeOf(pid: number): string | undefined {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The process name (field 2) is in brackets and may hold spaces: count the fields after it.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** Records a running process, this one unless told, as the owner of the lab in `dir`. */
export function recordOwner(dir: string, pid = process.pid): void {
  const startTime = startTimeOf(pid);
  if (startTime === undefined) throw new Error(`no process ${pid} to record as the lab's owner`);
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid, startTime } satisfies LabOwner));
}

/** The owner recorded in `dir`, or undefined when none is (a lab from before the record). */
export function readOwner(dir: string): LabOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Partial<LabOwner>;
    return typeof owner.pid === 'number' && typeof owner.startTime === 'string' ? { pid: owner.pid, startTime: owner.startTime } : undefined;
  } catch {
    return undefined;
  }
}

export function ownerLives(owner: LabOwner): boolean {
  return startTimeOf(owner.pid) === owner.startTime;
}
