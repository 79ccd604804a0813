import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { sanitizeHtml, sanitizeHtmlToParagraphs } from '.';
import { decodeForInspection } from './testing/unsafe-markup';

/**
 * Properties of the sanitiser over arbitrary HTML, attack strings among it: the output never
 * contains script. "Script" here means anything in the output through which a browser rendering
 * it would run code, load active content or restyle the page:
 *
 * 1. an element that runs or embeds code or documents, or changes how the page is read:
 *    SCRIPT_CAPABLE below (script, style, iframe, object, embed, svg, math, form, base, meta, ...);
 * 2. an attribute that runs code or carries CSS or a document: any `on*` event handler, `style`,
 *    `srcdoc`, `formaction`, `action`, `xlink:href`, `background`, ...;
 * 3. a URL attribute (href, src, cite, poster, ...) whose value, as a browser reads it (entities
 *    decoded, ASCII tab and newline removed, control characters and spaces trimmed), has a scheme
 *    other than http, https or mailto: javascript:, vbscript:, data: and the like.
 *
 * The output is inspected twice: parsed by an HTML parser (htmlparser2, entities decoded, names
 * lower-cased), and read as text the way an attacker hopes a lenient browser might (any tag-like
 * `<name` anywhere, any case; URL values decoded again and again, every control and space
 * dropped). Inputs are bounded (a few kilobytes).
 */
const RUNS = { seed: Number(process.env.FC_SEED ?? 20261206), numRuns: Number(process.env.FC_RUNS ?? 300) };

const SCRIPT_CAPABLE = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'param', 'base', 'meta', 'link',
  'form', 'input', 'button', 'textarea', 'select', 'option', 'svg', 'math', 'template', 'noscript', 'xmp',
  'plaintext', 'noembed', 'noframes', 'portal', 'isindex', 'html', 'head', 'body', 'title',
]);
const FORBIDDEN_ATTRIBUTES = new Set(['style', 'srcdoc', 'formaction', 'action', 'xlink:href', 'background', 'dynsrc', 'lowsrc', 'data', 'codebase', 'srcset', 'ping', 'is']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'poster', 'longdesc', 'usemap', 'manifest', 'icon']);
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/** The scheme a browser sees in a URL attribute's (decoded) value, or null for a relative URL. */
function schemeOf(value: string): string | null {
  const cleaned = value.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  return /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned)?.[1]?.toLowerCase() ?? null;
}

/** The first script-capable construct htmlparser2 finds in the output, or null. */
function scriptInParsedOutput(html: string): string | null {
  let found: string | null = null;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (found) return;
        if (SCRIPT_CAPABLE.has(name)) found = `element <${name}>`;
        for (const [attribute, value] of Object.entries(attributes)) {
          if (found) return;
          if (attribute.startsWith('on')) found = `event handler ${attribute} on <${name}>`;
          else if (FORBIDDEN_ATTRIBUTES.has(attribute)) found = `attribute ${attribute} on <${name}>`;
          else if (URL_ATTRIBUTES.has(attribute)) {
            const scheme = schemeOf(value);
            if (scheme !== null && !SAFE_SCHEMES.has(scheme)) found = `${scheme}: URL in ${attribute} of <${name}>`;
          }
        }
      },
      onprocessinginstruction(name) {
        found ??= `declaration ${name}`;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return found;
}

/** The same definition applied to the text itself, as leniently as an attacker could hope. */
function scriptInText(html: string): string | null {
  for (const tag of html.matchAll(/<\s*\/?\s*([a-zA-Z][\w:-]*)([^>]*)>?/g)) {
    const name = tag[1]!.toLowerCase();
    if (SCRIPT_CAPABLE.has(name)) return `element <${name}> in ${tag[0]}`;
    for (const attribute of (tag[2] ?? '').matchAll(/([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      const attributeName = attribute[1]!.toLowerCase();
      const value = attribute[2] ?? attribute[3] ?? attribute[4] ?? '';
      if (attributeName.startsWith('on')) return `event handler in ${tag[0]}`;
      if (FORBIDDEN_ATTRIBUTES.has(attributeName)) return `attribute ${attributeName} in ${tag[0]}`;
      if (!URL_ATTRIBUTES.has(attributeName)) continue;
      const decoded = decodeForInspection(value).replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
      const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(decoded)?.[1]?.toLowerCase();
      if (scheme !== undefined && !SAFE_SCHEMES.has(scheme)) return `${scheme}: URL in ${tag[0]}`;
    }
  }
  return null;
}

function textOf(html: string): string {
  let text = '';
  const parser = new Parser({ ontext: (chunk) => (text += chunk) }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return text;
}

function expectNoScript(input: string, output: string): void {
  const parsed = scriptInParsedOutput(output);
  const read = scriptInText(output);
  if (parsed || read) throw new Error(`script in the output (${String(parsed ?? read)})\n input: ${JSON.stringify(input)}\noutput: ${JSON.stringify(output)}`);
}

// ---------------------------------------------------------------------------------------------
// HTML with attacks in it: a small grammar of elements, attributes, values and broken markup.

const TAGS = [
  'p', 'div', 'span', 'a', 'img', 'b', 'i', 'table', 'tr', 'td', 'ul', 'li', 'blockquote', 'video', 'audio', 'source', 'picture',
  'details', 'summary', 'figure', 'q', 'del', 'time', 'h1', 'pre', 'code', 'br', 'hr',
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'param', 'base', 'meta', 'link', 'form', 'input',
  'button', 'textarea', 'select', 'option', 'svg', 'math', 'mtext', 'mglyph', 'malignmark', 'foreignObject', 'template', 'noscript',
  'xmp', 'plaintext', 'noembed', 'noframes', 'title', 'html', 'head', 'body', 'marquee', 'isindex', 'portal', 'image', 'animate', 'set',
  'use', 'annotation-xml', 'desc', 'listing', 'keygen',
];
const ATTRIBUTES = [
  'href', 'src', 'cite', 'poster', 'srcset', 'srcdoc', 'style', 'onclick', 'onerror', 'onload', 'OnMouseOver', 'onfocus', 'autofocus',
  'formaction', 'action', 'xlink:href', 'background', 'data', 'codebase', 'lang', 'dir', 'title', 'alt', 'width', 'rel', 'class',
  'id', 'name', 'type', 'value', 'dynsrc', 'lowsrc', 'ping', 'is', 'attributeName', 'to', 'values', 'begin', 'from', 'by',
];
const URLS = [
  'javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', '\tjavascript:alert(1)', 'java\tscript:alert(1)',
  'java&#x09;script:alert(1)', 'java&#10;script:alert(1)', 'java&Tab;script:alert(1)', '&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)',
  '&#x6A;avascript:alert(1)', '&#0000106avascript:alert(1)', 'javascript&colon;alert(1)', 'javascript&#58;alert(1)', 'jav\u0000ascript:alert(1)',
  '\u0001javascript:alert(1)', 'vbscript:msgbox(1)', 'livescript:x', 'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', 'DATA:image/svg+xml,<svg onload=alert(1)>', 'data:image/png;base64,iVBORw0KGgo=',
  '//evil.example/x.js', '\\\\evil.example/x', '/relative/path', 'relative.html', '#frag', '?q=1', 'https://ok.example/a', 'http://ok.example/',
  'mailto:desk@example.com', 'ftp://x.example/', 'file:///etc/passwd', 'blob:https://x/1', 'about:blank', 'jar:x', 'x-javascript:1',
  'expression(alert(1))', 'url(javascript:alert(1))', 'alert(1)', '"><script>alert(1)</script>', "'><img src=x onerror=alert(1)>",
];
const TEXTS = [
  'text', 'AT&T', '&amp;lt;script&amp;gt;', '&lt;script&gt;alert(1)&lt;/script&gt;', '<', '>', '"', "'", '&', '&#60;script&#62;', '\u0000',
  '<!--', '-->', '<![CDATA[', ']]>', '</script', '</style>', '<scr', 'ipt>', '<!DOCTYPE html>', '<?xml version="1.0"?>', '<%', '%>',
  '${alert(1)}', '{{constructor.constructor("alert(1)")()}}', 'পুতিনের', 'مرحبا', '\u202e', '\u0338', 'e\u0301', '\uFEFF', '\uD800',
];

const tagName = fc.oneof(fc.constantFrom(...TAGS), fc.constantFrom(...TAGS).map((tag) => tag.toUpperCase()), fc.constantFrom(...TAGS).chain((tag) => fc.mixedCase(fc.constant(tag))));
const attributeValue = fc.oneof(fc.constantFrom(...URLS), fc.constantFrom(...TEXTS), fc.string({ maxLength: 20 }));
const attribute = fc
  .tuple(fc.oneof(fc.constantFrom(...ATTRIBUTES), fc.constantFrom(...ATTRIBUTES).chain((name) => fc.mixedCase(fc.constant(name)))), attributeValue, fc.constantFrom('"', "'", '', 'none', '` '))
  .map(([name, value, quote]) => {
    if (quote === 'none') return ` ${name}`;
    if (quote === '` ') return ` ${name}=\`${value}\``;
    const escaped = quote === '' ? value.replace(/[\s>]/g, '') : value;
    return ` ${name}=${quote}${escaped}${quote}`;
  });
const separator = fc.constantFrom(' ', '/', '\n', '\t', '/ ', '');

const { node } = fc.letrec<{ node: string; element: string; nodes: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...TEXTS),
    fc.string({ maxLength: 12 }),
    tie('element'),
    fc.constantFrom('<!-- <script>alert(1)</script> -->', '<!--><script>alert(1)</script>-->', '<![CDATA[<script>alert(1)</script>]]>', '<scr<script>ipt>alert(1)</script>',
      '<img src=x onerror=alert(1)//', '<svg><script>alert(1)</script></svg>', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
      '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', '<a href="javas&#99;ript:alert(1)">x</a>', '<iframe srcdoc="<script>alert(1)</script>">',
      '<form><button formaction=javascript:alert(1)>x', '<base href="javascript:/">', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
      '<style>@import "javascript:alert(1)";</style>', '<object data="javascript:alert(1)">', '<embed src=javascript:alert(1)>', '<svg/onload=alert(1)>',
      '<details open ontoggle=alert(1)>', '<video><source onerror=alert(1)>', '<a href=&#x6A;avascript:alert(1)>x', '<<script>script>alert(1)<</script>/script>',
      '<img src="x` `<script>alert(1)</script>"` `>', '<xmp><p title="</xmp><img src=x onerror=alert(1)>">', '</p><script>alert(1)</script><p>'),
  ),
  element: fc
    .tuple(tagName, separator, fc.array(attribute, { maxLength: 4 }), fc.constantFrom('>', '/>', ' >', ''), tie('nodes'), fc.constantFrom('close', 'open', 'mismatched'))
    .map(([tag, sep, attributes, end, children, closing]) => {
      const open = `<${tag}${sep === '/' || sep === '/ ' ? sep : ''}${attributes.join('')}${end}`;
      const close = closing === 'close' ? `</${tag}>` : closing === 'mismatched' ? `</${tag.toLowerCase() === 'p' ? 'div' : 'p'}>` : '';
      return `${open}${children}${close}`;
    }),
  nodes: fc.array(tie('node'), { maxLength: 4 }).map((parts) => parts.join('')),
}));

const attackHtml = fc.array(node, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
const anyHtml = fc.oneof(attackHtml, fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 200 }));
const baseUrl = fc.constantFrom(undefined, 'https://news.example.com/bn/article/1', 'javascript:alert(1)', 'not a url', 'data:text/html,x', 'http://news.example/');

describe('sanitizeHtml (properties)', () => {
  it('the definition of script finds it where it is (the checks below are not vacuous)', () => {
    for (const html of [
      '<p>x</p><script>alert(1)</script>',
      '<STYLE>p{}</STYLE>',
      '<img src=x OnError=alert(1)>',
      '<a href="java&#x09;script:alert(1)">x</a>',
      '<a href=" &#106;avascript:alert(1)">x</a>',
      '<img src="DATA:image/svg+xml,x">',
      '<p style="color:red">x</p>',
      '<svg><a xlink:href="https://x.example/">x</a></svg>',
    ]) {
      expect([html, scriptInParsedOutput(html), scriptInText(html)]).toEqual([html, expect.any(String), expect.any(String)]);
    }
    expect(fc.sample(attackHtml, { seed: RUNS.seed, numRuns: 50 }).filter((html) => scriptInParsedOutput(html) !== null).length).toBeGreaterThan(25);
  });

  it('never lets script through, whatever the HTML and the base URL', () => {
    fc.assert(
      fc.property(anyHtml, baseUrl, (html, base) => {
        expectNoScript(html, sanitizeHtml(html, base));
      }),
      RUNS,
    );
  });

  // Not quite idempotent: where a dropped element sat between a <p> and a block, the block stays
  // inside the <p> (`<p><svg></svg><details>`), which a parser, this one or a browser's, closes
  // before the block. The text and its safety do not change.
  it('sanitising its own output again keeps every word and lets no script in', () => {
    fc.assert(
      fc.property(attackHtml, baseUrl, (html, base) => {
        const once = sanitizeHtml(html, base);
        const twice = sanitizeHtml(once, base);
        expectNoScript(once, twice);
        expect(textOf(twice)).toBe(textOf(once));
      }),
      RUNS,
    );
  });

  it('turns any HTML into paragraphs of text without throwing', () => {
    fc.assert(
      fc.property(anyHtml, (html) => {
        const paragraphs = sanitizeHtmlToParagraphs(html);
        for (const paragraph of paragraphs) {
          expect(typeof paragraph).toBe('string');
          expect(paragraph).not.toBe('');
          expect(paragraph).toBe(paragraph.trim());
        }
      }),
      RUNS,
    );
  });
});
