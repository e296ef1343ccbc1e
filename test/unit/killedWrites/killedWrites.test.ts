// SECURITY.md: "config writes are transactional: killed mid-write, the box starts with the old or
// the new config, never a broken one". Each writer of persistent state runs in a process of its
// own (writerProcess.ts), writing its two states A and B in turn through the real module, and is
// killed with SIGKILL at a random moment, again and again. After each kill the state is read back
// as the box reads it at start (writers.ts) and must be the old state or the one being written:
// the writer's progress lines say which write was under way, so exactly those two are allowed,
// and they show that the kills land inside writes. A writer that saves in place with a plain
// writeFile, killed the same way, is found broken: the check sees the fault it is there for.
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startProcess } from '../../../src/core/runner.ts';
import { WRITERS, type Found, type KilledWriter, type StateName, type WriterName } from './writers.ts';

const WRITER_PROCESS = fileURLToPath(new URL('writerProcess.ts', import.meta.url));
/** Kills per writer, unless TIME_BUDGET_MS runs out first on a busy machine (each kill starts a Node process: about 0.1 s idle, up to 1 s under load). */
const KILLS = 30;
const MIN_KILLS = 10;
const TIME_BUDGET_MS = 15_000;
/** The kill comes this long at most after the writer is ready: within its first few writes. */
const MAX_DELAY_MS = 40;
/** The budget, and time for the kill under way when it runs out. */
const LOOP_TIMEOUT_MS = TIME_BUDGET_MS + 10_000;

type OnDisk = StateName | 'none';

interface KillRun {
  kills: number;
  /** Kills that came after a `write X` progress line and before its `wrote X`. */
  midWrite: number;
  /** Each kill after which the reader found neither allowed state: when, and what it found. */
  violations: string[];
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tibox-killed-'));
  dirs.push(dir);
  return dir;
}

/** Leaves `dir` holding A written over B, as the loop itself leaves it, and nothing else. */
async function prepare(writer: KilledWriter, dir: string): Promise<OnDisk> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  const writing = await writer.open(dir);
  try {
    await writing.write('B');
    await writing.write('A');
  } finally {
    await writing.close();
  }
  return 'A';
}

/** Starts the writer on `dir`, kills it with SIGKILL at a random moment once it is ready, and returns its progress lines. */
async function killAtRandom(name: WriterName, dir: string, first: StateName, progressFile: string): Promise<string[]> {
  const errors: string[] = [];
  const ready = Promise.withResolvers<void>();
  const writer = startProcess(process.execPath, [WRITER_PROCESS, name, dir, first, progressFile], {
    onStdoutLine: (line) => {
      if (line === 'ready') ready.resolve();
    },
    onStderrLine: (line) => errors.push(line),
  });
  try {
    const endedFirst = await Promise.race([ready.promise.then(() => false), writer.exited.then(() => true)]);
    if (!endedFirst) await sleep(Math.random() * MAX_DELAY_MS);
  } finally {
    writer.kill('SIGKILL');
  }
  const exit = await writer.exited;
  if (exit.signal !== 'SIGKILL') throw new Error(`the ${name} writer ended by itself (${exit.code}): ${errors.join('\n')}`);
  return (await readFile(progressFile, 'utf8')).split('\n');
}

/** The state last written whole (`before` if none was) and, if the kill came inside a write, the state it was writing. */
function afterProgress(progress: readonly string[], before: OnDisk): { written: OnDisk; writing?: StateName } {
  let written = before;
  let writing: StateName | undefined;
  for (const line of progress) {
    const [step, state] = line.split(' ');
    if (state !== 'A' && state !== 'B') continue;
    if (step === 'write') writing = state;
    if (step === 'wrote') [written, writing] = [state, undefined];
  }
  return { written, writing };
}

async function killRepeatedly(name: WriterName): Promise<KillRun> {
  const writer: KilledWriter = await WRITERS[name]();
  const dir = await tempDir();
  const progressFile = join(await tempDir(), 'progress');
  const run: KillRun = { kills: 0, midWrite: 0, violations: [] };
  let onDisk = await prepare(writer, dir);
  const started = Date.now();
  while (run.kills < KILLS && Date.now() - started < TIME_BUDGET_MS) {
    const { written, writing } = afterProgress(await killAtRandom(name, dir, onDisk === 'A' ? 'B' : 'A', progressFile), onDisk);
    run.kills++;
    if (writing) run.midWrite++;
    const found: Found = await writer.check(dir);
    const allowed: OnDisk[] = writing ? [written, writing] : [written];
    // Nothing at all, where the writer had something, only at the moment its module documents.
    const documentedNone = found === 'none' && writing !== undefined && written !== 'none' && (await writer.noneWhileReplacing?.(dir, written, writing)) === true;
    if (typeof found === 'string' && (allowed.includes(found) || documentedNone)) {
      onDisk = found;
    } else {
      run.violations.push(`kill ${run.kills}, ${writing ? `writing ${writing} over ${written}` : `${written} written`}: found ${JSON.stringify(found)}`);
      onDisk = await prepare(writer, dir);
    }
  }
  return run;
}

describe.each(['config', 'profile', 'ruleset', 'tunnel', 'provisioning'] as const)('the %s writer', (name) => {
  it('killed with SIGKILL at random moments, leaves the old state or the new one whole', async () => {
    const run = await killRepeatedly(name);
    expect(run.violations).toEqual([]);
    expect(run.kills).toBeGreaterThanOrEqual(MIN_KILLS);
    // Only a kill inside a write tests anything; the writer does little else, so most must be.
    expect(run.midWrite).toBeGreaterThanOrEqual(run.kills / 2);
  }, LOOP_TIMEOUT_MS);

  it('has a check that finds what a write without its protection leaves when cut short', async () => {
    const writer = await WRITERS[name]();
    const dir = await tempDir();
    await prepare(writer, dir);
    expect(await writer.check(dir)).toBe('A');
    await writer.tear(dir);
    expect(await writer.check(dir)).toEqual({ broken: expect.any(String) });
  });
});

describe('a ruleset saved in place with a plain writeFile', () => {
  it('killed the same way, is found broken', async () => {
    const run = await killRepeatedly('rulesetInPlace');
    expect(run.violations).not.toEqual([]);
    expect(run.violations.join('\n')).toContain('"broken"');
  }, LOOP_TIMEOUT_MS);
});

describe('the saved tunnel found absent', () => {
  // resumeFile.ts allows none only between its two renames: the old directory whole aside, the new one whole beside it.
  it('is the moment the module allows only when the old and the new directory lie whole beside it', async () => {
    const writer = await WRITERS.tunnel();
    const dir = await tempDir();
    const resume = join(dir, 'tunnel-resume');
    const stash = await tempDir();
    await prepare(writer, dir);
    await cp(resume, join(stash, 'A'), { recursive: true });
    const writing = await writer.open(dir);
    await writing.write('B');
    await writing.close();
    await rename(resume, `${resume}.new`);
    await rename(join(stash, 'A'), `${resume}.old`);
    expect(await writer.check(dir)).toBe('none');
    expect(await writer.noneWhileReplacing?.(dir, 'A', 'B')).toBe(true);
    expect(await writer.noneWhileReplacing?.(dir, 'B', 'A')).toBe(false);
    await writeFile(join(`${resume}.new`, 'routes.batch'), '');
    expect(await writer.noneWhileReplacing?.(dir, 'A', 'B')).toBe(false);
  });
});
