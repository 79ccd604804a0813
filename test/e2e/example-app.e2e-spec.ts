import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { createNewsClient } from '../../examples/terminal/news-client';
import { displayWidth, wrap } from '../../examples/terminal/render';
import { seed } from '../../src/seed/seed';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { freePort } from '../support/free-port';
import { sampleFromFile } from '../support/sample-text';

/**
 * examples/terminal: the app a developer runs first. It is driven here as a person would drive it,
 * through its prompt, against the running gateway; its Apollo Client cache is checked directly.
 */
const ROOT = path.resolve(__dirname, '../..');

/**
 * The example app as a person runs it: `commands` typed one per prompt, then the end of input;
 * without commands, the input stays open (as for --follow, which runs until Ctrl-C or the end).
 */
function runExample(url: string, commands: string[] | null, args: string[] = ['--page-size', '8']): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './test/support/swc-register.js', 'examples/terminal/main.ts', '--url', url, ...args], {
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
    if (commands === null) return;
    // One command per prompt, as typed.
    let sent = 0;
    child.stdout.on('data', () => {
      while (sent < commands.length && (stdout.match(/^> /gm)?.length ?? 0) > sent) child.stdin.write(`${commands[sent++]}\n`);
      if (sent === commands.length) child.stdin.end();
    });
  });
}

/**
 * How many columns a terminal gives each line: the C library's wcswidth() (glibc, C.UTF-8), the
 * count terminals such as xterm and VTE draw by, computed apart from render.ts.
 */
function terminalWidths(lines: string[]): number[] {
  const program = [
    'import ctypes, json, locale, sys',
    "locale.setlocale(locale.LC_ALL, 'C.UTF-8')",
    "libc = ctypes.CDLL('libc.so.6')",
    'libc.wcswidth.argtypes = [ctypes.c_wchar_p, ctypes.c_size_t]',
    'print(json.dumps([libc.wcswidth(line, len(line)) for line in json.load(sys.stdin)]))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', program], { input: JSON.stringify(lines), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as number[];
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
    // Without a terminal it draws 80 columns: no line of the session is wider.
    const printed = stdout.split('\n');
    const widths = terminalWidths(printed);
    expect(printed.filter((_, i) => widths[i]! > 80)).toEqual([]);
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

  it('measures the sample as a terminal draws it: columns, not grapheme clusters', () => {
    const { title, paragraphs, headlines } = sampleFromFile();
    const texts = [title, ...paragraphs, ...headlines, 'ন্ত', 'কি', '普京与夏巴兹', 'e\u0301', 'ড়'];
    expect(texts.map(displayWidth)).toEqual(terminalWidths(texts));
  });

  it('wraps the sample\'s Bengali paragraphs within the width at spaces only, filling each line', () => {
    const { paragraphs } = sampleFromFile();
    const cases = [100, 72, 40].flatMap((width) => paragraphs.map((paragraph) => ({ width, paragraph, lines: wrap(paragraph, width, 'bn') })));
    for (const { paragraph, lines } of cases) {
      // Every break is at a space: the words come back whole and in order.
      expect(lines.join(' ')).toBe(paragraph.split(/\s+/).join(' '));
    }
    // Measured by the terminal's count in one go: every line fits, and each took as many words as
    // fit (with the next line's first word it would be too wide).
    const lines = cases.flatMap(({ width, lines }) => lines.map((line) => ({ width, line })));
    const longer = cases.flatMap(({ width, lines }) => lines.slice(0, -1).map((line, i) => ({ width, line: `${line} ${lines[i + 1]!.split(' ')[0]}` })));
    const widths = terminalWidths([...lines, ...longer].map(({ line }) => line));
    expect(lines.filter(({ width }, i) => widths[i]! > width)).toEqual([]);
    expect(longer.filter(({ width }, i) => widths[lines.length + i]! <= width)).toEqual([]);
  });

  it('wraps Chinese between its words, wide characters as two columns, punctuation kept with the word before', () => {
    const chinese = '普京与夏巴兹·谢里夫在北京会晤，双方讨论了经济合作与地区安全问题。';
    const lines = wrap(chinese, 10, 'zh');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('')).toBe(chinese);
    expect(Math.max(...terminalWidths(lines))).toBeLessThanOrEqual(10);
    expect(lines.some((line) => /^[，。]/.test(line))).toBe(false);
  });

  it('cuts only a word wider than the line, between grapheme clusters', () => {
    const url = 'https://www.jagonews24.com/international/news/1067330';
    expect(wrap(`সূত্র: ${url}`, 20)).toEqual(['সূত্র:', 'https://www.jagonews', '24.com/international', '/news/1067330']);
  });
});

describe('the terminal example app with no gateway at its URL', () => {
  it('says which URL it cannot reach and why, and exits 1', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await runExample(`http://localhost:${port}/graphql`, []);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd()).toMatch(new RegExp(`^example failed: cannot reach http://localhost:${port}/graphql: connect ECONNREFUSED (?:127\\.0\\.0\\.1|::1):${port}$`));
  });

  it('says the same when following new headlines', async () => {
    const port = await freePort();
    const { code, stderr } = await runExample(`http://localhost:${port}/graphql`, null, ['--follow']);
    expect(code).toBe(1);
    expect(stderr.trimEnd()).toMatch(new RegExp(`^example failed: cannot reach ws://localhost:${port}/graphql: connect ECONNREFUSED (?:127\\.0\\.0\\.1|::1):${port}$`));
  });
});
