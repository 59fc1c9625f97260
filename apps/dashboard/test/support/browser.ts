import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, quiet: no update checks or other calls home during tests. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, as text. */
  errors: string[];
  /** Every URL the page requested whose host is not 127.0.0.1 / localhost. */
  foreignRequests: string[];
}

const LOCAL = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:\d+)?\//;

/**
 * A page that records console errors and requests to other hosts. A failure the page expects (a
 * route the API has not built yet, a call before a key was entered) is passed in
 * `expectedFailures`: Chromium
 * logs every failed load as a console error, which is not the page's fault for those.
 */
export async function watchedPage(
  browser: Browser,
  options: {
    width: number;
    height: number;
    /** Failed loads the test expects, e.g. `{ status: 404, url: /\/v1\/comparisons/ }`. */
    expectedFailures?: { status: number; url: RegExp }[];
    /** Put in sessionStorage before the page loads, as if typed earlier in this tab. */
    apiKey?: string;
  },
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width, height: options.height },
  });
  if (options.apiKey !== undefined) {
    await context.addInitScript(
      (key) => sessionStorage.setItem('newscell.apiKey', key),
      options.apiKey,
    );
  }
  const page = await context.newPage();
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    const expected = (options.expectedFailures ?? []).some(
      (f) => f.url.test(url) && message.text().includes(`status of ${f.status}`),
    );
    if (expected) return;
    errors.push(`${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!LOCAL.test(url) && !url.startsWith('data:') && !url.startsWith('about:'))
      foreignRequests.push(url);
  });
  return { page, errors, foreignRequests };
}
