// The saved tunnel (resumeState.ts) in the form charon's own client loads: a swanctl directory
// that the agent's service launcher (bin/tibox-agent) hands to `swanctl --load-all` once per
// boot, before Node has started, exactly as an administrator's swanctl.conf would be loaded.
// The one connection starts as it is loaded (start_action = start), under a name of its own
// (bootConnectionName) that the agent's plan never replaces; when its CHILD_SA is up, charon runs
// bin/tibox-resume-updown, which leads the TI prefixes into it only if the gateway authenticated
// with an identity the profile names. Everything after that is the controller's, which adopts
// the SA like one an earlier agent left.
import type { ViciInit, ViciInitValue } from '../vici/index.ts';
import { bootConnectionName, CHILD_NAME, gatewayIndexOf } from './charonPlan.ts';
import type { ResumeState } from './resumeState.ts';

export interface ResumeDirFile {
  /** Relative to the resume directory. */
  readonly path: string;
  readonly content: string;
}

export interface ResumeDirOptions {
  /** Where the directory will be (the updown script is told). */
  readonly dir: string;
  /** The updown script charon runs for the resumed CHILD_SA. */
  readonly updown: string;
  /** The `ip -batch` lines that lead the TI prefixes into the tunnel (the routes module's plan). */
  readonly routeBatch: string;
}

/** The credential directories swanctl --load-all reads besides these files: there, empty, so it has nothing to complain about. */
export const SWANCTL_EMPTY_DIRS = ['x509ocsp', 'x509aa', 'x509ac', 'x509crl', 'pubkey', 'rsa', 'ecdsa', 'bliss', 'pkcs8', 'pkcs12'];

// The names bin/tibox-agent and bin/tibox-resume-updown look for.
const RESUME_CONF = 'swanctl.conf';
const RESUME_ROUTES = 'routes.batch';
const RESUME_GATEWAY_IDS = 'gateway-ids';

export function renderResumeDir(state: ResumeState, options: ResumeDirOptions): ResumeDirFile[] {
  const { plan } = state;
  const [connection] = plan.connections;
  if (!connection || plan.connections.length !== 1) throw new Error('a resume holds exactly one connection');
  // swanctl takes certificates by file name: x509/ for the box's, x509ca/ for the CAs'.
  const certificates = plan.certificates.map((c, i) => ({
    path: c.flag === 'CA' ? `x509ca/ca-${i}.pem` : `x509/box-${i}.pem`,
    content: c.data,
  }));
  const fileOf = (pem: string) => {
    const file = certificates.find((c) => c.content === pem);
    if (!file) throw new Error('the connection names a certificate the plan does not hold');
    return file.path.slice(file.path.indexOf('/') + 1);
  };
  const conn = connection.config;
  const local = conn.local as ViciInit;
  const remote = conn.remote as ViciInit;
  const children = conn.children as ViciInit;
  const child = children[CHILD_NAME] as ViciInit;
  const config: ViciInit = {
    ...conn,
    local: { ...local, certs: (local.certs as readonly string[]).map(fileOf) },
    remote: { ...remote, cacerts: (remote.cacerts as readonly string[]).map(fileOf) },
    // charon runs updown through the shell: the paths are quoted for it.
    children: { [CHILD_NAME]: { ...child, start_action: 'start', updown: `${shellWord(options.updown)} ${shellWord(options.dir)}` } },
  };
  const gatewayIndex = gatewayIndexOf(connection.name);
  if (gatewayIndex === undefined) throw new Error(`${connection.name} is not a connection of the tunnel`);
  const conf = `# The tunnel tibox resumes at boot, written by the tunnel controller; swanctl --load-all loads it.\n${renderSection('connections', { [bootConnectionName(gatewayIndex)]: config }, '')}`;
  return [
    { path: RESUME_CONF, content: conf },
    { path: 'private/box.pem', content: plan.key.data },
    ...certificates,
    { path: RESUME_ROUTES, content: options.routeBatch },
    { path: RESUME_GATEWAY_IDS, content: state.gatewayIds.map((id) => `${id}\n`).join('') },
  ];
}

/** A swanctl.conf section: the VICI message tree written in strongSwan's settings syntax. */
function renderSection(name: string, section: ViciInit, indent: string): string {
  const lines = [`${indent}${name} {`];
  for (const [key, value] of Object.entries(section)) {
    if (value === undefined) continue;
    lines.push(isSection(value) ? renderSection(key, value, `${indent}  `).trimEnd() : `${indent}  ${key} = ${renderValue(key, value)}`);
  }
  lines.push(`${indent}}`);
  return `${lines.join('\n')}\n`;
}

function isSection(value: ViciInitValue): value is ViciInit {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Map);
}

function renderValue(key: string, value: ViciInitValue): string {
  if (Array.isArray(value)) return value.map((item) => scalar(key, item as ViciInitValue)).join(', ');
  return scalar(key, value);
}

/** Plain where the settings parser reads it as is; quoted (with escapes) otherwise, e.g. a DN with commas. */
function scalar(key: string, value: ViciInitValue): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new Error(`${key}: no swanctl.conf form for this value`);
  if (/^[\w.:/@%+*-]+$/.test(value)) return value;
  if (/[\n\r]/.test(value)) throw new Error(`${key}: a line break cannot be part of a swanctl.conf value`);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function shellWord(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}
