// The agent is mostly idle: it waits on charon, the kernel and its timers. Once the tunnel is
// resumed it trades speed it does not need for memory:
// - no optimising compilers (TurboFan, Maglev): their machine code and working memory cost some
//   15 MB of resident memory, while the interpreter and the baseline compiler (Sparkplug) render
//   a thousand hosts' ruleset in a few milliseconds;
// - V8 keeps its heap small rather than collecting seldom.
// Set at run time, not on the command line: with these flags from the start, Node's own modules
// no longer match their built-in code cache and are compiled afresh, which doubles the time to
// the resumed tunnel.
import { setFlagsFromString } from 'node:v8';

export const LEAN_V8_FLAGS = ['--no-opt', '--no-maglev', '--optimize-for-size'] as const;

export function goLean(): void {
  for (const flag of LEAN_V8_FLAGS) setFlagsFromString(flag);
}
