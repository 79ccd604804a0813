import iconv from 'iconv-lite';

type CharsetSource = 'bom' | 'header' | 'declaration' | 'default';

export interface DecodedText {
  text: string;
  /** The iconv-lite encoding used. */
  encoding: string;
  source: CharsetSource;
}

/**
 * Labels whose WHATWG meaning is a superset of what they name: pages labelled ISO-8859-1 carry
 * windows-1252 curly quotes in 0x80-0x9F, GB2312 pages carry GBK, and so on. Decoding with the
 * superset never changes a byte the narrow charset defines.
 */
const SUPERSETS: Record<string, string> = {
  'iso-8859-1': 'windows-1252', 'iso8859-1': 'windows-1252', 'iso_8859-1': 'windows-1252',
  latin1: 'windows-1252', l1: 'windows-1252', 'us-ascii': 'windows-1252', ascii: 'windows-1252',
  cp819: 'windows-1252', ibm819: 'windows-1252',
  'iso-8859-9': 'windows-1254', 'iso-8859-11': 'windows-874', 'tis-620': 'windows-874',
  gb2312: 'gbk', 'x-gbk': 'gbk', 'euc-kr': 'cp949', 'ks_c_5601-1987': 'cp949',
};

function normaliseLabel(label: string | null | undefined): string | null {
  if (!label) return null;
  const lower = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (lower === '') return null;
  const encoding = SUPERSETS[lower] ?? lower;
  return iconv.encodingExists(encoding) ? encoding : null;
}

export function charsetFromContentType(contentType: string | null | undefined): string | null {
  const match = contentType ? /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType) : null;
  return match ? match[2] : null;
}

function detectBom(body: Buffer): { encoding: string; length: number } | null {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (body.length >= 4 && body[0] === 0xff && body[1] === 0xfe && body[2] === 0 && body[3] === 0) return { encoding: 'utf-32le', length: 4 };
  if (body.length >= 4 && body[0] === 0 && body[1] === 0 && body[2] === 0xfe && body[3] === 0xff) return { encoding: 'utf-32be', length: 4 };
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** The encoding named in the XML declaration, reading UTF-16 without a BOM too. */
function declaredEncoding(body: Buffer): string | null {
  if (body.length >= 4 && body[0] === 0x3c && body[1] === 0 && body[2] === 0x3f && body[3] === 0) return 'utf-16le';
  if (body.length >= 4 && body[0] === 0 && body[1] === 0x3c && body[2] === 0 && body[3] === 0x3f) return 'utf-16be';
  // Every charset a declaration can name is ASCII-compatible up to the end of the declaration.
  const head = body.subarray(0, 1024).toString('latin1');
  const match = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match ? match[1] : null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(body: Buffer): boolean {
  try {
    strictUtf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

function decodeWith(body: Buffer, encoding: string): string {
  return iconv.decode(body, encoding, { stripBOM: true }).replace(/^\uFEFF/, '');
}

/**
 * Bytes of an XML document to text. The charset comes from the HTTP header, then the XML
 * declaration, then UTF-8, with two corrections for what servers get wrong: a byte-order mark
 * beats any header (it is part of the bytes while the header is often a server-wide default, and
 * a header that agrees with it changes nothing; WHATWG encoding sniffing does the same), and
 * bytes labelled UTF-8 that are not valid UTF-8 are decoded with the declaration's charset when
 * it names another one.
 */
export function decodeXmlText(body: Buffer, contentType?: string): DecodedText {
  const bom = detectBom(body);
  const header = normaliseLabel(charsetFromContentType(contentType));
  const declared = normaliseLabel(declaredEncoding(body));

  let encoding: string;
  let source: CharsetSource;
  if (bom) {
    encoding = bom.encoding;
    source = 'bom';
  } else if (header) {
    encoding = header;
    source = 'header';
  } else if (declared) {
    encoding = declared;
    source = 'declaration';
  } else {
    encoding = 'utf-8';
    source = 'default';
  }

  if (isUtf8(encoding) && source !== 'bom' && declared && !isUtf8(declared) && !isValidUtf8(body)) {
    encoding = declared;
    source = 'declaration';
  }
  return { text: decodeWith(body, encoding), encoding, source };
}

/** JSON Feed is UTF-8 by definition (RFC 8259); only a UTF-8 BOM is tolerated. */
export function decodeJsonText(body: Buffer): string {
  return body.toString('utf8').replace(/^\uFEFF/, '');
}

function isUtf8(encoding: string): boolean {
  return encoding === 'utf-8' || encoding === 'utf8';
}
