// The web UI in real headless Chromium on the practice LAN, against the agent and the web UI in
// the lab's box namespace, as an installer meets it: the public status page, the first login with
// the forced change of the label's password (a dictionary word refused with the strength meter
// shown), the landing page after it, logout, and a login with the new password.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/webui/i18n/index.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { complaintsOf, launchOnPracticeLan, newVisitor } from './browser.ts';
import { login, LoginPageView, PasswordPageView, StatusPageView } from './pages.ts';

const m = messagesFor('de');
const NEW_PASSWORD = 'Am Empfang blüht 2026 der Kaktus!';

describe('web UI in headless Chromium', () => {
  let lab: Lab;
  let browser: Browser;
  let visitor: BrowserContext;
  let page: Page;
  let url: string;
  let fingerprint256: string;
  /** What went wrong in the browser (complaintsOf). */
  let complaints: string[];

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    await lab.startAgent();
    ({ url, fingerprint256 } = await lab.startWebui());
    browser = await launchOnPracticeLan(lab);
    visitor = await newVisitor(browser);
    page = await visitor.newPage();
    complaints = complaintsOf(page);
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.destroy();
  });

  it('shows the public status page with its four links, styled, without a complaint of the browser', async () => {
    const status = new StatusPageView(page, url);
    const stylesheet = page.waitForResponse((response) => response.url().endsWith('/assets/style.css'));
    await status.open();
    expect((await stylesheet).status()).toBe(200);
    await expect.poll(() => status.heading().innerText()).toBe(m.status.title);
    expect(await status.links().evaluateAll((items) => items.map((item) => item.getAttribute('data-link')))).toEqual(['box', 'internet', 'datacenter', 'ti']);
    for (const name of ['box', 'internet', 'datacenter', 'ti'] as const) {
      expect(await status.link(name).locator('.name').innerText()).toBe(m.status.links[name]);
    }
    // A new box without a profile: the fault is at the box, which has no VPN profile yet.
    expect(await status.link('box').locator('.state').innerText()).toBe(m.status.states.down);
    expect(await status.link('box').locator('.reason').innerText()).toBe(m.status.reasons.noProfile);
    expect(await status.verdict().innerText()).toBe(m.status.verdict.box);
    // The stylesheet applies (CSP allows our own), the fingerprint is the device certificate's.
    expect(await page.locator('ol.chain').evaluate((list) => getComputedStyle(list).listStyleType)).toBe('none');
    expect(await status.fingerprint()).toBe(fingerprint256);
    expect(await status.loggedInAs().count()).toBe(0);
    expect(complaints).toEqual([]);
  });

  it('logs in with the label password only to replace it: a dictionary word is refused with the strength meter, a sentence is taken, then the landing page', async () => {
    const loginPage = new LoginPageView(page, url);
    await loginPage.open();
    await loginPage.submit('not the password');
    expect(await loginPage.error().innerText()).toBe(m.login.failed);
    await loginPage.submit(PLAN.provisioning.initialPassword);
    expect(new URL(page.url()).pathname).toBe('/password');
    const change = new PasswordPageView(page, url);
    await expect.poll(() => change.forcedNotice().isVisible()).toBe(true);
    // Every other page sends the user back here until the password is changed.
    await new StatusPageView(page, url).open();
    expect(new URL(page.url()).pathname).toBe('/password');

    await change.change(PLAN.provisioning.initialPassword, 'Sonnenblume1');
    expect(await change.refusal().innerText()).toBe(m.password.tooGuessable);
    expect(await change.meter().isVisible()).toBe(true);
    const score = Number(await change.meter().getAttribute('value'));
    expect(score).toBeLessThan(4);
    expect(await change.meter().getAttribute('aria-label')).toBe(m.password.strength(score));

    await change.change(PLAN.provisioning.initialPassword, NEW_PASSWORD);
    expect(await change.changed().isVisible()).toBe(true);
    expect(await change.refusal().count()).toBe(0);

    const landing = new StatusPageView(page, url);
    await landing.open();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await landing.loggedInAs().isVisible()).toBe(true);
    expect(await landing.links().count()).toBe(4);
  });

  it('logs out: the session ends on the server, pages behind the login send to the login page', async () => {
    const landing = new StatusPageView(page, url);
    await landing.logout();
    expect(await landing.loggedInAs().count()).toBe(0);
    await new PasswordPageView(page, url).open();
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('logs in with the new password straight to the landing page, which tells of the failure before it; the label password no longer works', async () => {
    const loginPage = new LoginPageView(page, url);
    await loginPage.open();
    await loginPage.submit(PLAN.provisioning.initialPassword);
    expect(await loginPage.error().innerText()).toBe(m.login.failed);
    const landing = await login(page, url, NEW_PASSWORD);
    // The lab's box has no profile yet: it is not set up, and the login lands in the setup wizard.
    expect(await landing.heading().innerText()).toBe(m.wizard.title);
    // "Since your last login (<time>) there was 1 failed attempt", the time as the page formats it.
    const [before = '', after = ''] = m.login.since(1, '\u0000').split('\u0000');
    const news = await page.getByRole('status').filter({ hasText: before }).innerText();
    expect(news.startsWith(before) && news.endsWith(after)).toBe(true);
    await landing.logout();
    expect(complaints).toEqual([]);
  });
});
