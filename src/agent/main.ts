// The agent's entry point. First it makes sure Node's on-disk compile cache is on (the service
// sets NODE_COMPILE_CACHE so that even this file comes from the cache; without it the cache starts
// here): every start after the first, boots and agent restarts included, then skips compiling.
// Then, before loading the agent proper, it resumes the last working tunnel (resume.ts), so the
// practice does not wait for the agent to load, and only then turns to the lean runtime of
// leanRuntime.ts. The imports are dynamic so that nothing is compiled before the cache is on.
import { enableCompileCache, flushCompileCache } from 'node:module';

enableCompileCache(process.env.NODE_COMPILE_CACHE ?? '/var/cache/tibox/node');
const { readCommandLine } = await import('./options.ts');
const commandLine = readCommandLine(process.argv.slice(2), process.env);
const { processRunner } = await import('./runner.ts');
const { resumeBeforeStart } = await import('./resume.ts');
// One after the other: loading the agent blocks the event loop for longer than the IKE exchange
// takes, and would hold back the routes that end the practice's wait.
const resumed = await resumeBeforeStart({ dataDir: commandLine.dataDir, charonVici: commandLine.charonVici, runner: processRunner });
(await import('./leanRuntime.ts')).goLean();
const { runAgent } = await import('./run.ts');
await runAgent(commandLine, resumed);
// On disk now, not only at exit: an agent that is killed still starts fast next time.
flushCompileCache();
