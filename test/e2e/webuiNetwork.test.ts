// The network page in real headless Chromium on the practice LAN, against the agent and the web
// UI in the lab's box namespace: a WAN change to a gateway that does not answer, left unconfirmed,
// counts down in the browser and is rolled back by the box at its short deadline; the right static
// WAN, confirmed with the button, stays.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { messagesFor } from '../../src/webui/i18n/index.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { complaintsOf, launchOnPracticeLan, newVisitor } from './browser.ts';
import { login } from './pages.ts';

const m = messagesFor('de');
const NEW_PASSWORD = 'Am Empfang blüht 2026 der Kaktus!';
type Wan = { mode: string; address: string; gateway: string; resolvers: string[] };

describe('the network page in headless Chromium', () => {
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
    ({ url } = await lab.startWebui());
    browser = await launchOnPracticeLan(lab);
    page = await (await newVisitor(browser)).newPage();
    complaints = complaintsOf(page);
    await login(page, url, PLAN.provisioning.initialPassword, NEW_PASSWORD);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.destroy();
  });

  const wan = async () => ((await agent.action('config.get')) as { config: { wan: Wan } }).config.wan;
  /** Fills the WAN part of the form in as a person would, with the time to confirm, and applies it. */
  async function applyStatic(gateway: string, timeoutS: number): Promise<void> {
    await page.goto(new URL('/network', url).toString());
    await page.getByLabel(m.network.static, { exact: true }).check();
    await page.getByLabel(m.network.address, { exact: true }).fill(`${PLAN.boxWan.box}/24`);
    await page.getByLabel(m.network.gateway, { exact: true }).fill(gateway);
    await page.getByLabel(m.network.resolvers, { exact: true }).fill(PLAN.boxWan.router);
    await page.getByLabel(m.network.timeout, { exact: true }).fill(String(timeoutS));
    await page.getByRole('button', { name: m.network.submit }).click();
    await page.getByRole('heading', { name: m.network.pendingTitle }).waitFor();
  }

  it('counts an unconfirmed change down in the browser, and the box returns to DHCP by itself at the deadline', async () => {
    const before = await wan();
    expect(before.mode).toBe('dhcp');
    await applyStatic('192.168.178.99', 8);
    expect((await wan()).gateway).toBe('192.168.178.99');
    const countdown = page.locator('[data-countdown]');
    const first = await countdown.innerText();
    await expect.poll(() => countdown.innerText(), { timeout: 4_000 }).not.toBe(first);
    expect(await countdown.innerText()).toMatch(/^Noch \d Sekunden$/);
    await expect.poll(() => countdown.innerText(), { timeout: 15_000 }).toBe(m.network.expired);
    await expect.poll(wan, { timeout: 15_000 }).toEqual(before);
    await page.reload();
    expect(await page.getByRole('heading', { name: m.network.pendingTitle }).count()).toBe(0);
    expect(await page.getByLabel(m.network.dhcp, { exact: true }).isChecked()).toBe(true);
  }, 60_000);

  it('keeps a change confirmed with the button', async () => {
    await applyStatic(PLAN.boxWan.router, 30);
    await page.getByRole('button', { name: m.network.confirm }).click();
    await page.getByText(m.network.confirmed).waitFor();
    expect(await agent.action('config.pending')).toBeNull();
    expect(await wan()).toEqual({ mode: 'static', address: `${PLAN.boxWan.box}/24`, gateway: PLAN.boxWan.router, resolvers: [PLAN.boxWan.router] });
    expect(complaints).toEqual([]);
  }, 60_000);
});
