// The agent's entry point (bin/tibox-agent starts it, once it has resumed the tunnel at boot).
// First it makes sure Node's on-disk compile cache is on (the service sets NODE_COMPILE_CACHE so
// that even this file comes from the cache; without it the cache starts here): every start after
// the first, boots and agent restarts included, then skips compiling. The imports are dynamic so
// that nothing is compiled before the cache is on.
import { enableCompileCache, flushCompileCache } from 'node:module';

enableCompileCache(process.env.NODE_COMPILE_CACHE ?? '/var/cache/tibox/node');
const { readCommandLine } = await import('./options.ts');
const commandLine = readCommandLine(process.argv.slice(2), process.env);
const { runAgent } = await import('./run.ts');
await runAgent(commandLine);
// On disk now, not only at exit: an agent that is killed still starts fast next time.
flushCompileCache();
