// The end-to-end tests' browser: Debian's headless Chromium, driven by playwright-core, run in a
// lab namespace on the practice LAN (where the installer's laptop stands) as the unprivileged user
// tibox-browser (chromium-in-netns.sh). Nothing is downloaded: playwright-core brings no browser
// and is pointed at Debian's. The browser accepts the web UI's self-signed device certificate by
// its public key alone, as an installer does who compared the fingerprint; any other certificate
// still fails.
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, chownSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { labRunDir, type Lab } from '../lab/lab.ts';

/** The user the browser runs as (scripts/setup.sh makes it). */
export const BROWSER_USER = 'tibox-browser';
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const LAUNCHER = join(fileURLToPath(import.meta.url), '..', 'chromium-in-netns.sh');

export interface LabBrowserOptions {
  /** The lab namespace the browser runs in: a host on the practice LAN. */
  netns: string;
  /** A directory of the browser's own (downloads), made here and given to its user. */
  dir: string;
  /** The web UI's device certificate (PEM), the one self-signed certificate the browser accepts. */
  certificatePem: string;
}

/** SHA-256 of the certificate's SubjectPublicKeyInfo, base64: how Chromium names a key to accept. */
export function spkiHash(certificatePem: string): string {
  const spki = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export async function launchLabBrowser(options: LabBrowserOptions): Promise<Browser> {
  if (!existsSync(DEBIAN_CHROMIUM)) throw new Error(`${DEBIAN_CHROMIUM} is missing: run 'make setup' (Debian package chromium)`);
  const user = /^tibox-browser:x:(\d+):(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'));
  if (!user) throw new Error(`user ${BROWSER_USER} is missing: run 'make setup'`);
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  chownSync(options.dir, Number(user[1]), Number(user[2]));
  return chromium.launch({
    executablePath: LAUNCHER,
    headless: true, chromiumSandbox: true,
    downloadsPath: options.dir,
    args: [`--ignore-certificate-errors-spki-list=${spkiHash(options.certificatePem)}`],
    env: { ...process.env, TIBOX_BROWSER_NETNS: options.netns, TIBOX_BROWSER_USER: BROWSER_USER, HOME: options.dir },
    timeout: 60_000,
  });
}

/** The browser on the lab's PVS host (practice LAN), accepting the device certificate of the lab's web UI (started). */
export function launchOnPracticeLan(lab: Lab): Promise<Browser> {
  return launchLabBrowser({
    netns: lab.names.pvs,
    dir: join(labRunDir(lab.names.id), 'browser'),
    certificatePem: readFileSync(join(lab.webuiStateDir(), 'tls', 'cert.pem'), 'utf8'),
  });
}

/** A fresh context (its own cookies: one visitor) with German, the web UI's default, as the browser's language. */
export function newVisitor(browser: Browser, language = 'de-DE'): Promise<BrowserContext> {
  return browser.newContext({ locale: language });
}

/**
 * Collects, for as long as `page` lives, what went wrong in the browser: a script error, a CSP
 * refusal or other console error, an answer of 400 or more to a stylesheet, script or image (the
 * icon too), a request that failed. A page's own status (a refused login's 401) is the test's
 * business.
 */
export function complaintsOf(page: Page): string[] {
  const complaints: string[] = [];
  page.on('console', (message) => {
    // A failed load is told by its answer below, with its address.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) complaints.push(message.text());
  });
  page.on('pageerror', (error) => complaints.push(error.message));
  page.on('response', (response) => {
    const subresource = response.request().resourceType() !== 'document';
    if (subresource && response.status() >= 400) complaints.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed';
    // The overview's live stream stays open until the page is left, which aborts it; the icon is
    // fetched after the page has loaded, so leaving the page soon after aborts that fetch too.
    const abortedByLeaving = ['/api/v1/events', '/assets/icon.svg'].includes(new URL(request.url()).pathname);
    if (reason === 'net::ERR_ABORTED' && abortedByLeaving) return;
    complaints.push(`${reason} ${request.url()}`);
  });
  return complaints;
}
