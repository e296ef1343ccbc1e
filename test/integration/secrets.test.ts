// Secrets never logged (SECURITY.md: keys, PKCS#12 and passwords never logged, 0600): after a
// PKCS#12 import with the tunnel up, and a failed one with a wrong password, neither the password
// nor the box's private key nor its initial web UI password is in the agent's log, the boot log, charon's log, any state file, or
// any control reply. The private key lives only in the files meant for it (the profile store's
// key.pem and the saved tunnel's private/box.pem, both 0600), and a version 2 profile's
// management key only in the store's management-key.pem (0600).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { ControlClient } from '../../src/control/client.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { processRunner } from '../../src/core/runner.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');
const src = join(fileURLToPath(import.meta.url), '..', '..', '..', 'src');
/** A settings backup's passphrase: it too must appear in no log, state file or reply. */
const BACKUP_PASSPHRASE = 'the practice keeps this backup passphrase in its safe';

/** A secret in each form it could be written in, each as bytes to look for. */
function needles(secret: { password: string; keyPem: string }): { what: string; bytes: Buffer }[] {
  const key = createPrivateKey(secret.keyPem);
  const d = Buffer.from(key.export({ format: 'jwk' }).d as string, 'base64url');
  // Base64 of a DER encoding that holds d, cut to the characters that stand for d's bytes alone:
  // found whatever the line breaks or the encoding around it.
  const inside = (der: Buffer) => {
    const at = der.indexOf(d);
    const from = Math.ceil(at / 3);
    const to = Math.floor((at + d.length) / 3);
    return der.toString('base64').slice(from * 4, to * 4);
  };
  return [
    { what: 'the PKCS#12 password', bytes: Buffer.from(secret.password) },
    { what: 'the PKCS#12 password (base64)', bytes: Buffer.from(Buffer.from(secret.password).toString('base64')) },
    { what: 'the private key (raw)', bytes: d },
    { what: 'the private key (hex)', bytes: Buffer.from(d.toString('hex')) },
    { what: 'the private key (JWK)', bytes: Buffer.from(d.toString('base64url')) },
    { what: 'the private key (PKCS#8)', bytes: Buffer.from(inside(key.export({ format: 'der', type: 'pkcs8' }))) },
    { what: 'the private key (SEC1)', bytes: Buffer.from(inside(key.export({ format: 'der', type: 'sec1' }))) },
  ];
}

/** What of `needles` is in `bytes`, also once line breaks (real or JSON-escaped) are gone. */
function secretsIn(bytes: Buffer, all: { what: string; bytes: Buffer }[]): string[] {
  const joined = Buffer.from(bytes.toString('latin1').replace(/\\n|\\r|\s/g, ''), 'latin1');
  return all.filter((n) => bytes.includes(n.bytes) || joined.includes(n.bytes)).map((n) => n.what);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('secrets: never logged, never in a reply, only in their own 0600 files', () => {
  let lab: Lab;
  let socketPath: string;
  const replies: { call: string; text: string }[] = [];

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    ({ socketPath } = await lab.startAgent());
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it('keeps the PKCS#12 password and the private key out of every log, state file and control reply', async () => {
    const profile = lab.describe().profile;
    if (!profile) throw new Error('the lab has no profile');
    const password = readFileSync(profile.passwordFile, 'utf8').trim();
    const keyPem = readFileSync(lab.describe().pki.box.key, 'utf8');
    const all = needles({ password, keyPem });

    // A wrong password first: its refusal must not echo what was typed, nor the right one.
    const wrongFile = join(lab.dir, 'wrong-password');
    writeFileSync(wrongFile, `${password}-wrong\n`, { mode: 0o600 });
    const wrong = await processRunner.run(tibox, ['--socket', socketPath, 'profile', 'import', profile.pkcs12, '--password-file', wrongFile], { okCodes: [1, 2] });
    expect(wrong.code).not.toBe(0);
    replies.push({ call: 'tibox profile import (wrong password)', text: wrong.stdout + wrong.stderr });
    const wrongNeedles = [
      ...all,
      { what: 'the wrong password', bytes: Buffer.from(`${password}-wrong`) },
      // The lab's factory step gave the box this one; the box keeps only its hash.
      { what: 'the initial web UI password', bytes: Buffer.from(PLAN.provisioning.initialPassword) },
      { what: 'the backup passphrase', bytes: Buffer.from(BACKUP_PASSPHRASE) },
    ];

    replies.push({ call: 'tibox profile import', text: await lab.importProfile({ variant: 'pkcs12' }) });
    const client = new ControlClient<AgentStatus>(socketPath);
    await waitFor(async () => expect((await client.status()).tunnel.state).toBe('up'), 15_000);
    await waitFor(async () => {
      const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '1', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 3_000);
      expect(stdout).toContain('<ConnectorServices');
    }, 10_000);

    // Every action of the control API, with arguments it takes, or refused ones: its answer either way.
    const device = { device: 'PVS reception' };
    const calls: [string, unknown][] = [
      ['config.get', {}], ['config.describe', {}], ['config.audit', {}], ['config.commit', {}],
      ['config.pending', {}], ['config.confirm', {}], ['config.rollback', {}],
      ['devices.list', {}], ['devices.show', device], ['devices.audit', {}], ['devices.setupCommands', device],
      ['devices.neighbours', {}], ['devices.terminals', {}], ['devices.reachability', device],
      ['devices.register', {}], ['devices.change', { device: 'nobody' }], ['devices.remove', { device: 'nobody' }],
      ['firewall.print', {}], ['firewall.why', device], ['profile.show', {}], ['profile.import', { profile: readFileSync(profile.pkcs12).toString('base64'), password: `${password}-wrong` }],
      ['tunnel.status', {}], ['tunnel.restart', {}], ['tunnel.down', {}], ['tunnel.up', {}], ['audit.list', {}],
      ['update.status', {}], ['lan.addressPlan', {}], ['network.routes', {}], ['system.listening', {}],
      ['check.run', {}], ['check.last', {}],
      ['protocol.make', {}], ['protocol.list', {}], ['protocol.get', { format: 'json' }],
      // Refused in the lab, whose agent runs on no system of its own: it must never restart the machine.
      ['system.reboot', {}],
      ['backup.create', { passphrase: BACKUP_PASSPHRASE }], ['backup.inspect', { file: Buffer.from('not a backup').toString('base64'), passphrase: BACKUP_PASSPHRASE }],
      ['backup.restore', { file: Buffer.from('not a backup').toString('base64'), passphrase: BACKUP_PASSPHRASE }],
      // Refused without the serial number: the tunnel this test keeps up must stay.
      ['system.factoryReset', { confirm: 'not the serial number' }],
      ['webui.login', { user: 'admin', password: `${PLAN.provisioning.initialPassword}-wrong`, source: PLAN.practiceLan.pvs }], ['webui.changePassword', {}],
    ];
    const registered = filesUnder(src).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/actions\.register\('([\w.]+)'/g)].map((m) => m[1]));
    expect(calls.map(([name]) => name).sort()).toEqual([...new Set(registered)].sort());
    replies.push({ call: 'status', text: JSON.stringify(await client.status()) });
    for (const [name, args] of calls) {
      const text = await client.action(name, args).then((result) => JSON.stringify(result), (error: Error) => JSON.stringify({ error: error.message, ...error }));
      replies.push({ call: name, text });
    }
    // A backup of this box restored: the same settings and devices, so nothing changes, but the
    // passphrase goes through every step of a restore.
    const made = (await client.action('backup.create', { passphrase: BACKUP_PASSPHRASE })) as { file: string };
    replies.push({ call: 'backup.restore (a backup of this box)', text: JSON.stringify(await client.action('backup.restore', { file: made.file, passphrase: BACKUP_PASSPHRASE })) });
    await waitFor(async () => expect((await client.status()).tunnel.state).toBe('up'), 15_000);
    const { logs, dirs } = lab.boxWrittenPaths();
    // The saved tunnel is written a moment after the tunnel is up: scan once it is there.
    await waitFor(() => expect(dirs.flatMap(filesUnder).some((file) => /\/tunnel-resume\/private\/box\.pem$/.test(file))).toBe(true), 10_000);

    const found: string[] = [];
    for (const { call, text } of replies) {
      for (const what of secretsIn(Buffer.from(text), wrongNeedles)) found.push(`${call} reply: ${what}`);
    }
    const keyFiles: string[] = [];
    for (const file of [...logs, ...dirs.flatMap(filesUnder)]) {
      const where = file.startsWith(lab.dir) ? relative(lab.dir, file) : file;
      const secrets = secretsIn(readFileSync(file), wrongNeedles);
      const onlyKey = secrets.length > 0 && secrets.every((what) => what.startsWith('the private key'));
      if (onlyKey && /\/profile\/(current|v-[^/]+)\/key\.pem$|\/tunnel-resume\/private\/box\.pem$/.test(file)) {
        keyFiles.push(where);
        expect(statSync(file).mode & 0o777, `${where} mode`).toBe(0o600);
      } else {
        for (const what of secrets) found.push(`${where}: ${what}`);
      }
    }
    expect(found).toEqual([]);
    // The key was found where it belongs: the search can find it.
    expect(keyFiles.some((f) => f.endsWith('key.pem'))).toBe(true);
    expect(keyFiles.some((f) => f.endsWith('box.pem'))).toBe(true);
  });

  it("keeps a version 2 profile's management key in its own 0600 file alone", async () => {
    await lab.importProfile({ variant: 'v2' });
    const client = new ControlClient<AgentStatus>(socketPath);
    await waitFor(async () => expect(await client.action('update.status', {})).toMatchObject({ configured: true }), 15_000);
    const managementKey = readFileSync(join(lab.dir, 'pki', 'box-management.key'), 'utf8');
    const all = needles({ password: 'no password here', keyPem: managementKey })
      .filter((n) => n.what.startsWith('the private key'))
      .map((n) => ({ ...n, what: n.what.replace('the private key', 'the management key') }));
    const texts = [JSON.stringify(await client.status()), JSON.stringify(await client.action('update.status', {})), JSON.stringify(await client.action('profile.show', {}))];
    const found = texts.flatMap((text) => secretsIn(Buffer.from(text), all).map((what) => `reply: ${what}`));
    const { logs, dirs } = lab.boxWrittenPaths();
    const keyFiles: string[] = [];
    for (const file of [...logs, ...dirs.flatMap(filesUnder)]) {
      const secrets = secretsIn(readFileSync(file), all);
      if (secrets.length > 0 && /\/profile\/(current|v-[^/]+)\/management-key\.pem$/.test(file)) {
        keyFiles.push(file);
        expect(statSync(file).mode & 0o777, `${file} mode`).toBe(0o600);
      } else {
        for (const what of secrets) found.push(`${relative(lab.dir, file)}: ${what}`);
      }
    }
    expect(found).toEqual([]);
    expect(keyFiles.length).toBeGreaterThan(0);
  });
});
