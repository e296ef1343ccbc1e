// The web UI in real headless Chromium on the practice LAN as an installer sets a new box up with
// it, against the agent and the web UI in the lab's box namespace: the signed VPN profile imported
// by upload, after which the tunnel comes up and the overview shows it; the PVS host registered
// with markup in its name, which every page shows as text; and the overview while the lab pulls
// the box's WAN cable, its internet link turning red and green again by the live stream alone,
// with no reload of the page.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/webui/i18n/index.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { complaintsOf, launchOnPracticeLan, newVisitor } from './browser.ts';
import { DevicesPageView, login, OverviewPageView, ProfilePageView } from './pages.ts';

const m = messagesFor('de');
const NEW_PASSWORD = 'Der Kaktus am Empfang blüht 2026 wieder!';
/** A name a careless or hostile hand might type: markup that must stay text on every page. */
const HOSTILE_NAME = 'PVS <script>alert(1)</script><img src=x onerror=alert(2)>';

describe('setting a box up in the web UI, in headless Chromium', () => {
  let lab: Lab;
  let browser: Browser;
  let visitor: BrowserContext;
  let page: Page;
  let url: string;
  /** What went wrong in the browser (complaintsOf). */
  let complaints: string[];
  /** Dialogs a page opened: a script of an injected name would open one. */
  const dialogs: string[] = [];

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    await lab.startAgent();
    ({ url } = await lab.startWebui());
    browser = await launchOnPracticeLan(lab);
    visitor = await newVisitor(browser);
    page = await visitor.newPage();
    complaints = complaintsOf(page);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss().catch(() => undefined);
    });
    await login(page, url, PLAN.provisioning.initialPassword, NEW_PASSWORD);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.destroy();
  });

  it('imports the signed profile by upload; the tunnel comes up and the overview shows it', async () => {
    const overview = new OverviewPageView(page, url);
    // The browser takes the icon every page links (a 404 of any icon would be a complaint).
    const icon = page.waitForResponse((response) => new URL(response.url()).pathname === '/assets/icon.svg');
    await overview.open();
    expect([(await icon).status(), (await icon).headers()['content-type']]).toEqual([200, 'image/svg+xml; charset=utf-8']);
    // A new box: no profile, so the fault is at the box.
    expect(await overview.link('box').locator('.reason').innerText()).toBe(m.status.reasons.noProfile);
    expect(await overview.tunnelState().innerText()).toMatch(new RegExp(`^${m.tunnelStates['no-profile']} \\(`));

    const profilePage = new ProfilePageView(page, url);
    await profilePage.open();
    const file = lab.profiles?.pem ?? '';
    await profilePage.importProfile({ name: basename(file), content: readFileSync(file) });
    expect(new URL(page.url()).pathname).toBe('/profile');
    expect(await profilePage.imported().isVisible()).toBe(true);

    await overview.open();
    await expect.poll(() => overview.tunnelState().innerText(), { timeout: 30_000, interval: 250 }).toMatch(new RegExp(`^${m.tunnelStates.up} \\(`));
    expect(await overview.link('datacenter').getAttribute('class')).toBe('link ok');
    expect(await overview.link('datacenter').locator('.reason').innerText()).toBe(m.status.reasons.datacenterOk);
    expect(await overview.link('box').getAttribute('class')).toBe('link ok');
    expect(await page.locator('#live [data-field="gateway"]').innerText()).not.toBe(m.overview.noGateway);
    expect(complaints).toEqual([]);
  }, 90_000);

  it('registers the PVS host with markup in its name, which the device list, its page and the overview show as text', async () => {
    const mac = (JSON.parse((await lab.exec(lab.names.pvs, 'ip', ['-j', 'link', 'show', 'eth0'])).stdout) as { address: string }[])[0]?.address ?? '';
    const devices = new DevicesPageView(page, url);
    await devices.open();
    expect(await devices.registeredNames()).toEqual([]);
    await devices.register({ kind: 'pvs', name: HOSTILE_NAME, address: PLAN.tiSegment.pvs, mac, cetpPorts: String(PLAN.pvsCetpPort) });
    expect(new URL(page.url()).pathname).toMatch(/^\/devices\/\d+$/);
    expect(await devices.registered(HOSTILE_NAME).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(HOSTILE_NAME);

    await devices.open();
    expect(await devices.registeredNames()).toEqual([HOSTILE_NAME]);
    const overview = new OverviewPageView(page, url);
    await overview.open();
    await expect.poll(() => overview.device(HOSTILE_NAME).count(), { timeout: 10_000, interval: 250 }).toBe(1);
    // Shown as text everywhere: no element, no script and no dialog came of it.
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(complaints).toEqual([]);
  }, 60_000);

  it('turns the internet link red while the WAN cable is out and green again once it is back, live, without a reload', async () => {
    const overview = new OverviewPageView(page, url);
    await overview.open();
    await expect.poll(() => overview.verdict().innerText(), { timeout: 30_000, interval: 250 }).toBe(m.status.verdict.allOk);
    // Whatever changes from here on comes by the live stream into this very document.
    const loads: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) loads.push(frame.url());
    });
    await page.evaluate(() => document.documentElement.setAttribute('data-test-document', 'before-the-cut'));

    await lab.cutWan('carrier', true);
    try {
      // The WAN's warning is raised once the missing link has held a few seconds.
      await expect.poll(() => overview.link('internet').getAttribute('class'), { timeout: 40_000, interval: 250 }).toBe('link down');
      expect(await overview.link('internet').locator('.state').innerText()).toBe(m.status.states.down);
      expect(await overview.link('internet').locator('.reason').innerText()).toBe(m.status.reasons.wanDown);
      expect(await overview.verdict().innerText()).toBe(m.status.verdict.internet);
    } finally {
      await lab.cutWan('carrier', false);
    }
    await expect.poll(() => overview.link('internet').getAttribute('class'), { timeout: 60_000, interval: 250 }).toBe('link ok');
    await expect.poll(() => overview.verdict().innerText(), { timeout: 60_000, interval: 250 }).toBe(m.status.verdict.allOk);
    expect(loads).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-test-document'))).toBe('before-the-cut');
    expect(complaints).toEqual([]);
  }, 180_000);
});
