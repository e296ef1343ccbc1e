// The public status page's answer to "is it us, the internet, the datacenter or the TI?", from
// the agent's status alone.
import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../../src/agent/status.ts';
import { chainOf, verdictOf, type AgentView } from '../../../src/webui/index.ts';
import { SAMPLE_STATUS } from '../control/helpers.ts';
import { renderPage } from '../../../src/webui/pages/html.ts';
import { StatusPage } from '../../../src/webui/pages/statusPage.ts';

const SINCE = '2025-05-02T08:00:00.000Z';
const view = (state: AgentView['tunnel']['state'], health: AgentView['health'] = []): AgentView => ({ tunnel: { state, since: SINCE }, health, lanAddresses: [] });
const states = (status: AgentView | undefined) => chainOf(status).map((l) => `${l.name} ${l.state} ${l.reason}`);

describe('chainOf', () => {
  it('reads the agent status as it is', () => {
    // Compile-time: the agent's status fits what the web UI reads.
    const status: AgentView = SAMPLE_STATUS satisfies AgentStatus;
    expect(chainOf(status).map((l) => l.state)).toEqual(['ok', 'ok', 'ok', 'unknown']);
  });

  it.each([
    ['up', [], ['box ok boxOk', 'internet ok internetOk', 'datacenter ok datacenterOk', 'ti unknown tiNotChecked'], 'allOk'],
    ['wan-down', [], ['box ok boxOk', 'internet down wanDown', 'datacenter unknown dependsOnInternet', 'ti unknown dependsOnDatacenter'], 'internet'],
    ['backoff', [{ code: 'wan.down', since: SINCE }], ['box ok boxOk', 'internet down wanDown', 'datacenter unknown dependsOnInternet', 'ti unknown dependsOnDatacenter'], 'internet'],
    ['up', [{ code: 'wan.noLink', since: SINCE }], ['box ok boxOk', 'internet down wanDown', 'datacenter unknown dependsOnInternet', 'ti unknown dependsOnDatacenter'], 'internet'],
    ['up', [{ code: 'wan.noDefaultRoute', since: SINCE }], ['box ok boxOk', 'internet down wanDown', 'datacenter unknown dependsOnInternet', 'ti unknown dependsOnDatacenter'], 'internet'],
    ['up', [{ code: 'wan.noDns', since: SINCE }], ['box ok boxOk', 'internet ok internetOk', 'datacenter ok datacenterOk', 'ti unknown tiNotChecked'], 'allOk'],
    ['backoff', [], ['box ok boxOk', 'internet ok internetOk', 'datacenter down tunnelNotUp', 'ti unknown dependsOnDatacenter'], 'datacenter'],
    ['connecting', [], ['box ok boxOk', 'internet ok internetOk', 'datacenter down tunnelNotUp', 'ti unknown dependsOnDatacenter'], 'datacenter'],
    ['no-profile', [], ['box down noProfile', 'internet ok internetOk', 'datacenter unknown dependsOnInternet', 'ti unknown dependsOnDatacenter'], 'box'],
    ['disabled', [], ['box down tunnelDisabled', 'internet ok internetOk', 'datacenter unknown dependsOnInternet', 'ti unknown dependsOnDatacenter'], 'box'],
    ['charon-down', [], ['box down ipsecDown', 'internet ok internetOk', 'datacenter unknown dependsOnInternet', 'ti unknown dependsOnDatacenter'], 'box'],
  ] as const)('tunnel %s with warnings %j', (state, health, expected, verdict) => {
    const status = view(state, health);
    expect(states(status)).toEqual(expected);
    expect(verdictOf(chainOf(status))).toBe(verdict);
  });

  it('puts the fault at the internet while the WAN is up but no gateway answered the last attempt, and only then', () => {
    const failed = (state: AgentView['tunnel']['state'], reason: string): AgentView => ({ ...view(state), tunnel: { state, since: SINCE, lastError: { reason, at: '2025-05-02T08:01:00.000Z' } } });
    expect(states(failed('backoff', 'gateway unreachable'))).toEqual(['box ok boxOk', 'internet down gatewaysSilent', 'datacenter unknown dependsOnInternet', 'ti unknown dependsOnDatacenter']);
    expect(chainOf(failed('connecting', 'gateway unreachable'))[1]?.since).toBe('2025-05-02T08:01:00.000Z');
    expect(states(failed('backoff', 'authentication failed'))[2]).toBe('datacenter down tunnelNotUp');
    // A failure before the tunnel came up is history.
    expect(states(failed('up', 'gateway unreachable'))[1]).toBe('internet ok internetOk');
  });

  it('puts the fault at the box when the agent does not answer', () => {
    expect(states(undefined)).toEqual(['box down agentDown', 'internet unknown dependsOnInternet', 'datacenter unknown dependsOnInternet', 'ti unknown dependsOnDatacenter']);
    expect(verdictOf(chainOf(undefined))).toBe('box');
  });

  it('says since when a link is down or up, and nothing but states, reasons and times', () => {
    const chain = chainOf({ ...view('wan-down'), lanAddresses: ['192.168.1.2'] });
    expect(chain.find((l) => l.name === 'internet')?.since).toBe(SINCE);
    for (const link of chain) expect(Object.keys(link).sort()).toEqual(expect.arrayContaining(['name', 'reason', 'state']));
    expect(JSON.stringify(chain)).not.toContain('192.168');
  });
});

describe('the status page after a login', () => {
  it('says how many logins failed since the previous one, in the page language', () => {
    const chain = chainOf(SAMPLE_STATUS);
    const at = '2025-05-02T10:00:00.000Z';
    const de = renderPage(StatusPage({ language: 'de', fingerprint: 'AB', chain, at, news: { failedSince: 3, previousLogin: null } }));
    expect(de).toContain('Vor dieser ersten Anmeldung gab es 3 fehlgeschlagene Anmeldeversuche.');
    const en = renderPage(StatusPage({ language: 'en', fingerprint: 'AB', chain, at, news: { failedSince: 1, previousLogin: at } }));
    expect(en).toMatch(/Since your last login \(.+\) there was 1 failed login attempt\./);
  });
});
