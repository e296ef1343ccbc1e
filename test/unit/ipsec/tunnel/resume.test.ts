// The saved tunnel as the service launcher loads it at boot: the swanctl directory rendered from
// the resume state, and the file keeper that writes it whole, for root alone, each step on disk before the next.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planCharon } from '../../../../src/ipsec/tunnel/charonPlan.ts';
import { ResumeFile } from '../../../../src/ipsec/tunnel/resumeFile.ts';
import type { ResumeState } from '../../../../src/ipsec/tunnel/resumeState.ts';
import { renderResumeDir } from '../../../../src/ipsec/tunnel/resumeSwanctl.ts';
import { GW1, LOCAL_TI, PROFILE } from './profile.ts';

const plan = planCharon(PROFILE);
/** Saved while gw1 carried the traffic. */
const STATE: ResumeState = {
  plan: { ...plan, connections: plan.connections.filter((c) => c.name === 'tibox-gw1') },
  gatewayIds: ['gw1.dc.example', 'C=DE, O=Datacenter, CN=gw2'],
  routes: { prefixes: PROFILE.tiPrefixes, path: { kind: 'libipsec', dev: 'ipsec0', src: LOCAL_TI } },
};
const OPTIONS = { dir: '/var/lib/tibox/state/tunnel-resume', updown: '/opt/tibox/bin/tibox-resume-updown', routeBatch: 'route replace 100.64.0.0/10 dev ipsec0\n' };
/** What a resume directory holds: the rendered files and the directories swanctl reads, empty. */
const RESUME_ENTRIES = [
  'bliss', 'ecdsa', 'gateway-ids', 'pkcs12', 'pkcs8', 'private', 'pubkey', 'routes.batch', 'rsa', 'swanctl.conf', 'x509', 'x509aa', 'x509ac', 'x509ca', 'x509crl', 'x509ocsp',
];

describe('renderResumeDir', () => {
  it('writes the one connection as swanctl.conf under its boot name, started at load, with the updown script told where it is', () => {
    const files = Object.fromEntries(renderResumeDir(STATE, OPTIONS).map((f) => [f.path, f.content]));
    expect(files['swanctl.conf']).toBe(`# The tunnel tibox resumes at boot, written by the tunnel controller; swanctl --load-all loads it.
connections {
  tibox-gw1-boot {
    version = 2
    local_addrs = %any
    remote_addrs = ${GW1}
    proposals = aes256gcm16-prfsha384-ecp384
    mobike = yes
    dpd_delay = 0
    keyingtries = 1
    local {
      auth = pubkey
      certs = box-0.pem
      id = box-0042.tibox.example
    }
    remote {
      auth = pubkey
      id = gw.dc.example
      cacerts = ca-1.pem, ca-2.pem
    }
    children {
      ti {
        local_ts = 10.77.12.0/26
        remote_ts = 100.64.0.0/10, 100.102.0.0/15
        esp_proposals = aes256gcm16-ecp384
        mode = tunnel
        start_action = start
        dpd_action = none
        close_action = none
        updown = "'/opt/tibox/bin/tibox-resume-updown' '/var/lib/tibox/state/tunnel-resume'"
      }
    }
  }
}
`);
  });

  it('puts the key and the certificates where swanctl looks, and the routes and accepted identities for the updown script', () => {
    const files = Object.fromEntries(renderResumeDir(STATE, OPTIONS).map((f) => [f.path, f.content]));
    expect(Object.keys(files).sort()).toEqual(['gateway-ids', 'private/box.pem', 'routes.batch', 'swanctl.conf', 'x509/box-0.pem', 'x509ca/ca-1.pem', 'x509ca/ca-2.pem']);
    expect(files['private/box.pem']).toBe('BOX-KEY');
    expect(files['x509/box-0.pem']).toBe('BOX-CERT');
    expect([files['x509ca/ca-1.pem'], files['x509ca/ca-2.pem']]).toEqual(['CA-ROOT', 'CA-SUB']);
    expect(files['routes.batch']).toBe(OPTIONS.routeBatch);
    expect(files['gateway-ids']).toBe('gw1.dc.example\nC=DE, O=Datacenter, CN=gw2\n');
  });

  it('quotes what the settings parser would not read as it is, and refuses what it cannot hold', () => {
    const withId = (id: string) => {
      const [conn] = STATE.plan.connections;
      const config = { ...conn?.config, remote: { ...(conn?.config.remote as object), id } };
      return renderResumeDir({ ...STATE, plan: { ...STATE.plan, connections: [{ name: 'tibox-gw1', config }] } }, OPTIONS)[0]?.content ?? '';
    };
    expect(withId('C=DE, O=Datacenter, CN=gw2')).toContain('id = "C=DE, O=Datacenter, CN=gw2"');
    expect(withId('CN="odd" \\ one')).toContain('id = "CN=\\"odd\\" \\\\ one"');
    expect(() => withId('line\nbreak')).toThrow(/line break/);
    const quoted = renderResumeDir(STATE, { ...OPTIONS, dir: "/data/it's here" })[0]?.content ?? '';
    expect(quoted).toContain(`updown = "'/opt/tibox/bin/tibox-resume-updown' '/data/it'\\\\''s here'"`);
  });

  it('holds exactly one connection', () => {
    expect(() => renderResumeDir({ ...STATE, plan }, OPTIONS)).toThrow(/exactly one/);
  });
});

describe('ResumeFile', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const keeper = (stateDir: string) => new ResumeFile({ stateDir, updown: '/bin/updown', routeBatch: (routes) => `${routes.prefixes.join(' ')}\n` });

  it('writes the directory for root alone, into a state directory it creates, and removes it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-resume-'));
    const stateDir = join(dir, 'state');
    await keeper(stateDir).save(STATE);
    const resume = join(stateDir, 'tunnel-resume');
    expect(statSync(resume).mode & 0o777).toBe(0o700);
    for (const path of ['swanctl.conf', 'private/box.pem', 'x509ca/ca-2.pem', 'routes.batch']) expect(statSync(join(resume, path)).mode & 0o777).toBe(0o600);
    expect(statSync(join(resume, 'private')).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(resume, 'routes.batch'), 'utf8')).toBe('100.64.0.0/10 100.102.0.0/15\n');
    expect(readFileSync(join(resume, 'swanctl.conf'), 'utf8')).toContain(`updown = "'/bin/updown' '${resume}'"`);
    await keeper(stateDir).clear();
    await keeper(stateDir).clear();
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('replaces the directory whole: nothing of the tunnel before stays, nor of a save cut short', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-resume-'));
    mkdirSync(join(dir, 'tunnel-resume', 'x509ca'), { recursive: true });
    writeFileSync(join(dir, 'tunnel-resume', 'x509ca', 'ca-7.pem'), 'OLD-CA');
    mkdirSync(join(dir, 'tunnel-resume.new'));
    writeFileSync(join(dir, 'tunnel-resume.new', 'swanctl.conf'), 'half');
    await keeper(dir).save(STATE);
    expect(existsSync(join(dir, 'tunnel-resume', 'x509ca', 'ca-7.pem'))).toBe(false);
    expect(readFileSync(join(dir, 'tunnel-resume', 'swanctl.conf'), 'utf8')).toContain('tibox-gw1-boot {');
    expect(readdirSync(dir)).toEqual(['tunnel-resume']);
    // The directories swanctl reads are there, empty.
    expect(readdirSync(join(dir, 'tunnel-resume')).sort()).toEqual(RESUME_ENTRIES);
  });

  /** A keeper whose directory syncs record the directory (relative to the state directory) and what it held then. */
  const watched = (stateDir: string) => {
    const syncs: string[] = [];
    const syncDirectory = async (path: string) => void syncs.push(`${relative(stateDir, path) || '.'} holds ${readdirSync(path).sort().join(' ') || 'nothing'}`);
    return { syncs, keeper: new ResumeFile({ stateDir, updown: '/bin/updown', routeBatch: () => '', syncDirectory }) };
  };

  it('syncs the new directory whole before the swap, and the state directory after each rename', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-resume-'));
    const { syncs, keeper: resume } = watched(dir);
    await resume.save(STATE);
    await resume.save(STATE);
    const fresh = `tunnel-resume.new holds ${RESUME_ENTRIES.join(' ')}`;
    expect(syncs).toEqual([
      fresh,
      '. holds tunnel-resume.new',
      '. holds tunnel-resume',
      fresh,
      '. holds tunnel-resume.new tunnel-resume.old',
      '. holds tunnel-resume tunnel-resume.old',
    ]);
  });

  it('syncs the state directory once a clear has removed everything, and passes where there is none', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-resume-'));
    const { syncs, keeper: resume } = watched(dir);
    await resume.save(STATE);
    syncs.length = 0;
    await resume.clear();
    expect(syncs).toEqual(['. holds nothing']);
    await watched(join(dir, 'never-made')).keeper.clear();
    expect(existsSync(join(dir, 'never-made'))).toBe(false);
  });
});
