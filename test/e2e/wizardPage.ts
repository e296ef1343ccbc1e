// The setup wizard's page object for the end-to-end tests: its steps by what a person sees (the
// step list, labels and buttons of the message catalogue).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { messagesFor, type Language, type Messages } from '../../src/webui/i18n/index.ts';
import type { WizardStep } from '../../src/webui/wizard/steps.ts';

export class WizardPageView {
  readonly page: Page;
  readonly base: string;
  private readonly m: Messages;

  constructor(page: Page, base: string, language: Language = 'de') {
    this.page = page;
    this.base = base;
    this.m = messagesFor(language);
  }

  /** `/wizard`: on to the first step not complete. */
  async start(): Promise<void> {
    await this.page.goto(new URL('/wizard', this.base).toString());
  }

  async open(step: WizardStep): Promise<void> {
    await this.page.goto(new URL(`/wizard/${step}`, this.base).toString());
  }

  /** The step the page shows, from the step list's current entry. */
  async current(): Promise<string> {
    return (await this.page.locator('ol.wizard-steps a[aria-current="step"]').innerText()).trim();
  }

  /** The steps marked complete in the list, by name. */
  async completed(): Promise<string[]> {
    return (await this.page.locator('ol.wizard-steps li.complete a').allInnerTexts()).map((t) => t.trim());
  }

  note(text: string): Locator {
    return this.page.getByRole('status').filter({ hasText: text });
  }

  /** Uploads `file`; its content is handed over, as the browser's own user cannot read the lab's files. */
  async importProfile(file: string): Promise<void> {
    await this.page.getByLabel(this.m.profile.file, { exact: true }).setInputFiles({ name: basename(file), mimeType: 'application/octet-stream', buffer: readFileSync(file) });
    await this.page.locator('main form').getByRole('button', { name: this.m.profile.submit }).click();
    await this.page.waitForLoadState();
  }

  /** The row the devices step offers for the device with `mac`. */
  offer(mac: string): Locator {
    return this.page.locator(`tr[data-offer="${mac}"]`);
  }

  async register(mac: string, cetpPorts?: string): Promise<void> {
    const row = this.offer(mac);
    if (cetpPorts !== undefined) await row.getByLabel(this.m.devices.cetpPorts, { exact: true }).fill(cetpPorts);
    await row.getByRole('button', { name: this.m.wizard.devices.register }).click();
    await this.page.waitForLoadState();
  }

  /** Fills the practice step's fields by their id (their labels come from the agent's schema) and saves. */
  async savePractice(values: Partial<Record<'name' | 'street' | 'postalCode' | 'city' | 'bsnr' | 'installerName' | 'installerCompany', string>>): Promise<void> {
    for (const [field, value] of Object.entries(values)) await this.page.locator(`#practice-${field}`).fill(value);
    await this.page.locator('main form').getByRole('button', { name: this.m.wizard.practice.submit }).click();
    await this.page.waitForLoadState();
  }

  /** The overview's note that the setup is incomplete. */
  setupNote(): Locator {
    return this.page.locator('[data-field="setup-incomplete"]');
  }
}
