// The setup wizard in real headless Chromium on the practice LAN, as an installer meets a new box:
// the label's password replaced, the way on into the wizard, the profile uploaded, the TI
// addresses checked, the PVS host the box sees registered with one click, the practice data saved;
// then the PVS host reaches the connector and the box counts as set up.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { messagesFor } from '../../src/webui/i18n/index.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { waitFor } from '../integration/waitFor.ts';
import { complaintsOf, launchOnPracticeLan, newVisitor } from './browser.ts';
import { PasswordPageView } from './pages.ts';
import { WizardPageView } from './wizardPage.ts';

const m = messagesFor('de');
const w = m.wizard;
const NEW_PASSWORD = 'Im Wartezimmer stehen 2026 neue Stühle!';

describe('the setup wizard in headless Chromium', () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let url: string;
  let agent: ControlClient<AgentStatus>;
  let complaints: string[];

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    const { socketPath } = await lab.startAgent();
    agent = new ControlClient<AgentStatus>(socketPath);
    ({ url } = await lab.startWebui());
    browser = await launchOnPracticeLan(lab);
    page = await (await newVisitor(browser)).newPage();
    complaints = complaintsOf(page);
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.destroy();
  });

  it('leads from the label password through every step to a working tunnel and a registered PVS host that reaches the connector', async () => {
    await page.goto(new URL('/login', url).toString());
    await page.getByLabel(m.login.user, { exact: true }).fill('admin');
    await page.getByLabel(m.login.password, { exact: true }).fill(PLAN.provisioning.initialPassword);
    await page.locator('main').getByRole('button', { name: m.login.submit }).click();
    await page.waitForURL(/\/password$/);
    await new PasswordPageView(page, url).change(PLAN.provisioning.initialPassword, NEW_PASSWORD);
    await page.getByRole('link', { name: w.password.continue }).click();

    // A new box whose WAN works by DHCP stands at the profile.
    const wizard = new WizardPageView(page, url);
    await page.waitForURL(/\/wizard\/profile$/);
    expect(await wizard.current()).toBe(w.steps.profile);
    expect(await wizard.completed()).toEqual([w.steps.password, w.steps.wan]);

    await wizard.importProfile(lab.profiles?.pem ?? '');
    await page.waitForURL(/\/wizard\/segment$/);
    expect(await page.getByText(w.segment.clean).isVisible()).toBe(true);
    await waitFor(async () => expect((await agent.status()).tunnel.state).toBe('up'), 30_000);

    // The PVS host, with its TI address set up, is seen by the box and offered under it.
    const pvsMac = (JSON.parse((await lab.netns.ip(lab.names.pvs, '-j', 'link', 'show', 'eth0')).stdout) as { address: string }[])[0]?.address ?? '';
    await lab.exec(lab.names.pvs, 'ping', ['-c', '1', '-W', '1', '-I', PLAN.tiSegment.pvs, PLAN.tiSegment.lanGateway]).catch(() => undefined);
    await waitFor(async () => {
      await wizard.open('devices');
      expect(await wizard.offer(pvsMac).locator('td').nth(2).innerText()).toBe(PLAN.tiSegment.pvs);
    }, 15_000);
    await wizard.register(pvsMac, String(PLAN.pvsCetpPort));
    await wizard.note(w.devices.registeredOk(`PVS ${PLAN.practiceLan.pvs}`)).waitFor();
    expect(await page.locator('pre.command').first().innerText()).toContain(PLAN.tiSegment.pvs);
    await waitFor(async () => {
      const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '2', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 5_000);
      expect(stdout).toContain('<ConnectorServices');
    }, 15_000);

    await wizard.open('practice');
    await wizard.savePractice({ name: 'Praxis Dr. Muster', postalCode: '10115', city: 'Berlin', installerName: 'Erika Beispiel' });
    await page.waitForURL(/\/wizard\/done$/);
    expect(await page.getByText(w.done.complete).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: m.check.start }).isVisible()).toBe(true);
    await page.getByRole('link', { name: w.done.toOverview }).click();
    await page.waitForURL(/\/overview$/);
    expect(await wizard.setupNote().count()).toBe(0);
    expect(complaints).toEqual([]);
  }, 240_000);
});
