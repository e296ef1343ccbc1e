// The boot unit's entry point from a checkout (build/agent/boot.js; `tibox boot` in the image):
// restores the fail-closed state before any network interface comes up (bootRestore.ts).
import { restoreAtBoot } from './bootRestore.ts';

await restoreAtBoot(process.argv.slice(2));
