// A bundle's version against the installed one: the box takes no older version than it runs
// unless the deployment forces it (a deliberate rollback by the operator). Versions are
// MAJOR.MINOR.PATCH, as `make bundle` writes them; anything else is refused, as it would not compare.

const SEMVER = /^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$/;

function parts(version: string): [number, number, number] | undefined {
  const m = SEMVER.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`; undefined where one is no version. */
export function compareVersions(a: string, b: string): number | undefined {
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return undefined;
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** Why a bundle must not be installed over the running version, or undefined when it may. */
export function versionProblem(q: { installed: string; offered: string; forced: boolean }): string | undefined {
  if (!parts(q.offered)) return `the bundle's version ${JSON.stringify(q.offered)} is not of the form MAJOR.MINOR.PATCH`;
  const order = compareVersions(q.offered, q.installed);
  // A running version that does not compare (a development build) cannot be downgraded from.
  if (order === undefined || order >= 0 || q.forced) return undefined;
  return `version ${q.offered} is older than the installed ${q.installed}; only a forced deployment installs an older version`;
}
