import { htmlToText, safeUrl, sanitizeHtml, sanitizeHtmlToParagraphs } from '.';
import { findUnsafeMarkup } from './testing/unsafe-markup';

const BASE = 'https://news.example.com/bn/article/1';
const REL = 'rel="noopener noreferrer nofollow"';

describe('sanitizeHtml', () => {
  it('keeps text structure, links and images, with absolute URLs and rel on links', () => {
    expect(sanitizeHtml('<h2>শিরোনাম</h2><p>এক <b>দুই</b> <a href="/bn/more" title="আরও">আরও</a></p><img src="img/a.jpg" alt="ছবি">', BASE)).toBe(
      `<h2>শিরোনাম</h2><p>এক <b>দুই</b> <a href="https://news.example.com/bn/more" title="আরও" ${REL}>আরও</a></p><img src="https://news.example.com/bn/article/img/a.jpg" alt="ছবি" />`,
    );
  });

  it('drops script, style, frames, plugins and forms with their content', () => {
    expect(
      sanitizeHtml(
        '<p>a</p><script>alert(1)</script><style>p{color:red}</style><iframe src="https://evil.example/">x</iframe><object data="x.swf">o</object><embed src="x.swf"><form action="/steal"><input name="q"></form><noscript><p>ns</p></noscript><p>b</p>',
      ),
    ).toBe('<p>a</p><p>b</p>');
  });

  it('drops event handlers and style attributes', () => {
    expect(sanitizeHtml('<p onclick="evil()" style="width: expression(alert(1))" class="x" id="y">t</p><img src="https://x.example/a.png" onerror="evil()">')).toBe(
      '<p>t</p><img src="https://x.example/a.png" />',
    );
  });

  it.each([
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java&#10;script:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<img src="DATA:image/svg+xml,<svg onload=alert(1)>">',
    '<video poster="javascript:alert(1)" src="javascript:alert(2)"></video>',
    '<blockquote cite="javascript:alert(1)">q</blockquote>',
  ])('removes the dangerous URL in %s', (html) => {
    const output = sanitizeHtml(html, BASE);
    expect(findUnsafeMarkup(output)).toBeNull();
    expect(output.toLowerCase()).not.toMatch(/javascript|vbscript|data:/);
  });

  it('allows mailto links but only http(s) images', () => {
    expect(sanitizeHtml('<a href="mailto:desk@example.com">mail</a><img src="ftp://x.example/a.png">')).toBe(`<a href="mailto:desk@example.com" ${REL}>mail</a>`);
  });

  it('gives protocol-relative URLs a scheme', () => {
    expect(sanitizeHtml('<img src="//cdn.example.com/a.png">')).toBe('<img src="https://cdn.example.com/a.png" />');
    expect(sanitizeHtml('<img src="//cdn.example.com/a.png">', 'http://news.example.com/')).toBe('<img src="http://cdn.example.com/a.png" />');
  });

  it('keeps relative URLs relative when there is no base', () => {
    expect(sanitizeHtml('<a href="/x">x</a>')).toBe(`<a href="/x" ${REL}>x</a>`);
  });

  it('overrides the rel a feed sets', () => {
    expect(sanitizeHtml('<a href="https://x.example/" rel="opener" target="_blank">x</a>')).toBe(`<a href="https://x.example/" ${REL}>x</a>`);
  });

  it('keeps lang and dir for mixed scripts', () => {
    expect(sanitizeHtml('<p lang="ar" dir="rtl">مرحبا</p>')).toBe('<p lang="ar" dir="rtl">مرحبا</p>');
  });

  it('decodes entities once: plain text stays what it was', () => {
    expect(sanitizeHtml('AT&amp;T')).toBe('AT&amp;T');
    expect(sanitizeHtml('Tom & Jerry')).toBe('Tom &amp; Jerry');
    expect(sanitizeHtml('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(sanitizeHtml('&amp;lt;b&amp;gt;')).toBe('&amp;lt;b&amp;gt;');
    expect(sanitizeHtml('১ < ২')).toBe('১ &lt; ২');
  });

  it('normalises text to NFC without letting a combining character fuse with markup', () => {
    expect(sanitizeHtml('<p>\u09DC</p>')).toBe('<p>\u09A1\u09BC</p>');
    expect(sanitizeHtml('e\u0301')).toBe('\u00E9');
    const output = sanitizeHtml('<p>\u0338x</p>');
    expect(output).toBe('<p>&#x338;x</p>');
    expect(output.normalize('NFC')).toBe(output);
  });

  it('survives known mutation-XSS shapes', () => {
    for (const html of [
      '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
      '<svg><style><img src=x onerror=alert(1)></style></svg>',
      '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
      '<textarea></textarea/><img src=x onerror=alert(1)>',
      '<xmp><img src=x onerror=alert(1)></xmp>',
      '<a href="x" <script>alert(1)</script>>x</a>',
      '<<script>script>alert(1)<</script>/script>',
      '<img src="x`onerror=alert(1)">',
      '<div><p>unclosed <b>bold',
    ]) {
      expect(findUnsafeMarkup(sanitizeHtml(html, BASE))).toBeNull();
    }
  });

  it('returns an empty string for empty input', () => {
    expect(sanitizeHtml('')).toBe('');
  });
});

describe('sanitizeHtmlToParagraphs', () => {
  it('breaks paragraphs at block elements and double <br>', () => {
    expect(
      sanitizeHtmlToParagraphs('<h1>শিরোনাম</h1><p>প্রথম <b>অনুচ্ছেদ</b></p><div>দ্বিতীয়<br>একই অনুচ্ছেদ<br><br>তৃতীয়</div><ul><li>এক</li><li>দুই</li></ul><blockquote>উদ্ধৃতি</blockquote>'),
    ).toEqual(['শিরোনাম', 'প্রথম অনুচ্ছেদ', 'দ্বিতীয় একই অনুচ্ছেদ', 'তৃতীয়', 'এক', 'দুই', 'উদ্ধৃতি']);
  });

  it('ignores script, style and comments, and drops empty paragraphs', () => {
    expect(sanitizeHtmlToParagraphs('<p> </p><script>var x = "<p>no</p>";</script><style>p{}</style><!-- c --><p>হ্যাঁ</p><p>&nbsp;</p>')).toEqual(['হ্যাঁ']);
  });

  it('normalises each paragraph (NFC, whitespace folded, controls removed)', () => {
    expect(sanitizeHtmlToParagraphs('<p>  বড়\u0001   খবর\n\t</p>')).toEqual(['বড\u09BC খবর'.replace('বড\u09BC', '\u09AC\u09A1\u09BC')]);
  });

  it('decodes entities once', () => {
    expect(sanitizeHtmlToParagraphs('AT&amp;T')).toEqual(['AT&T']);
    expect(sanitizeHtmlToParagraphs('AT&amp;amp;T')).toEqual(['AT&amp;T']);
    expect(sanitizeHtmlToParagraphs('<p>&lt;b&gt; is a tag</p>')).toEqual(['<b> is a tag']);
  });

  it('splits plain text on blank lines', () => {
    expect(sanitizeHtmlToParagraphs('প্রথম লাইন\nএকই অনুচ্ছেদ\n\n  \nদ্বিতীয় & শেষ')).toEqual(['প্রথম লাইন একই অনুচ্ছেদ', 'দ্বিতীয় & শেষ']);
  });

  it('separates table cells and keeps rows apart', () => {
    expect(sanitizeHtmlToParagraphs('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>')).toEqual(['a b', 'c']);
  });

  it('returns nothing for empty input', () => {
    expect(sanitizeHtmlToParagraphs('')).toEqual([]);
    expect(htmlToText('<p>One</p><p>Two</p>')).toBe('One Two');
  });
});

describe('safeUrl', () => {
  it.each([
    ['https://example.com/a', null, 'https://example.com/a'],
    ['/a b', 'https://example.com/x/', 'https://example.com/a%20b'],
    ['\u0000 javascript:alert(1)', null, null],
    ['jav\tascript:alert(1)', 'https://example.com/', null],
    ['', null, null],
    ['http://[bad', null, null],
    ['relative/path', null, 'relative/path'],
    ['\\\\evil.example/x', null, 'https://evil.example/x'],
  ])('%j against %j', (raw, base, expected) => {
    expect(safeUrl(raw, base)).toBe(expected);
  });
});
