// A settings backup in real headless Chromium on the practice LAN, against the agent and the web UI
// in the lab's box namespace: made on the System page and downloaded, the box reset to its factory
// state there with its serial number typed, logged in again with the label's password, and the
// backup uploaded, checked and restored; the practice's data, the static WAN (confirmed on the
// network page as any network change) and the registered devices are what they were.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { messagesFor } from '../../src/webui/i18n/index.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { complaintsOf, launchOnPracticeLan, newVisitor } from './browser.ts';
import { login, SystemPageView } from './pages.ts';

const m = messagesFor('de');
const NEW_PASSWORD = 'Im Wartezimmer steht 2026 ein Kaktus!';
const AFTER_RESET_PASSWORD = 'Der Kaktus im Wartezimmer blüht 2027!';
const PASSPHRASE = 'Die Sicherung liegt im Tresor der Praxis';

interface BoxState {
  practice: unknown;
  wan: unknown;
  devices: { kind: string; name: string; address: string; mac: string; cetpPorts: number[] }[];
}

describe('backup, factory reset and restore in headless Chromium', () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let url: string;
  let agent: ControlClient<AgentStatus>;
  let complaints: string[];

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    const { socketPath } = await lab.startAgent();
    agent = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 10_000 });
    // The profile, and with it the practice's PVS host and terminal registered.
    await lab.importProfile();
    await agent.action('config.commit', { change: { practice: { name: 'Praxis Dr. Muster' }, wan: { mode: 'static', address: `${PLAN.boxWan.box}/24`, gateway: PLAN.boxWan.router, resolvers: [PLAN.boxWan.router] } } });
    await agent.action('config.confirm', {});
    ({ url } = await lab.startWebui());
    browser = await launchOnPracticeLan(lab);
    page = await (await newVisitor(browser)).newPage();
    complaints = complaintsOf(page);
    await login(page, url, PLAN.provisioning.initialPassword, NEW_PASSWORD);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.destroy();
  });

  const state = async (): Promise<BoxState> => {
    const { config } = (await agent.action('config.get')) as { config: { practice: unknown; wan: unknown } };
    const devices = (await agent.action('devices.list')) as BoxState['devices'];
    return { practice: config.practice, wan: config.wan, devices: devices.map(({ kind, name, address, mac, cetpPorts }) => ({ kind, name, address, mac, cetpPorts })) };
  };

  it('gives back the practice data, the WAN setting and the devices after a factory reset', async () => {
    const before = await state();
    expect(before.devices.length).toBeGreaterThan(0);
    const system = new SystemPageView(page, url);
    const file = join(lab.dir, 'praxis.tibox');
    await system.open();
    await system.backup(PASSPHRASE, file);

    await system.factoryReset(PLAN.provisioning.serial);
    expect(new URL(page.url()).pathname).toBe('/login');
    const reset = await state();
    expect(reset.devices).toEqual([]);
    expect(reset.wan).toMatchObject({ mode: 'dhcp' });
    expect(reset.practice).not.toEqual(before.practice);
    expect(await agent.action('profile.show')).toBeNull();

    // The label's password again, replaced at once as on a new box.
    await login(page, url, PLAN.provisioning.initialPassword, AFTER_RESET_PASSWORD);
    await system.open();
    await system.check(file, PASSPHRASE);
    await system.preview().waitFor();
    expect(await system.preview().innerText()).toContain('practice.name');
    await system.restore();
    await system.note(m.system.restoredPending).waitFor();
    // The WAN came back as a pending network change: confirmed where any network change is.
    await page.goto(new URL('/network', url).toString());
    await page.getByRole('button', { name: m.network.confirm }).click();
    await page.getByText(m.network.confirmed).waitFor();
    expect(await agent.action('config.pending')).toBeNull();
    expect(await state()).toEqual(before);
    // The backup's post is answered with a file: Chromium ends that navigation as a download, which it reports as aborted.
    expect(complaints.filter((c) => c !== `net::ERR_ABORTED ${new URL('/system/backup', url).toString()}`)).toEqual([]);
  }, 120_000);
});
