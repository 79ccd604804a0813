import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { BROWSER_START_TIMEOUT_MS, cspViolations, openWatchedPage, recordCspViolations, startBrowserWithSeededApp, type BrowserWithApp } from '../support/browser';
import { sampleFromFile } from '../support/sample-text';

/**
 * GraphiQL at /graphiql in a real browser (Debian's chromium through playwright-core, started by
 * test/support/browser.ts), on the gateway with its default configuration and the sample seeded:
 * the page loads from the gateway alone, runs the prefilled latest-feed query and shows the
 * sample's sidebar, and the browser reports no error, no Content-Security-Policy violation, no
 * failed or off-origin request. A screenshot goes to test-output/graphiql.png.
 */
const SCREENSHOT = path.resolve(__dirname, '../../test-output/graphiql.png');

describe('GraphiQL in a browser', () => {
  let started: BrowserWithApp;
  const { headlines } = sampleFromFile();

  beforeAll(async () => {
    started = await startBrowserWithSeededApp();
  }, BROWSER_START_TIMEOUT_MS * 2);

  afterAll(() => started?.close());

  it('runs the prefilled latest-feed query and shows the sidebar, with nothing blocked or failing', async () => {
    expect(headlines).toHaveLength(20);
    const base = started.app.url;
    const problems: string[] = [];
    const warnings: string[] = [];
    const context = await started.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await openWatchedPage(context, base, problems, warnings);
    try {
      // GraphiQL introspects the schema as it starts: through /graphql's CSRF prevention and default limits.
      const introspected = page.waitForResponse((r) => r.url() === `${base}/graphql` && /IntrospectionQuery/.test(r.request().postData() ?? ''));
      await page.goto(`${base}/graphiql`, { waitUntil: 'load' });
      expect((await introspected).status()).toBe(200);

      await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 10_000 });
      const editor = await page.evaluate(() => (globalThis as any).document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue() as string);
      expect(editor).toMatch(/query Sidebar\(\$first: Int[\s\S]+latestFeed\(/);

      const ran = page.waitForResponse((r) => r.url() === `${base}/graphql` && /latestFeed/.test(r.request().postData() ?? ''));
      await page.click('.graphiql-execute-button');
      expect((await ran).status()).toBe(200);
      // The first headline, as the result pane shows it (NFC on both sides: the sample's Bengali).
      await page.waitForFunction(
        (headline) => ((globalThis as any).document.querySelector('.result-window')?.innerText ?? '').normalize('NFC').includes(headline),
        headlines[0]!,
        { timeout: 10_000 },
      );
      const result = JSON.parse(await page.evaluate(() => (globalThis as any).document.querySelector('.result-window .CodeMirror').CodeMirror.getValue() as string));
      expect(result.errors).toBeUndefined();
      // The example's variables ask for the first 10 of the 20.
      expect(result.data.latestFeed.edges.map((edge: any) => edge.node.headline.normalize('NFC'))).toEqual(headlines.slice(0, 10));

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });

      // A dialog: Radix adds a <style> element, allowed only by the page's CSP nonce.
      await page.click('[aria-label="Open settings dialog"]');
      await page.waitForSelector('[role="dialog"]');
      expect(await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.body).overflow)).toBe('hidden');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[role="dialog"]', { state: 'detached' });

      const violations = await cspViolations(page);
      expect({ problems, violations }).toEqual({ problems: [], violations: [] });
    } catch (error) {
      if (warnings.length > 0) (error as Error).message += `\nbrowser warnings:\n${warnings.join('\n')}`;
      throw error;
    } finally {
      await context.close();
    }
  }, 30_000);

  it('offline, the Sandbox page at /graphql points to GraphiQL, and the link works', async () => {
    const base = started.app.url;
    const context = await started.browser.newContext({ viewport: { width: 1280, height: 800 } });
    // No internet: every request off the gateway fails as it does offline.
    await context.route((url) => !url.href.startsWith(`${base}/`), (route) => route.abort('internetdisconnected'));
    const page: Page = await context.newPage();
    const errors: string[] = [];
    // Apollo's own start-up script fails without its Sandbox script (window.EmbeddedSandbox); any other error counts.
    page.on('pageerror', (error) => {
      if (!/EmbeddedSandbox/.test(error.message)) errors.push(`page error: ${error.message}`);
    });
    await recordCspViolations(page);
    try {
      await page.goto(`${base}/graphql`, { waitUntil: 'load' });
      await page.waitForSelector('text=it appears that you might be offline', { state: 'visible', timeout: 10_000 });
      // The notice's style rule carries the page's nonce: nothing inline is refused.
      const blocked = await cspViolations(page);
      expect(blocked.filter((v) => /inline/.test(v))).toEqual([]);
      const link = page.locator('#newsgate-offline a');
      // A click lands on the link, not on the empty Sandbox frame that lies over the page.
      await link.click({ timeout: 10_000 });
      await page.waitForURL(`${base}/graphiql`, { timeout: 10_000 });
      await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 10_000 });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 30_000);
});
