// The saved tunnel: a write is ResumeFile.save of one of two resume states that differ in the
// connection, the key, the certificates (and their number), the gateway identities and the routes;
// the check reads the directory bin/tibox-agent hands to swanctl at boot, which must be A or B
// whole, every file and directory, or absent.
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { renderRouteBatch } from '../../../src/firewall/routes/routeBatch.ts';
import { planCharon } from '../../../src/ipsec/tunnel/charonPlan.ts';
import type { RoutePath } from '../../../src/ipsec/tunnel/ports.ts';
import { ResumeFile } from '../../../src/ipsec/tunnel/resumeFile.ts';
import type { ResumeState } from '../../../src/ipsec/tunnel/resumeState.ts';
import { renderResumeDir, SWANCTL_EMPTY_DIRS } from '../../../src/ipsec/tunnel/resumeSwanctl.ts';
import type { TunnelProfile } from '../../../src/ipsec/tunnel/tunnelProfile.ts';
import { LOCAL_TI, PROFILE } from '../ipsec/tunnel/profile.ts';
import { broken, reading, type KilledWriter, type StateName } from './writers.ts';

/** Where bin/tibox-agent looks in the state directory. */
const RESUME_DIR = 'tunnel-resume';
const UPDOWN = '/opt/tibox/bin/tibox-resume-updown';
const DIRECTORY = '(directory)';

function resumeState(profile: TunnelProfile, connection: string, gatewayIds: string[], path: RoutePath): ResumeState {
  const plan = planCharon(profile);
  return { plan: { ...plan, connections: plan.connections.filter((c) => c.name === connection) }, gatewayIds, routes: { prefixes: profile.tiPrefixes, path } };
}

const STATES: Record<StateName, ResumeState> = {
  A: resumeState(PROFILE, 'tibox-gw1', ['gw.dc.example'], { kind: 'libipsec', dev: 'ipsec0', src: LOCAL_TI }),
  B: resumeState(
    { ...PROFILE, certificatePem: 'BOX-CERT-RENEWED', privateKeyPem: 'BOX-KEY-RENEWED', caCertificatesPem: ['CA-ROOT-2'], gatewayIds: ['gw0.dc.example', 'gw1.dc.example'], tiPrefixes: ['100.96.0.0/12'] },
    'tibox-gw0',
    ['gw0.dc.example', 'gw1.dc.example'],
    { kind: 'xfrm', via: '192.0.2.1', dev: 'wan0', src: LOCAL_TI },
  ),
};

/** The whole resume directory of `state` as ResumeFile writes it: relative path to content, or DIRECTORY. */
function expectedTree(stateDir: string, state: StateName): Record<string, string> {
  const files = renderResumeDir(STATES[state], { dir: join(stateDir, RESUME_DIR), updown: UPDOWN, routeBatch: renderRouteBatch(STATES[state].routes) });
  const tree: Record<string, string> = Object.fromEntries(SWANCTL_EMPTY_DIRS.map((d) => [d, DIRECTORY]));
  for (const file of files) {
    if (dirname(file.path) !== '.') tree[dirname(file.path)] = DIRECTORY;
    tree[file.path] = file.content;
  }
  return tree;
}

async function readTree(dir: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    tree[relative(dir, path)] = entry.isDirectory() ? DIRECTORY : await readFile(path, 'utf8');
  }
  return tree;
}

async function holds(dir: string, stateDir: string, state: StateName): Promise<boolean> {
  return isDeepStrictEqual(await readTree(dir).catch(() => undefined), expectedTree(stateDir, state));
}

export const tunnelWriter: KilledWriter = {
  async open(dir) {
    const keeper = new ResumeFile({ stateDir: dir, updown: UPDOWN, routeBatch: renderRouteBatch });
    return { write: (state) => keeper.save(STATES[state]), close: async () => undefined };
  },

  check: (dir) =>
    reading(async () => {
      const resume = join(dir, RESUME_DIR);
      if (!existsSync(resume)) return 'none';
      // The launcher hands swanctl this directory whole: every file in it must be of one state.
      const tree = await readTree(resume);
      const state = (['A', 'B'] as const).find((s) => isDeepStrictEqual(tree, expectedTree(dir, s)));
      return state ?? broken(`${RESUME_DIR} is neither state whole: ${Object.keys(tree).sort().join(', ')}`);
    }),

  // resumeFile.ts: a save renames the old directory aside, then the new one in; in between there is
  // none, the old one whole beside it and the new one whole.
  async noneWhileReplacing(dir, from, to) {
    const resume = join(dir, RESUME_DIR);
    return !existsSync(resume) && (await holds(`${resume}.old`, dir, from)) && (await holds(`${resume}.new`, dir, to));
  },

  async tear(dir) {
    // B written file by file in place over A, killed after swanctl.conf.
    const conf = expectedTree(dir, 'B')['swanctl.conf'] ?? '';
    await writeFile(join(dir, RESUME_DIR, 'swanctl.conf'), conf);
  },
};
