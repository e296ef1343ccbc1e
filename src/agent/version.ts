// The agent's version: the package version, read once at start from package.json beside src/. A
// single executable finds the package.json its build wrote beside it, which also names the commit.
import { readFileSync } from 'node:fs';

export interface BuildInfo {
  version: string;
  /** The git commit the executable was built from; a checkout's package.json names none. */
  commit?: string;
}

export function readBuildInfo(): BuildInfo {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as BuildInfo;
  return { version: pkg.version, ...(pkg.commit ? { commit: pkg.commit } : {}) };
}

export function readVersion(): string {
  return readBuildInfo().version;
}
