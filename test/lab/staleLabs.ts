// What `make lab-clean` removes: the labs whose owner is gone. A lab is known by its id, the
// prefix of its namespaces and the name of its directories; its directory records its owner
// (owner.ts). A lab whose owner still runs is someone's demo or test and stays. So does a
// directory that records no owner (a lab built before labs recorded one): nothing says it is
// gone. Namespaces or files of a lab whose directory is gone are leftovers, since every lab
// makes its directory before anything else and removes it last.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { processRunner, type Runner } from '../../src/core/runner.ts';
import { labDir, labRunDir, NETNS_ETC } from './lab.ts';
import { Netns } from './netns.ts';
import { ownerLives, readOwner } from './owner.ts';

const LAB_ID = /^(tlab[0-9a-f]{4})-/;
/** The names labDir() and labRunDir() give, in the same temporary directory. */
const LAB_DIR_ID = /^tibox-lab-(tlab[0-9a-f]{4})(-run)?$/;

export interface CleanReport {
  removed: string[];
  /** Labs left in place, each with the reason. */
  kept: { id: string; why: string }[];
}

export async function cleanStale(runner: Runner = processRunner): Promise<CleanReport> {
  const netns = new Netns(runner);
  const namespaces = await netns.list();
  const etc = existsSync(NETNS_ETC) ? readdirSync(NETNS_ETC) : [];
  const ids = new Set([
    ...[...namespaces, ...etc].map((name) => LAB_ID.exec(name)?.[1]),
    ...readdirSync(tmpdir()).map((name) => LAB_DIR_ID.exec(name)?.[1]),
  ].filter((id) => id !== undefined));

  const report: CleanReport = { removed: [], kept: [] };
  for (const id of [...ids].sort()) {
    const why = reasonToKeep(id);
    if (why) {
      report.kept.push({ id, why });
      continue;
    }
    for (const ns of namespaces.filter((name) => name.startsWith(`${id}-`))) await netns.remove(ns);
    for (const entry of etc.filter((name) => name.startsWith(`${id}-`))) rmSync(join(NETNS_ETC, entry), { recursive: true, force: true });
    // A data partition of its own (Lab.ownDataPartition) must go before its directory can.
    for (const mount of mountsUnder(labDir(id))) await runner.run('umount', [mount]);
    rmSync(labDir(id), { recursive: true, force: true });
    rmSync(labRunDir(id), { recursive: true, force: true });
    report.removed.push(id);
  }
  return report;
}

function reasonToKeep(id: string): string | undefined {
  const dir = labDir(id);
  if (!existsSync(dir)) return undefined;
  const owner = readOwner(dir);
  if (!owner) return `${basename(dir)} records no owner (a lab from an older tibox): remove it by hand if it is not running`;
  if (ownerLives(owner)) return `its owner, process ${owner.pid}, still runs`;
  return undefined;
}

/** Mount points inside `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((mount) => mount.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}
