import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { seed } from '../../src/seed/seed';
import { startTestApp, type TestApp } from './test-app';

/**
 * What the browser tests share: Debian's chromium launched through playwright-core beside a
 * gateway with the sample seeded, and a page that records every problem a reader would meet.
 *
 * Chromium is required, not optional: without it the tests fail (CI installs it, see .ci/run).
 */
const CHROMIUM = '/usr/bin/chromium';

/**
 * The flags this machine needs: without the background-networking ones Chromium keeps trying to
 * reach Google's hosts, which the closed network refuses. launch() gives the browser a new, empty
 * profile directory of its own and removes it on close.
 */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Bounds, not waits: on a machine whose cores are busy, starting Chromium takes a while. */
export const BROWSER_START_TIMEOUT_MS = 60_000;

export interface BrowserWithApp {
  app: TestApp;
  browser: Browser;
  /** Closes the browser, then the gateway. */
  close(): Promise<void>;
}

/**
 * Starts the gateway (sample seeded) and Chromium at once. When either fails, whichever did start
 * is closed again before the first failure is thrown.
 */
export async function startBrowserWithSeededApp(): Promise<BrowserWithApp> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: this test needs Debian's chromium (apt-get install -y chromium; .ci/run installs it).`);
  }
  const [app, browser] = await Promise.allSettled([
    startTestApp().then(async (started) => {
      try {
        await seed(started.db);
        return started;
      } catch (error) {
        await started.close();
        throw error;
      }
    }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: BROWSER_START_TIMEOUT_MS }),
  ]);
  if (app.status === 'rejected' || browser.status === 'rejected') {
    await Promise.allSettled([app.status === 'fulfilled' && app.value.close(), browser.status === 'fulfilled' && browser.value.close()]);
    throw app.status === 'rejected' ? app.reason : (browser as PromiseRejectedResult).reason;
  }
  return {
    app: app.value,
    browser: browser.value,
    async close() {
      try {
        await browser.value.close();
      } finally {
        await app.value.close();
      }
    },
  };
}

// Runs in the page (this project's TypeScript has no DOM library: the page is reached through `any`).
const RECORD_CSP_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
  });
`;

/**
 * A new page of `context` that pushes onto `problems` every console error, page error, failed
 * request, HTTP error answer and request that leaves the gateway at `base`, and records
 * Content-Security-Policy violations for cspViolations(). Console warnings go to `warnings` when given.
 */
export async function openWatchedPage(context: BrowserContext, base: string, problems: string[], warnings?: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    if (message.type() === 'warning') warnings?.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${String(request.failure()?.errorText)})`));
  page.on('request', (request) => {
    if (!request.url().startsWith(`${base}/`) && !request.url().startsWith('data:')) problems.push(`request off the gateway: ${request.url()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
  });
  await recordCspViolations(page);
  return page;
}

/** From the page's next navigation on, records its Content-Security-Policy violations for cspViolations(). */
export async function recordCspViolations(page: Page): Promise<void> {
  await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });
}

/** The Content-Security-Policy violations recorded since the page's last navigation. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as { __cspViolations?: string[] }).__cspViolations ?? ['no record of violations: recordCspViolations() was not called before the navigation']);
}
