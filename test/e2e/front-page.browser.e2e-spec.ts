import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { BROWSER_START_TIMEOUT_MS, cspViolations, openWatchedPage, startBrowserWithSeededApp, type BrowserWithApp } from '../support/browser';
import { samplePage } from '../support/sample-fixtures';

/**
 * The front page in a real browser (Debian's chromium through playwright-core, started by
 * test/support/browser.ts) on the gateway with the sample seeded: `/` and the sample's
 * article page load with no script, no console error, no Content-Security-Policy violation (its
 * one inline stylesheet is allowed by hash), no failed or off-origin request, and the Bengali text
 * is drawn with a Bengali font: the glyphs of the headline come from a font that has them (Chrome's
 * own account of the fonts it used, CSS.getPlatformFontsForNode), and the text is not as wide as
 * the same number of empty boxes (what a missing font draws). Screenshots go to
 * test-output/front-page.png and test-output/front-page-article.png.
 */
const OUTPUT = path.resolve(__dirname, '../../test-output');

interface Rendering {
  /** Font families Chrome drew the element's text with, and how many glyphs each. */
  fonts: Array<{ familyName: string; glyphCount: number }>;
  width: number;
  /** The width of as many U+E000 (a private-use character no font here has: an empty box each) as the text has characters. */
  tofuWidth: number;
  text: string;
}

describe('front page in a browser', () => {
  let started: BrowserWithApp;
  const sample = samplePage();

  beforeAll(async () => {
    started = await startBrowserWithSeededApp();
  }, BROWSER_START_TIMEOUT_MS * 2);

  afterAll(() => started?.close());

  /** How Chrome drew the first element `selector` matches. */
  async function rendering(context: BrowserContext, page: Page, selector: string): Promise<Rendering> {
    const cdp = await context.newCDPSession(page);
    try {
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      const measured = await page.evaluate((sel) => {
        const doc = (globalThis as any).document;
        const element = doc.querySelector(sel);
        const text: string = element.textContent;
        // The same box, font and language, with as many empty boxes as the text has characters.
        const tofu = element.cloneNode(false);
        tofu.removeAttribute('href');
        tofu.textContent = '\uE000'.repeat([...text].length);
        tofu.style.position = 'absolute';
        tofu.style.whiteSpace = 'nowrap';
        const probe = element.cloneNode(true);
        probe.style.position = 'absolute';
        probe.style.whiteSpace = 'nowrap';
        element.parentNode.append(tofu, probe);
        const result = { width: probe.getBoundingClientRect().width, tofuWidth: tofu.getBoundingClientRect().width, text };
        tofu.remove();
        probe.remove();
        return result;
      }, selector);
      return { fonts: fonts.map((f) => ({ familyName: f.familyName, glyphCount: f.glyphCount })), ...measured };
    } finally {
      await cdp.detach();
    }
  }

  /** Bengali text drawn with a Bengali font: most glyphs from one that is, and unlike a row of empty boxes. */
  function expectLegibleBengali(drawn: Rendering): void {
    const bengali = drawn.fonts.filter((f) => /bengali|bangla/i.test(f.familyName));
    const glyphs = drawn.fonts.reduce((sum, f) => sum + f.glyphCount, 0);
    expect({ fonts: drawn.fonts, bengaliGlyphs: bengali.reduce((sum, f) => sum + f.glyphCount, 0) > glyphs / 2 }).toEqual({ fonts: drawn.fonts, bengaliGlyphs: true });
    expect(drawn.width).toBeGreaterThan(0);
    expect(Math.abs(drawn.width - drawn.tofuWidth)).toBeGreaterThan(drawn.tofuWidth * 0.05);
  }

  it('shows the sample’s headlines and its article in Bengali, with no script, error or blocked style', async () => {
    const problems: string[] = [];
    const context = await started.browser.newContext({ viewport: { width: 1000, height: 900 } });
    try {
      const page = await openWatchedPage(context, started.app.url, problems);
      await page.goto(`${started.app.url}/`, { waitUntil: 'load' });
      const front = await page.evaluate(() => {
        const doc = (globalThis as any).document;
        return {
          scripts: doc.scripts.length,
          headlines: [...doc.querySelectorAll('#main a.headline')].map((a: any) => a.textContent.normalize('NFC')),
          // The stylesheet applied (allowed by its hash): the page's content column is narrower than the window.
          mainWidth: doc.querySelector('main').getBoundingClientRect().width,
          firstVisible: doc.querySelector('#main a.headline').getBoundingClientRect().height > 0,
        };
      });
      expect(front.scripts).toBe(0);
      expect(front.headlines.slice(0, 20)).toEqual(sample.latest.map((item) => item.headline.normalize('NFC')));
      expect(front.mainWidth).toBeLessThan(800);
      expect(front.firstVisible).toBe(true);
      expectLegibleBengali(await rendering(context, page, '#main a.headline'));
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: path.join(OUTPUT, 'front-page.png') });

      // The sample's article, reached as a reader would: from the front page's stories.
      await Promise.all([page.waitForURL(/\/articles\//), page.click('#main a.story')]);
      const article = await page.evaluate(() => {
        const doc = (globalThis as any).document;
        return {
          scripts: doc.scripts.length,
          title: doc.querySelector('article h1').textContent.normalize('NFC'),
          paragraphs: [...doc.querySelectorAll('article > p[lang]:not([class])')].map((p: any) => p.textContent.normalize('NFC')),
        };
      });
      expect(article.scripts).toBe(0);
      expect(article.title).toBe(sample.title.normalize('NFC'));
      expect(article.paragraphs).toEqual(sample.paragraphs.map((p) => p.normalize('NFC')));
      expectLegibleBengali(await rendering(context, page, 'article h1'));
      expectLegibleBengali(await rendering(context, page, 'article > p[lang]:not([class])'));
      await page.screenshot({ path: path.join(OUTPUT, 'front-page-article.png'), fullPage: true });

      const violations = await cspViolations(page);
      expect({ problems, violations }).toEqual({ problems: [], violations: [] });
    } finally {
      await context.close();
    }
  }, 120_000);
});
