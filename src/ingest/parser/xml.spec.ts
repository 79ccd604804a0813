import iconv from 'iconv-lite';
import { FeedParseError } from './errors';
import { looksLikeHtml, plainTextLine, textConstructHtml } from './markup';
import { type XmlElement, attr, childNamed, parseXmlDocument, textContent } from './xml';

const parse = (xml: string, url: string | null = null): XmlElement => parseXmlDocument(xml, url);
const text = (xml: string): string => textContent(parse(xml));

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    return (error as FeedParseError).code;
  }
  return 'no error';
}

describe('parseXmlDocument: values', () => {
  it('keeps every value a string', () => {
    const root = parse('<r a="007" b="1e3"><g>00123</g><g>123</g><n>1e3</n><h>0x1F</h><t>true</t></r>');
    expect(attr(root, 'a')).toBe('007');
    expect(attr(root, 'b')).toBe('1e3');
    expect(root.children.map((node) => textContent(node))).toEqual(['00123', '123', '1e3', '0x1F', 'true']);
  });

  it('decodes predefined and numeric references exactly once', () => {
    expect(text('<r>&amp;lt; &#38;lt; &#x26;amp; &lt;b&gt; &quot;&apos; &#x1F600; &#2453;</r>')).toBe('&lt; &lt; &amp; <b> "\' 😀 ক');
  });

  it('keeps CDATA as text, markup and entities included', () => {
    expect(text('<r>a<![CDATA[<b>x</b> &amp; &nbsp;]]>b</r>')).toBe('a<b>x</b> &amp; &nbsp;b');
  });

  it('repairs what real feeds get wrong: bare ampersands, HTML entities, C1 references, control characters', () => {
    expect(text('<r>AT&T &nbsp;&eacute;&hellip; &#146;&#150; x&#0;y \u0001z</r>')).toBe('AT&T \u00A0é… ’– xy z');
    expect(text('<r>&notanentity; &constructor;</r>')).toBe('&notanentity; &constructor;');
    expect(attr(parse('<r href="/a?b=1&c=2&amp;d=3"/>'), 'href')).toBe('/a?b=1&c=2&d=3');
  });

  it('tolerates whitespace and comments before a misplaced XML declaration', () => {
    expect(parse('\n\n  <?xml version="1.0"?><rss/>').name).toBe('rss');
    expect(parse('<!-- generated --><?xml version="1.0"?><rss/>').name).toBe('rss');
  });

  it('refuses what is not well-formed', () => {
    expect(code(() => parse('<rss><title>x</titl></rss>'))).toBe('MALFORMED');
    expect(code(() => parse('<rss><title>x'))).toBe('MALFORMED');
    expect(code(() => parse('<rss a="1" a="2"/>'))).toBe('MALFORMED');
    expect(code(() => parse('<rss a=1/>'))).toBe('MALFORMED');
    expect(code(() => parse('<rss><![CDATA[ never closed </rss>'))).toBe('MALFORMED');
    expect(code(() => parse(`${'<a>'.repeat(200)}${'</a>'.repeat(200)}`))).toBe('MALFORMED');
  });

  it('stays linear on many unterminated CDATA sections and comments', () => {
    const hostile = `<rss>${'<![CDATA[ <!-- '.repeat(20000)}</rss>`;
    const started = Date.now();
    expect(code(() => parse(hostile))).toBe('MALFORMED');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('parseXmlDocument: DOCTYPE', () => {
  it.each([
    ['<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>', 'FORBIDDEN_DTD'],
    ['<!DOCTYPE rss [<!ENTITY x PUBLIC "-//X//EN" "http://evil.example/x">]><rss>&x;</rss>', 'FORBIDDEN_DTD'],
    ['<!DOCTYPE rss [<!ENTITY a "ha"><!ENTITY b "&a;&a;">]><rss>&b;</rss>', 'FORBIDDEN_DTD'],
    ["<!DOCTYPE rss [<!ENTITY a '%p;'>]><rss>&a;</rss>", 'FORBIDDEN_DTD'],
    ['<!DOCTYPE rss [<!ENTITY a "never closed', 'MALFORMED'],
  ])('%s gives %s', (xml, expected) => {
    expect(code(() => parse(xml))).toBe(expected);
  });

  it('drops a DOCTYPE without an internal subset, and parameter entities, without fetching', () => {
    expect(parse('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss/>').name).toBe('rss');
    expect(text('<!DOCTYPE rss [<!ENTITY % lat1 PUBLIC "-//W3C//ENTITIES Latin 1//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent"> %lat1; <!-- a ] in a comment --> ]><rss>&eacute;</rss>')).toBe('é');
  });

  it('uses the first declaration of an entity and ignores unparsed ones', () => {
    expect(text('<!DOCTYPE r [<!ENTITY a "one"><!ENTITY a "two"><!ENTITY pic SYSTEM "x.gif" NDATA gif>]><r>&a;</r>')).toBe('one');
  });
});

describe('parseXmlDocument: namespaces, xml:base, xml:lang', () => {
  it('resolves prefixes by URI and honours well-known undeclared prefixes', () => {
    const root = parse('<rss xmlns:x="http://purl.org/dc/elements/1.1/"><x:creator>a</x:creator><dc:creator>b</dc:creator><foo:bar>c</foo:bar></rss>');
    expect(root.children.map((node) => (typeof node === 'string' ? node : `${node.ns}:${node.name}`))).toEqual(['dc:creator', 'dc:creator', 'undeclared:foo:bar']);
  });

  it('folds namespace variants and element name case', () => {
    const root = parse('<feed xmlns="http://www.w3.org/2005/Atom"><m:Thumbnail xmlns:m="http://search.yahoo.com/mrss" url="u"/></feed>');
    expect(root.ns).toBe('atom');
    expect(childNamed(root, ['media'], 'thumbnail')).not.toBeNull();
  });

  it('resolves xml:base through the ancestors onto the document URL and tracks xml:lang', () => {
    const root = parse('<feed xml:base="/blog/" xml:lang="bn"><entry xml:base="2024/"><link xml:lang="en"/></entry><other/></feed>', 'https://example.org/feed.xml');
    const entry = childNamed(root, [''], 'entry') as XmlElement;
    const link = childNamed(entry, [''], 'link') as XmlElement;
    expect(root.base).toBe('https://example.org/blog/');
    expect(link.base).toBe('https://example.org/blog/2024/');
    expect(link.hasXmlBase).toBe(true);
    expect(link.lang).toBe('en');
    expect(entry.lang).toBe('bn');
    expect(entry.hasOwnLang).toBe(false);
    expect((childNamed(root, [''], 'other') as XmlElement).base).toBe('https://example.org/blog/');
  });
});

describe('markup helpers', () => {
  it('serialises Atom xhtml content, escaping text and resolving URLs per element', () => {
    const root = parse(
      '<content type="xhtml" xml:base="https://a.example/x/"><div xmlns="http://www.w3.org/1999/xhtml"><p xml:lang="bn">1 &lt; 2 &amp; <a href="y" onclick="evil()">y</a><br/><img src="/i.png" xml:base="https://b.example/"/></p></div></content>',
    );
    expect(textConstructHtml(root)).toBe('<p lang="bn">1 &lt; 2 &amp; <a href="https://a.example/x/y" onclick="evil()">y</a><br><img src="https://b.example/i.png"></p>');
  });

  it('decodes Atom 0.3 base64 content', () => {
    const encoded = Buffer.from('<b>বাংলা</b>').toString('base64');
    expect(textConstructHtml(parse(`<content type="text/html" mode="base64">${encoded}</content>`))).toBe('<b>বাংলা</b>');
    expect(textConstructHtml(parse(`<content mode="base64">${encoded}</content>`))).toBe('&lt;b&gt;বাংলা&lt;/b&gt;');
    expect(textConstructHtml(parse('<content type="application/octet-stream">AAAA</content>'))).toBeNull();
  });

  it('guesses HTML in RSS text the way Universal Feed Parser does', () => {
    expect(looksLikeHtml('Tom & Jerry')).toBe(false);
    expect(looksLikeHtml('a < b > c')).toBe(false);
    expect(looksLikeHtml('AT&amp;T')).toBe(true);
    expect(looksLikeHtml('<b>bold</b>')).toBe(true);
    expect(plainTextLine('<p>One<br>two</p><script>alert(1)</script><!-- c --> &amp;amp; &#2453;', 'html')).toBe('One two &amp; ক');
  });

  it('strips hostile titles in linear time', () => {
    const started = Date.now();
    plainTextLine('<script'.repeat(50000) + '<a'.repeat(50000), 'html');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('iconv sanity', () => {
  it('has the encodings the fixtures rely on', () => {
    expect(iconv.encodingExists('windows-1251') && iconv.encodingExists('shift_jis') && iconv.encodingExists('koi8-r')).toBe(true);
  });
});
