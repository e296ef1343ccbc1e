// Every page of the web UI in German and English, checked with axe-core in real headless Chromium
// on the practice LAN, on a box as an installer leaves it: the profile imported and the tunnel up,
// the PVS host and the card terminal registered, the practice data saved; the network page also
// with a change refused and with one awaiting confirmation. A serious or critical violation fails
// the test with its rule, its element and the page. With TIBOX_SCREENSHOTS=1 the run also renews
// the README's pictures (docs/screenshots/) of the overview, a wizard step and the devices; a
// plain run writes nothing into the tree.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { LANGUAGES, messagesFor, type Language } from '../../src/webui/i18n/index.ts';
import { WIZARD_STEPS } from '../../src/webui/wizard/steps.ts';
import { waitFor } from '../integration/waitFor.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { seriousViolations } from './accessibility.ts';
import { complaintsOf, launchOnPracticeLan } from './browser.ts';
import { LoginPageView, OverviewPageView, PasswordPageView } from './pages.ts';

const NEW_PASSWORD = 'Im Flur hängt seit 2026 ein neues Bild!';
const SCREENSHOTS = process.env.TIBOX_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : undefined;
/** The size of the README's pictures: a laptop's screen. */
const VIEWPORT = { width: 1280, height: 800 };

describe('accessibility of every page of the web UI, in headless Chromium', () => {
  let lab: Lab;
  let browser: Browser;
  let agent: ControlClient<AgentStatus>;
  let url: string;
  /** The label's password until the first run replaces it. */
  let password: string = PLAN.provisioning.initialPassword;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    const { socketPath } = await lab.startAgent();
    agent = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 10_000 });
    ({ url } = await lab.startWebui());
    // The box as the installer leaves it: profile, devices, practice data, the tunnel up.
    await lab.importProfile();
    await agent.action('config.commit', { change: { practice: { name: 'Praxis Dr. Muster', street: 'Invalidenstraße 1', postalCode: '10115', city: 'Berlin', installerName: 'Erika Beispiel' } } });
    await waitFor(async () => expect((await agent.status()).tunnel.state).toBe('up'), 30_000);
    browser = await launchOnPracticeLan(lab);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.destroy();
  });

  it.each(LANGUAGES)('finds no serious or critical violation on any page in %s', async (language: Language) => {
    const m = messagesFor(language);
    const page = await (await browser.newContext({ locale: language, viewport: VIEWPORT })).newPage();
    const complaints = complaintsOf(page);
    const found: string[] = [];
    const check = async (where: string) => {
      expect(await page.locator('html').getAttribute('lang'), where).toBe(language);
      found.push(...(await seriousViolations(page, `${language} ${where}`)));
    };
    const open = async (path: string) => {
      await page.goto(new URL(path, url).toString());
      await check(path);
    };

    // Before the login, in the language the visitor chose.
    const loginPage = new LoginPageView(page, url, language);
    await loginPage.open();
    if (language !== 'de') await loginPage.chooseLanguage(language);
    for (const path of ['/', '/login', '/no-such-page']) await open(path);
    await loginPage.open();
    await loginPage.submit(password);
    if (new URL(page.url()).pathname === '/password') {
      await check('/password (the label password to replace)');
      const change = new PasswordPageView(page, url, language);
      await change.change(password, NEW_PASSWORD);
      await change.changed().waitFor();
      password = NEW_PASSWORD;
    }

    // Behind the login: every page, the wizard's steps and a page that does not exist.
    const devices = (await agent.action('devices.list')) as { id: number }[];
    expect(devices.length).toBeGreaterThan(0);
    const paths = ['/overview', '/profile', '/devices', `/devices/${devices[0]?.id ?? 0}`, '/network', '/system', '/check', '/password', ...WIZARD_STEPS.map((step) => `/wizard/${step}`), '/no-such-page'];
    for (const path of paths) await open(path);
    // The network page with a change the box refused, then with one awaiting confirmation (the
    // wizard's WAN step shows it too), which is rolled back again.
    const n = m.network;
    const applyStatic = async (gateway: string) => {
      await page.getByLabel(n.static, { exact: true }).check();
      await page.getByLabel(n.address, { exact: true }).fill(`${PLAN.boxWan.box}/24`);
      await page.getByLabel(n.gateway, { exact: true }).fill(gateway);
      await page.getByLabel(n.resolvers, { exact: true }).fill(PLAN.boxWan.router);
      await page.getByLabel(n.timeout, { exact: true }).fill('300');
      await page.getByRole('button', { name: n.submit }).click();
      await page.waitForLoadState();
    };
    await page.goto(new URL('/network', url).toString());
    await applyStatic('10.9.9.9');
    await page.getByRole('list', { name: n.refusedFields }).waitFor();
    await check('/network (a change refused)');
    await applyStatic(PLAN.boxWan.router);
    await page.getByRole('heading', { name: n.pendingTitle }).waitFor();
    await check('/network (a change awaiting confirmation)');
    await open('/wizard/wan');
    expect(await page.locator('[data-field="pending"]').count()).toBe(1);
    await page.goto(new URL('/network', url).toString());
    await page.getByRole('button', { name: n.rollback }).click();
    await page.getByText(n.rolledBack).waitFor();

    // axe does look: a field without a label, put on a page, is found and named.
    await page.evaluate(() => document.querySelector('main')?.insertAdjacentHTML('beforeend', '<input id="unlabelled">'));
    expect(await seriousViolations(page, 'planted')).toContainEqual(expect.stringMatching(/^planted: label \(critical\) at #unlabelled: /));

    if (SCREENSHOTS && language === 'en') {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const overview = new OverviewPageView(page, url, language);
      await overview.open();
      await expect.poll(() => overview.tunnelState().innerText(), { timeout: 30_000 }).toMatch(new RegExp(`^${m.tunnelStates.up} \\(`));
      await page.screenshot({ path: join(SCREENSHOTS, 'overview.png') });
      await page.goto(new URL('/wizard/devices', url).toString());
      await page.screenshot({ path: join(SCREENSHOTS, 'wizard.png') });
      await page.goto(new URL('/devices', url).toString());
      await page.screenshot({ path: join(SCREENSHOTS, 'devices.png') });
    }
    expect(found).toEqual([]);
    expect(complaints).toEqual([]);
  }, 180_000);
});
