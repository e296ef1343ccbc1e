// Page objects of the web UI for the end-to-end tests: each knows how to reach and read one page
// by what a person sees (labels, roles, texts of the message catalogue), so a test says what the
// user does and a change of markup is fixed here once. login() and logout() are the steps every
// test behind the login starts and ends with.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
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

  /** Switches the web UI's language with the form every page has in its header; the page comes back in it. */
  async chooseLanguage(language: Language): Promise<void> {
    const form = this.page.locator('header form.language');
    await form.getByRole('combobox').selectOption(language);
    await form.getByRole('button').click();
    await this.page.locator(`html[lang="${language}"]`).waitFor({ state: 'attached' });
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

/** `/overview`, where a login lands: the chain, the tunnel, the devices and warnings, kept current live. */
export class OverviewPageView extends StatusPageView {
  override async open(): Promise<void> {
    await this.page.goto(this.url('/overview'));
  }

  /** The tunnel's state as the live part shows it ("Aufgebaut (seit …)"). */
  tunnelState(): Locator {
    return this.page.locator('#live [data-field="tunnel-state"]');
  }

  /** The row of the device named `name` in the overview's device table. */
  device(name: string): Locator {
    return this.page.locator('#live tr[data-device]').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }
}

/** `/profile`: the profile's details, its import form, the tunnel's actions and history. */
export class ProfilePageView extends WebUiPage {
  async open(): Promise<void> {
    await this.page.goto(this.url('/profile'));
  }

  /** Chooses `file` (its name and bytes, as the browser reads them from disk) in the form and imports it. */
  async importProfile(file: { name: string; content: Buffer }, password = ''): Promise<void> {
    await this.page.getByLabel(this.m.profile.file, { exact: true }).setInputFiles({ name: file.name, mimeType: 'application/octet-stream', buffer: file.content });
    await this.page.getByLabel(this.m.profile.password, { exact: true }).fill(password);
    await this.page.locator('main').getByRole('button', { name: this.m.profile.submit }).click();
    await this.page.waitForLoadState();
  }

  imported(): Locator {
    return this.page.getByRole('status').filter({ hasText: this.m.profile.imported });
  }
}

export interface Registration {
  kind: 'pvs' | 'terminal';
  name: string;
  address: string;
  mac: string;
  cetpPorts?: string;
}

/** `/devices`: the registered devices, the registration form, what the box found. */
export class DevicesPageView extends WebUiPage {
  async open(): Promise<void> {
    await this.page.goto(this.url('/devices'));
  }

  /** Fills the registration form in as a person types it and sends it; the browser follows to the new device's page. */
  async register(device: Registration): Promise<void> {
    const d = this.m.devices;
    await this.page.getByLabel(d.kind, { exact: true }).selectOption(device.kind);
    await this.page.getByLabel(d.name, { exact: true }).fill(device.name);
    await this.page.getByLabel(d.address, { exact: true }).fill(device.address);
    await this.page.getByLabel(d.mac, { exact: true }).fill(device.mac);
    await this.page.getByLabel(d.cetpPorts, { exact: true }).fill(device.cetpPorts ?? '');
    await this.page.locator('main').getByRole('button', { name: d.submit }).click();
    await this.page.waitForLoadState();
  }

  /** The names in the table of registered devices, as shown. */
  async registeredNames(): Promise<string[]> {
    return await this.page.locator('#registered-title + table tbody tr[data-device] td:first-child').allInnerTexts();
  }

  /** The note a registration leaves on the device's page. */
  registered(name: string): Locator {
    return this.page.getByRole('status').filter({ hasText: this.m.devices.registeredOk(name) });
  }
}

/** `/system`: the settings backup made, checked and restored, and the factory reset. */
export class SystemPageView extends WebUiPage {
  async open(): Promise<void> {
    await this.page.goto(this.url('/system'));
  }

  /** Makes a backup with the passphrase typed twice and keeps the browser's download at `path`. */
  async backup(passphrase: string, path: string): Promise<void> {
    await this.page.locator('#backup-passphrase').fill(passphrase);
    await this.page.getByLabel(this.m.system.passphraseRepeat, { exact: true }).fill(passphrase);
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByRole('button', { name: this.m.system.backupSubmit }).click()]);
    await download.saveAs(path);
  }

  /** Checks the backup at `path` with its passphrase; the page shows what restoring it would change. */
  async check(path: string, passphrase: string): Promise<void> {
    // Handed over as bytes: the browser runs as a user of its own, who may not read the test's files.
    await this.page.getByLabel(this.m.system.backupFile, { exact: true }).setInputFiles({ name: basename(path), mimeType: 'application/octet-stream', buffer: readFileSync(path) });
    await this.page.locator('#inspect-passphrase').fill(passphrase);
    await this.page.getByRole('button', { name: this.m.system.inspectSubmit }).click();
    await this.page.waitForLoadState();
  }

  /** The preview of the backup just checked. */
  preview(): Locator {
    return this.page.locator('[data-field="backup-preview"]');
  }

  /** Restores the backup just checked; the browser follows back to this page and its note. */
  async restore(): Promise<void> {
    await this.page.getByRole('button', { name: this.m.system.restoreSubmit }).click();
    await this.page.waitForLoadState();
  }

  /** Resets the box, typing `confirm` as the serial number asked for. */
  async factoryReset(confirm: string): Promise<void> {
    await this.page.locator('#reset-confirm').fill(confirm);
    await this.page.getByRole('button', { name: this.m.system.factoryResetSubmit }).click();
    await this.page.waitForLoadState();
  }

  note(text: string): Locator {
    return this.page.getByRole('status').filter({ hasText: text });
  }
}

/** `/check`: the function test, its button and its result. */
export class CheckPageView extends WebUiPage {
  /** Through the navigation, as the installer finds it. */
  async open(): Promise<void> {
    await this.page.locator('nav.pages').getByRole('link', { name: this.m.nav.check }).click();
    await this.page.waitForURL(this.url('/check'));
  }

  async run(): Promise<void> {
    await this.page.getByRole('button', { name: new RegExp(`^(${this.m.check.start}|${this.m.check.again})$`) }).click();
  }

  /** When the result shown was finished, as the page says it; '' before the first. */
  async shownWhen(): Promise<string> {
    return (await this.page.locator('[data-field="check-when"]').textContent({ timeout: 1_000 }).catch(() => null)) ?? '';
  }

  /** Waits, as the page loads itself again, until no run is under way and the result shown is not the one finished at `before`. */
  async resultAfter(before: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.running().count()) > 0 || (await this.shownWhen()) === before) {
      if (Date.now() > deadline) throw new Error(`no new result within ${timeoutMs} ms; the page says: ${await this.page.locator('main').innerText().catch(() => '(no page)')}`);
      await this.page.waitForTimeout(250);
    }
  }


  running(): Locator {
    return this.page.getByRole('status').filter({ hasText: this.m.check.running });
  }

  /** The test's verdict line, once a result is shown. */
  verdict(): Locator {
    return this.page.locator('[data-field="check-verdict"]');
  }

  /** Each check's row: its id, verdict shown as a word, and fix text. */
  async rows(): Promise<{ id: string; verdict: string; fix: string }[]> {
    return await this.page.locator('table.checks tbody tr').evaluateAll((rows) =>
      rows.map((row) => ({
        id: row.getAttribute('data-check') ?? '',
        verdict: (row.querySelector('[data-field="verdict"]')?.textContent ?? '').trim(),
        fix: (row.querySelector('[data-field="fix"]')?.textContent ?? '').trim(),
      })),
    );
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
