import { spawn } from 'node:child_process';
import path from 'node:path';
import { createNewsClient } from '../../examples/terminal/news-client';
import { displayWidth, wrap } from '../../examples/terminal/render';
import { seed } from '../../src/seed/seed';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';

/**
 * examples/terminal: the app a developer runs first. It is driven here as a person would drive it,
 * through its prompt, against the running gateway; its Apollo Client cache is checked directly.
 */
const ROOT = path.resolve(__dirname, '../..');

function runExample(url: string, commands: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './test/support/swc-register.js', 'examples/terminal/main.ts', '--url', url, '--page-size', '8'], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // One command per prompt, as typed.
    let sent = 0;
    child.stdout.on('data', () => {
      while (sent < commands.length && (stdout.match(/^> /gm)?.length ?? 0) > sent) child.stdin.write(`${commands[sent++]}\n`);
      if (sent === commands.length) child.stdin.end();
    });
  });
}

describe('the terminal example app', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
    await seed(app.db);
  });
  afterAll(() => app?.close());

  it('prints the latest headlines, pages on, searches and opens an article', async () => {
    const { code, stdout, stderr } = await runExample(`${app.url}/graphql`, ['m', '/পুতিন', '1', 'q']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Latest headlines (8 of 20)');
    expect(stdout).toContain('Latest headlines (16 of 20)');
    expect(stdout).toContain('লটারির মাধ্যমে ডিসি, ইউএনও পদায়ন করা হবে না: জনপ্রশাসন সচিব');
    // The article, opened from the search, dated the way a Bengali reader writes dates.
    expect(stdout).toContain('1 found for “পুতিন”');
    expect(stdout).toContain('কৌশলগত ভারসাম্যে আরও ঘনিষ্ঠ হচ্ছে পাকিস্তান-রাশিয়ার সম্পর্ক!');
    expect(stdout).toContain('৩ সেপ্টেম্বর, ২০২৫');
    expect(stdout).toContain('এসসিও সম্মেলনের ফাঁকে');
    expect(stdout).toMatch(/Cites: .*TRT World/);
  });

  it('says what went wrong rather than crashing', async () => {
    const { code, stdout } = await runExample(`${app.url}/graphql`, ['42', '3', '/', 'q']);
    expect(code).toBe(0);
    expect(stdout).toContain('! no item 42 here');
    expect(stdout).toContain('! “তারেক রহমান বাংলাদেশে আসার প্রস্তুতি নিচ্ছেন : আযম খান” has no stored article');
    expect(stdout).toContain('! type the words to search for after /');
  });

  it('keeps one cache entry per global ID and merges sidebar pages Relay-style', async () => {
    const news = createNewsClient(`${app.url}/graphql`);
    try {
      const first = await news.latest(5);
      const merged = await news.more(5);
      expect(first.headlines).toHaveLength(5);
      expect(merged.headlines).toHaveLength(10);
      expect(merged.headlines.slice(0, 5)).toEqual(first.headlines);
      expect(new Set(merged.headlines.map((h) => h.id)).size).toBe(10);

      const [hit] = await news.search('পুতিন');
      const article = await news.article(hit!.slug);
      const cache = news.apollo.cache.extract() as Record<string, Record<string, unknown>>;
      // Stored under the opaque global id itself: the search hit and the opened article are one object.
      expect(cache[article!.id]).toMatchObject({ __typename: 'Article', title: hit!.title, byline: 'এসএস/এসএন' });
      expect(Object.keys(cache).filter((key) => cache[key]!.__typename === 'Article')).toEqual([article!.id]);
    } finally {
      news.apollo.stop();
    }
  });

  it('wraps text by words where a script has spaces and by characters where it has none', () => {
    const bengali = 'পুতিনের সঙ্গে বৈঠকে বসেছেন শেহবাজ শরিফ';
    const lines = wrap(bengali, 12);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((line) => displayWidth(line) <= 12)).toBe(true);
    // Breaks fall between words only: the words come back whole, in order.
    expect(lines.join(' ')).toBe(bengali);
    // Wide CJK characters take two columns: five of them fill ten.
    expect(wrap('普京与夏巴兹·谢里夫在北京会晤', 10, 'zh').every((line) => line.length <= 5)).toBe(true);
  });
});
