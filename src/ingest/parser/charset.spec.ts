import iconv from 'iconv-lite';
import { charsetFromContentType, decodeXmlText } from './charset';

const RUSSIAN = 'Привет, мир';

describe('decodeXmlText', () => {
  const declared = (encoding: string, body: string): Buffer => iconv.encode(`<?xml version="1.0" encoding="${encoding}"?><r>${body}</r>`, encoding);

  it('uses the HTTP charset first', () => {
    const bytes = iconv.encode(`<?xml version="1.0" encoding="iso-8859-1"?><r>${RUSSIAN}</r>`, 'koi8-r');
    expect(decodeXmlText(bytes, 'text/xml; charset="KOI8-R"')).toMatchObject({ encoding: 'koi8-r', source: 'header' });
    expect(decodeXmlText(bytes, 'text/xml; charset="KOI8-R"').text).toContain(RUSSIAN);
  });

  it('then the XML declaration, then UTF-8', () => {
    expect(decodeXmlText(declared('windows-1251', RUSSIAN))).toMatchObject({ source: 'declaration', encoding: 'windows-1251' });
    expect(decodeXmlText(declared('windows-1251', RUSSIAN)).text).toContain(RUSSIAN);
    expect(decodeXmlText(Buffer.from(`<r>${RUSSIAN}</r>`))).toMatchObject({ source: 'default', text: `<r>${RUSSIAN}</r>` });
  });

  it('lets a byte-order mark beat the header', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(`<r>${RUSSIAN}</r>`, 'utf-16le')]);
    expect(decodeXmlText(utf16, 'text/xml; charset=iso-8859-1')).toMatchObject({ source: 'bom', encoding: 'utf-16le', text: `<r>${RUSSIAN}</r>` });
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<r>${RUSSIAN}</r>`)]);
    expect(decodeXmlText(utf8, 'text/xml; charset=windows-1252').text).toBe(`<r>${RUSSIAN}</r>`);
  });

  it('recognises UTF-16 without a BOM from the declaration bytes', () => {
    const bytes = iconv.encode(`<?xml version="1.0" encoding="UTF-16"?><r>${RUSSIAN}</r>`, 'utf-16be');
    expect(decodeXmlText(bytes).text).toContain(RUSSIAN);
  });

  it('reads ISO-8859-1 as windows-1252, as browsers do', () => {
    const bytes = Buffer.from([...Buffer.from('<r>'), 0x93, 0x71, 0x94, ...Buffer.from('</r>')]);
    expect(decodeXmlText(bytes, 'text/xml; charset=ISO-8859-1').text).toBe('<r>“q”</r>');
  });

  it('falls back to the declaration when bytes labelled UTF-8 are not UTF-8', () => {
    expect(decodeXmlText(declared('windows-1251', RUSSIAN), 'text/xml; charset=utf-8')).toMatchObject({ encoding: 'windows-1251' });
  });

  it('ignores charsets it does not know', () => {
    expect(decodeXmlText(declared('windows-1251', RUSSIAN), 'text/xml; charset=x-unknown-charset').encoding).toBe('windows-1251');
  });
});

describe('charsetFromContentType', () => {
  it.each([
    ['text/xml; charset=utf-8', 'utf-8'],
    ['application/rss+xml;charset="windows-1251"', 'windows-1251'],
    ['text/xml; foo=bar; Charset=Shift_JIS', 'Shift_JIS'],
    ['text/xml', null],
    [undefined, null],
  ])('%s -> %s', (contentType, expected) => {
    expect(charsetFromContentType(contentType)).toBe(expected);
  });
});
