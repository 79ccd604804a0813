import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FeedParseError, parseFeed } from '../parser';
import { sanitizeHtml, sanitizeHtmlToParagraphs } from '.';
import { findUnsafeMarkup } from './testing/unsafe-markup';

/**
 * Every document of Universal Feed Parser's test suite (test/fixtures/corpus/feedparser, BSD
 * licence) through parseFeed, then every title, summary and content through both sanitisers.
 * The corpus is a torture test, not a specification: the contract checked here is no crash (a
 * FeedParseError is an allowed outcome), no hang, and nothing executable left by the sanitiser.
 */
const CORPUS = join(__dirname, '../../../test/fixtures/corpus/feedparser');
const PER_FILE_LIMIT_MS = 2000;

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.xml') ? [path] : [];
    });
}

/** UFP's test files name the Content-Type their test server would send in a comment. */
function contentTypeOf(body: Buffer): string | undefined {
  return /^Header:\s+Content-type:\s*(.+)$/im.exec(body.subarray(0, 2048).toString('latin1'))?.[1]?.trim();
}

interface Outcome {
  file: string;
  error?: string;
  ms: number;
  unsafe: string[];
  items: number;
}

function run(path: string): Outcome {
  const file = relative(CORPUS, path);
  const body = readFileSync(path);
  const started = performance.now();
  const outcome: Outcome = { file, ms: 0, unsafe: [], items: 0 };
  try {
    const feed = parseFeed(body, { contentType: contentTypeOf(body), url: `http://127.0.0.1:8097/${file}` });
    outcome.items = feed.entries.length;
    const texts: [string, string | null, string | null][] = [['feed title', feed.title, null]];
    for (const item of feed.entries) {
      texts.push(['title', item.title, item.baseUrl], ['summary', item.summaryHtml, item.baseUrl], ['content', item.contentHtml, item.baseUrl]);
    }
    for (const [field, value, baseUrl] of texts) {
      if (value === null) continue;
      const html = sanitizeHtml(value, baseUrl ?? undefined);
      const paragraphs = sanitizeHtmlToParagraphs(value, baseUrl ?? undefined);
      const problem = findUnsafeMarkup(html);
      if (problem) outcome.unsafe.push(`${field} (HTML): ${problem}`);
      // Paragraphs are plain text; if one were ever pasted into a page unescaped, it must not
      // carry a tag either.
      const textProblem = findUnsafeMarkup(paragraphs.join('\n'));
      if (textProblem) outcome.unsafe.push(`${field} (text): ${textProblem}`);
    }
  } catch (error) {
    if (!(error instanceof FeedParseError)) throw new Error(`${file}: ${(error as Error)?.stack ?? String(error)}`);
    outcome.error = error.code;
  }
  outcome.ms = performance.now() - started;
  return outcome;
}

describe("Universal Feed Parser's corpus", () => {
  it('parses and sanitises every file without a crash, a hang or executable output', () => {
    const files = walk(CORPUS);
    expect(files.length).toBeGreaterThan(1700);

    const outcomes = files.map(run);
    const byCode: Record<string, number> = {};
    for (const outcome of outcomes) byCode[outcome.error ?? 'ok'] = (byCode[outcome.error ?? 'ok'] ?? 0) + 1;
    const slowest = [...outcomes].sort((a, b) => b.ms - a.ms)[0];
    const sanitizeCases = outcomes.filter((o) => o.file.startsWith('wellformed/sanitize/'));
    console.log(
      `feedparser corpus: ${files.length} files, ${byCode.ok ?? 0} parsed (${outcomes.reduce((n, o) => n + o.items, 0)} items), ` +
        `parse errors: ${JSON.stringify(Object.fromEntries(Object.entries(byCode).filter(([code]) => code !== 'ok')))}; ` +
        `${sanitizeCases.length} sanitize cases; slowest ${slowest.file} ${slowest.ms.toFixed(1)} ms`,
    );

    expect(outcomes.filter((o) => o.ms > PER_FILE_LIMIT_MS).map((o) => o.file)).toEqual([]);
    // No sanitizer output anywhere may carry script, handlers, script URLs or CSS expressions;
    // wellformed/sanitize is where the corpus tries hardest.
    expect(outcomes.filter((o) => o.unsafe.length > 0).map((o) => `${o.file}: ${o.unsafe.join('; ')}`)).toEqual([]);
    expect(sanitizeCases.length).toBeGreaterThan(700);
    expect(sanitizeCases.filter((o) => o.error !== undefined).map((o) => o.file)).toEqual([]);
    // Every well-formed document parses, except CDF (Microsoft's Channel Definition Format),
    // which is not a format this project reads.
    const refused = outcomes.filter((o) => o.file.startsWith('wellformed/') && o.error !== undefined);
    expect(refused.filter((o) => !/(^|\/)cdf/.test(o.file)).map((o) => `${o.file}: ${String(o.error)}`)).toEqual([]);
  });
});
