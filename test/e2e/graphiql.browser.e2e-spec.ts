import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { seed, SEEDS_DIR } from '../../src/seed/seed';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * GraphiQL at /graphiql in a real browser (Debian's chromium through playwright-core), on the
 * gateway with its default configuration and the sample seeded: the page loads from the gateway
 * alone, runs the prefilled latest-feed query and shows the sample's sidebar, and the browser
 * reports no error, no Content-Security-Policy violation, no failed or off-origin request.
 * A screenshot goes to test-output/graphiql.png.
 *
 * Chromium is required, not optional: without it this test fails (CI installs it, see .ci/run).
 */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.resolve(__dirname, '../../test-output/graphiql.png');

/** The sample's sidebar headlines, read from the seed file itself (as sample.e2e-spec.ts does). */
function sidebarHeadlines(): string[] {
  const lines = readFileSync(path.join(SEEDS_DIR, '000_e5d4a965580395ad.txt'), 'utf8')
    .normalize('NFC')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines
    .slice(lines.indexOf('সর্বশেষ') + 1)
    .filter((line) => line !== 'img')
    .map((line) => line.replace(/ ?Sep 03, 2025$/, ''));
}

// Runs in the page (this project's TypeScript has no DOM library: the page is reached through `any`).
const RECORD_CSP_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
  });
`;

describe('GraphiQL in a browser', () => {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  const headlines = sidebarHeadlines();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: this test needs Debian's chromium (apt-get install -y chromium; .ci/run installs it).`);
    }
    // Both at once; each is kept as soon as it exists, so afterAll closes whichever started.
    const started = await Promise.allSettled([
      startTestApp().then(async (a) => {
        app = a;
        await seed(a.db);
      }),
      chromium
        .launch({
          executablePath: CHROMIUM,
          // launch() gives the browser a new, empty profile directory of its own and removes it on close.
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
          timeout: 15_000,
        })
        .then((b) => {
          browser = b;
        }),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  }, 30_000);

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await app?.close();
    }
  });

  it('runs the prefilled latest-feed query and shows the sidebar, with nothing blocked or failing', async () => {
    expect(headlines).toHaveLength(20);
    const base = app!.url;
    const problems: string[] = [];
    const warnings: string[] = [];
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page: Page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      if (message.type() === 'warning') warnings.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${String(request.failure()?.errorText)})`));
    page.on('request', (request) => {
      if (!request.url().startsWith(`${base}/`) && !request.url().startsWith('data:')) problems.push(`request off the gateway: ${request.url()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    });
    await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });

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

      const violations = await page.evaluate(() => (globalThis as any).__cspViolations as string[]);
      expect({ problems, violations }).toEqual({ problems: [], violations: [] });
    } catch (error) {
      if (warnings.length > 0) (error as Error).message += `\nbrowser warnings:\n${warnings.join('\n')}`;
      throw error;
    } finally {
      await context.close();
    }
  }, 30_000);

  it('offline, the Sandbox page at /graphql points to GraphiQL, and the link works', async () => {
    const base = app!.url;
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    // No internet: every request off the gateway fails as it does offline.
    await context.route((url) => !url.href.startsWith(`${base}/`), (route) => route.abort('internetdisconnected'));
    const page: Page = await context.newPage();
    const errors: string[] = [];
    // Apollo's own start-up script fails without its Sandbox script (window.EmbeddedSandbox); any other error counts.
    page.on('pageerror', (error) => {
      if (!/EmbeddedSandbox/.test(error.message)) errors.push(`page error: ${error.message}`);
    });
    await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });
    try {
      await page.goto(`${base}/graphql`, { waitUntil: 'load' });
      await page.waitForSelector('text=it appears that you might be offline', { state: 'visible', timeout: 10_000 });
      // The notice's style rule carries the page's nonce: nothing inline is refused.
      const blocked = await page.evaluate(() => (globalThis as any).__cspViolations as string[]);
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
