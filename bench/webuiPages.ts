// What a page of the web UI costs to load, as a browser transfers it on a first visit: each
// request's response (headers and body) by kind (HTML, CSS, JS, the rest), in a context of its own
// with an empty cache, so that the stylesheet counts on every page.
import type { Browser, BrowserContext } from 'playwright-core';

export interface PageWeight {
  html: number;
  css: number;
  js: number;
  other: number;
  total: number;
  requests: number;
  /** The document's body alone (the baseline server answers with a body of this size). */
  html_body: number;
}

export interface Transfer {
  /** Playwright's resource type: document, stylesheet, script, image, ... */
  type: string;
  headerBytes: number;
  bodyBytes: number;
}

/** Adds up the transfers of one page load by kind. */
export function weightOf(transfers: readonly Transfer[]): PageWeight {
  const weight: PageWeight = { html: 0, css: 0, js: 0, other: 0, total: 0, requests: transfers.length, html_body: 0 };
  for (const t of transfers) {
    const bytes = t.headerBytes + t.bodyBytes;
    const kind = t.type === 'document' ? 'html' : t.type === 'stylesheet' ? 'css' : t.type === 'script' ? 'js' : 'other';
    weight[kind] += bytes;
    weight.total += bytes;
    if (t.type === 'document') weight.html_body += t.bodyBytes;
  }
  return weight;
}

/** Loads `url` in a new context with the cookies of `visitor` (logged in or not) and an empty cache. */
export async function weighPage(browser: Browser, visitor: BrowserContext, url: string): Promise<PageWeight> {
  const context = await browser.newContext({ storageState: await visitor.storageState(), locale: 'de-DE' });
  try {
    const page = await context.newPage();
    const pending: Promise<Transfer>[] = [];
    page.on('requestfinished', (request) => {
      pending.push(request.sizes().then((sizes) => ({ type: request.resourceType(), headerBytes: sizes.responseHeadersSize, bodyBytes: sizes.responseBodySize })));
    });
    const response = await page.goto(url, { waitUntil: 'load' });
    if (response?.status() !== 200) throw new Error(`${url} answered ${response?.status() ?? 'nothing'}`);
    if (new URL(page.url()).pathname !== new URL(url).pathname) throw new Error(`${url} led to ${page.url()}`);
    await page.waitForLoadState('networkidle');
    return weightOf(await Promise.all(pending));
  } finally {
    await context.close();
  }
}
