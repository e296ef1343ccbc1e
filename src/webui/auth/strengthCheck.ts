// Runs as a process of its own (passwordStrength.ts starts one per check): reads one password from
// stdin (never the command line, which other users can read), loads zxcvbn's dictionaries, prints
// the score and ends, so the dictionaries' memory, some 40 MB, goes back to the system with it. A
// worker thread ending does not give it back: the web UI kept some 27 MB after its first check
// in one, and about 1 MB more with each check after.
import core from '@zxcvbn-ts/core';
import common from '@zxcvbn-ts/language-common';
import de from '@zxcvbn-ts/language-de';

/** Reads the password from stdin and prints its zxcvbn score (0 to 4) on a line of its own. */
export async function printStrengthOfStdin(): Promise<void> {
  process.stdin.setEncoding('utf8');
  let password = '';
  for await (const chunk of process.stdin) password += String(chunk);
  const factory = new core.ZxcvbnFactory({ dictionary: { ...common.dictionary, ...de.dictionary }, graphs: common.adjacencyGraphs, translations: de.translations });
  process.stdout.write(`${factory.check(password).score}\n`);
}

// Run as a file from a checkout or build/; the single executable calls the function (`tibox webui-password-check`).
if (import.meta.main) {
  printStrengthOfStdin().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
