// Run by killedWrites.test.ts in a process of its own until the test kills it:
//   node writerProcess.ts <writer> <dir> <A|B> <progress file>
// writes the writer's two states into <dir> one after the other, starting with the one named.
// It prints `ready` once loaded; then it notes `write X` before and `wrote X` after each write in
// the progress file, with a synchronous write that the kill cannot undo, so the test tells from
// the last line whether its kill landed inside a write, and inside which. A file, not the pipe:
// each line through the pipe would wake the test, whose kill would then land just after a line
// far more often than chance.
import { openSync, writeSync } from 'node:fs';
import { isWriterName, WRITERS, type StateName } from './writers.ts';

const [name, dir, first, progressFile] = process.argv.slice(2);
if (!isWriterName(name) || dir === undefined || (first !== 'A' && first !== 'B') || progressFile === undefined) {
  throw new Error(`usage: writerProcess.ts <${Object.keys(WRITERS).join('|')}> <dir> <A|B> <progress file>`);
}
const progress = openSync(progressFile, 'w');
const note = (line: string) => writeSync(progress, `${line}\n`);
const writing = await (await WRITERS[name]()).open(dir);
writeSync(1, 'ready\n');
for (let state: StateName = first; ; state = state === 'A' ? 'B' : 'A') {
  note(`write ${state}`);
  await writing.write(state);
  note(`wrote ${state}`);
}
