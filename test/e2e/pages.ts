// Page objects of the web UI for the end-to-end tests: each knows how to reach and read one page
// by what a person sees (labels, roles, texts of the message catalogue), so a test says what the
// user does and a change of markup is fixed here once. login() and logout() are the steps every
// test behind the login starts and ends with.
import type { Locator, Page } from 'playwright-core';
import { messagesFor, type Language, type LinkName, type Messages } from '../../src/webui/i18n/index.ts';

/** The web UI's one account. */
export const ADMIN = 'admin';

abstract class WebUiPage {
  readonly page: Page;
  /** The web UI's base URL, `https://<box>/`. */
  readonly base: string;
  protected readonly m: Messages;

  constructor(page: Page, base: string, language: Language = 'de') {
    this.page = page;
    this.base = base;
    this.m = messagesFor(language);
  }

  protected url(path: string): string {
    return new URL(path, this.base).toString();
  }

  /** The device certificate's fingerprint in the footer (folded away until opened, so its text, not what is shown). */
  async fingerprint(): Promise<string> {
    return ((await this.page.locator('footer code.fingerprint').textContent()) ?? '').trim();
  }

  /** The account menu's "logged in as" text, absent before login. */
  loggedInAs(): Locator {
    return this.page.locator('nav.account').getByText(this.m.nav.loggedInAs(ADMIN));
  }

  async logout(): Promise<void> {
    await this.page.locator('nav.account').getByRole('button', { name: this.m.nav.logout }).click();
    await this.page.waitForURL(this.url('/'));
  }
}

/** `/`: the chain of links (public), and the landing page after login. */
export class StatusPageView extends WebUiPage {
  async open(): Promise<void> {
    await this.page.goto(this.url('/'));
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1 });
  }

  /** The chain's links in the order shown, each by its name in the catalogue. */
  links(): Locator {
    return this.page.locator('ol.chain > li');
  }

  link(name: LinkName): Locator {
    return this.page.locator(`ol.chain > li[data-link="${name}"]`);
  }

  /** The line under the heading naming the link the fault is at. */
  verdict(): Locator {
    return this.page.locator('p.verdict');
  }
}

export class LoginPageView extends WebUiPage {
  async open(): Promise<void> {
    await this.page.goto(this.url('/login'));
  }

  async submit(password: string, user = ADMIN): Promise<void> {
    await this.page.getByLabel(this.m.login.user, { exact: true }).fill(user);
    await this.page.getByLabel(this.m.login.password, { exact: true }).fill(password);
    await this.page.locator('main').getByRole('button', { name: this.m.login.submit }).click();
    await this.page.waitForLoadState();
  }

  error(): Locator {
    return this.page.getByRole('alert');
  }
}

export class PasswordPageView extends WebUiPage {
  async open(): Promise<void> {
    await this.page.goto(this.url('/password'));
  }

  /** The notice that the label's password must be replaced first. */
  forcedNotice(): Locator {
    return this.page.getByText(this.m.password.forced);
  }

  async change(oldPassword: string, newPassword: string, repeat = newPassword): Promise<void> {
    await this.page.getByLabel(this.m.password.old, { exact: true }).fill(oldPassword);
    await this.page.getByLabel(this.m.password.new, { exact: true }).fill(newPassword);
    await this.page.getByLabel(this.m.password.repeat, { exact: true }).fill(repeat);
    await this.page.locator('main').getByRole('button', { name: this.m.password.submit }).click();
    await this.page.waitForLoadState();
  }

  refusal(): Locator {
    return this.page.getByRole('alert');
  }

  /** The strength meter, shown with a refused password. */
  meter(): Locator {
    return this.page.locator('meter');
  }

  changed(): Locator {
    return this.page.getByRole('status').filter({ hasText: this.m.password.changed });
  }
}

/**
 * Logs in as admin and ends on the landing page. With the label's initial password the web UI
 * insists on a new one first: pass `replaceWith` to set it on the way, as the installer would.
 */
export async function login(page: Page, base: string, password: string, replaceWith?: string): Promise<StatusPageView> {
  await new LoginPageView(page, base).open();
  await new LoginPageView(page, base).submit(password);
  const landing = new StatusPageView(page, base);
  if (new URL(page.url()).pathname === '/password') {
    if (replaceWith === undefined) throw new Error('the web UI asks for a new password first: pass replaceWith');
    const change = new PasswordPageView(page, base);
    await change.change(password, replaceWith);
    await change.changed().waitFor();
    await landing.open();
  }
  // A login goes on to the overview, or on a box not set up yet to the setup wizard; after the
  // password change the status page was opened above.
  const path = new URL(page.url()).pathname;
  if (!['/', '/overview'].includes(path) && !path.startsWith('/wizard/')) throw new Error(`login ended at ${page.url()}, not on the overview, the setup wizard or the status page`);
  await landing.loggedInAs().waitFor();
  return landing;
}
