// Fail closed from the first packet: every successful apply saves the TI prefixes (and nothing
// else) to `<stateDir>/ti-routes.json`, and the boot unit installs unreachable routes and the
// rules for them before any interface comes up. The tunnel is never up at boot, so the saved
// path is irrelevant and not kept.
import { join } from 'node:path';
import { readStateFile, type Logger } from '../../core/index.ts';
import type { RouteKernel } from './kernel.ts';
import type { TiRoutesDesired } from './model.ts';
import { reconcileRoutes } from './reconcile.ts';
import { readTiPrefix } from './tiPrefix.ts';

export const ROUTES_STATE_FILE = 'ti-routes.json';

export function routesStatePath(stateDir: string): string {
  return join(stateDir, ROUTES_STATE_FILE);
}

export function renderRoutesState(prefixes: readonly string[]): string {
  return `${JSON.stringify({ prefixes: [...new Set(prefixes)].sort() })}\n`;
}

/** The saved prefixes; throws on a file that is not what renderRoutesState writes. */
export function parseRoutesState(text: string): string[] {
  const value: unknown = JSON.parse(text);
  const prefixes = typeof value === 'object' && value !== null ? (value as { prefixes?: unknown }).prefixes : undefined;
  if (!Array.isArray(prefixes) || !prefixes.every((p) => typeof p === 'string')) throw new Error('expected {"prefixes": [string, ...]}');
  prefixes.forEach(readTiPrefix);
  return prefixes;
}

/** The boot-time desired state for saved prefixes: all unreachable. */
export function bootDesired(prefixes: readonly string[]): TiRoutesDesired {
  return { prefixes, path: { kind: 'unreachable' } };
}

export interface BootRoutesResult {
  /** The saved prefixes, or undefined when nothing was saved yet. */
  readonly prefixes: readonly string[] | undefined;
  readonly writes: number;
}

/**
 * Installs rules and unreachable routes for the saved prefixes, converging like the agent does
 * (a second run writes nothing). No file means no apply ever succeeded here: nothing to do.
 */
export async function loadBootRoutes(stateDir: string, kernel: RouteKernel, log: Logger): Promise<BootRoutesResult> {
  const path = routesStatePath(stateDir);
  const text = await readStateFile(path);
  if (text === undefined) {
    log.info({ path }, 'no saved TI prefixes: no TI routes to install at boot');
    return { prefixes: undefined, writes: 0 };
  }
  let prefixes: string[];
  try {
    prefixes = parseRoutesState(text);
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const { writes } = await reconcileRoutes(kernel, bootDesired(prefixes));
  log.info({ prefixes, writes: writes.length }, 'TI prefixes unreachable until the tunnel is up');
  return { prefixes, writes: writes.length };
}
