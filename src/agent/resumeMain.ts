// The service's first step (bin/tibox-agent runs it, then the agent): the tunnel resume of
// resume.ts in a Node process of its own. So the practice waits neither for the agent to load
// nor for the agent's lean runtime, whose flags make Node's own modules miss their built-in code
// cache and slow its start. It takes the agent's command line, logs what it did, and whatever
// happened, the agent starts next. The imports are dynamic so that nothing is compiled before
// the compile cache is on.
import { enableCompileCache, flushCompileCache } from 'node:module';

enableCompileCache(process.env.NODE_COMPILE_CACHE ?? '/var/cache/tibox/node');
const { readCommandLine } = await import('./options.ts');
const commandLine = readCommandLine(process.argv.slice(2), process.env);
const { processRunner } = await import('./runner.ts');
const { resumeBeforeStart } = await import('./resume.ts');
const resumed = await resumeBeforeStart({ dataDir: commandLine.dataDir, charonVici: commandLine.charonVici, runner: processRunner });
const { createLogger } = await import('./log.ts');
createLogger().info({ resume: resumed }, resumed.routed ? 'tunnel resumed before the agent loaded' : 'no tunnel resumed before the agent loaded');
flushCompileCache();
