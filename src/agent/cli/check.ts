// `tibox check [--last] [--json]`: runs the function test (or, with --last, shows the last one)
// and prints each check's verdict, value and fix. The exit code says whether a check failed, so
// an installer's script can stop there.
import type { FunctionTestResult } from '../check/result.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, type Command } from './command.ts';
import { formatCheck } from './formatCheck.ts';

export const checkCommand: Command = {
  words: ['check'],
  synopsis: '[--last] [--json]',
  summary: 'Run the function test: WAN, DNS, time, VPN passthrough, MTU, tunnel, connector, TI DNS, PVS hosts, address plan; exits 3 when a check fails',
  options: {
    last: { type: 'boolean', description: 'Show the last function test instead of running one' },
    json: { type: 'boolean', description: 'Print the result as JSON, for scripts' },
  },
  maxPositionals: 0,
  example: ['check'],
  async run({ io, lang, values, client }) {
    const result = (await client().action(values.last ? 'check.last' : 'check.run', {})) as FunctionTestResult | null;
    io.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatCheck(result, lang));
    return result?.verdict === 'fail' ? EXIT_CHECK_FAILED : EXIT_OK;
  },
};
