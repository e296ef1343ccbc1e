// The tunnel resume before the agent loads: its saved state (format and file) and the few VICI
// steps it takes against a fake charon.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planCharon } from '../../../../src/ipsec/tunnel/charonPlan.ts';
import { resumeTunnel } from '../../../../src/ipsec/tunnel/resume.ts';
import { ResumeFile } from '../../../../src/ipsec/tunnel/resumeFile.ts';
import { parseResumeState, renderResumeState, resumePath, type ResumeState } from '../../../../src/ipsec/tunnel/resumeState.ts';
import { AUTH_FAILED, FakeCharon } from './fakeCharon.ts';
import { GW0, GW1, LOCAL_TI, PROFILE } from './profile.ts';

const plan = planCharon(PROFILE);
/** Saved while gw1 carried the traffic. */
const STATE: ResumeState = {
  plan: { ...plan, connections: plan.connections.filter((c) => c.name === 'tibox-gw1') },
  gatewayIds: PROFILE.gatewayIds,
  routes: { prefixes: PROFILE.tiPrefixes, path: { kind: 'libipsec', dev: 'ipsec0', src: LOCAL_TI } },
};

describe('resume state', () => {
  it('round-trips', () => {
    expect(parseResumeState(renderResumeState(STATE))).toEqual(STATE);
  });

  it.each([
    ['not JSON', 'nope'],
    ['another format', JSON.stringify({ ...STATE, format: 2 })],
    ['no key', JSON.stringify({ format: 1, ...STATE, plan: { ...STATE.plan, key: {} } })],
    ['two connections', JSON.stringify({ format: 1, ...STATE, plan })],
    ['no gateway identity', JSON.stringify({ format: 1, ...STATE, gatewayIds: [] })],
    ['routes without a path', JSON.stringify({ format: 1, ...STATE, routes: { prefixes: [] } })],
  ])('refuses %s', (_, text) => {
    expect(() => parseResumeState(text)).toThrow();
  });
});

describe('ResumeFile', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('writes the state readable by root alone, into a state directory it creates, and removes it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-resume-'));
    const stateDir = join(dir, 'state');
    const file = new ResumeFile(stateDir);
    await file.save(STATE);
    expect(statSync(resumePath(stateDir)).mode & 0o777).toBe(0o600);
    expect(parseResumeState(readFileSync(resumePath(stateDir), 'utf8'))).toEqual(STATE);
    await file.clear();
    await file.clear();
    expect(() => statSync(resumePath(stateDir))).toThrow(/ENOENT/);
  });

  it('replaces the file whole', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-resume-'));
    writeFileSync(join(dir, 'tunnel-resume.json'), 'garbage');
    await new ResumeFile(dir).save(STATE);
    expect(parseResumeState(readFileSync(resumePath(dir), 'utf8'))).toEqual(STATE);
  });
});

describe('resumeTunnel', () => {
  it('into a fresh charon: loads the credentials and the one connection, initiates it', async () => {
    const charon = new FakeCharon();
    expect(await resumeTunnel(charon, STATE, 1_500)).toEqual({ result: 'resumed', gateway: GW1 });
    expect(charon.transcript).toEqual(['clear-creds', 'load-key any', 'load-cert X509 NONE', 'load-cert X509 CA', 'load-cert X509 CA', 'get-conns', 'load-conn tibox-gw1', 'initiate tibox-gw1']);
  });

  it('leaves a tunnel that is up alone (an agent restart)', async () => {
    const charon = new FakeCharon();
    charon.addSa('tibox-gw0', GW0);
    expect(await resumeTunnel(charon, STATE, 1_500)).toEqual({ result: 'already-up', gateway: GW0 });
    expect(charon.transcript).toEqual([]);
  });

  it('says so when the gateway refuses', async () => {
    const charon = new FakeCharon();
    charon.outcomes.set(GW1, AUTH_FAILED);
    expect(await resumeTunnel(charon, STATE, 1_500)).toEqual({ result: 'failed', reason: "vici: initiate failed: establishing CHILD_SA 'ti' failed" });
  });

  it('never counts an SA whose gateway authenticated with a foreign identity, up or new', async () => {
    const charon = new FakeCharon();
    charon.identities.set(GW0, 'mallory.example');
    charon.identities.set(GW1, 'mallory.example');
    charon.addSa('tibox-gw0', GW0);
    expect(await resumeTunnel(charon, STATE, 1_500)).toEqual({ result: 'failed', reason: 'no SA of a gateway the profile names' });
    expect(charon.calls('initiate')).toEqual(['initiate tibox-gw1']);
  });
});
